"""`halyq appeals tick|close-unconfirmed|send-reminders|retry-mail`: the scheduled work.

Run `halyq appeals tick` from cron every few minutes (e.g. `*/5 * * * *`): it sends
and retries the mail outbox, queues the deadline reminders (once per deadline) and
closes the answered appeals the citizen did not confirm in time. Every step is safe
to run again and concurrently: a reminder is queued once per appeal and deadline, a
notification is claimed before it is sent, and a closing loses to a citizen's reply.
"""

from django.core.management.base import BaseCommand

from halyq.appeals import notifications, services


class Command(BaseCommand):
    help = "Scheduled work of the appeals: tick (all of it), or one step."

    def add_arguments(self, parser):
        parser.add_argument(
            "step",
            choices=["tick", "close-unconfirmed", "send-reminders", "retry-mail"],
            help="tick runs the three steps in order",
        )

    def handle(self, *args, step: str, **options):
        if step in ("tick", "send-reminders"):
            queued = services.appeals_send_reminders()
            self.stdout.write(f"reminders queued: {queued}")
        if step in ("tick", "close-unconfirmed"):
            closed = services.appeals_close_unconfirmed()
            self.stdout.write(f"closed as answered, not confirmed: {closed}")
        if step in ("tick", "retry-mail"):
            counts = notifications.deliver_due()
            self.stdout.write(
                "mail: "
                + ", ".join(f"{name} {number}" for name, number in counts.items() if number)
                if any(counts.values())
                else "mail: nothing due"
            )
