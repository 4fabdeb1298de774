"""`halyq appeals tick|close-unconfirmed|send-reminders|retry-mail|send`: the appeals' work
outside requests.

Run `halyq appeals tick` from cron every few minutes (e.g. `*/5 * * * *`): it sends
and retries the mail outbox, queues the deadline reminders (once per deadline) and
closes the answered appeals the citizen did not confirm in time. Every step is safe
to run again and concurrently: a reminder is queued once per appeal and deadline, a
notification is claimed before it is sent, and a closing loses to a citizen's reply.

`halyq appeals send` is the mail sender of `HALYQ_APPEAL_MAIL_SENDING=sender`: a
long-running process (a system service) that looks at the outbox every `--poll`
seconds, sends what is due in batches (at once again while batches come full), and
stops cleanly on SIGTERM or Ctrl-C, between two batches.
"""

import signal
import threading

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from halyq.appeals import notifications, services

BATCH = 200


class Command(BaseCommand):
    help = "The appeals' scheduled work (tick: all of it, or one step), or the mail sender."

    def add_arguments(self, parser):
        parser.add_argument(
            "step",
            choices=["tick", "close-unconfirmed", "send-reminders", "retry-mail", "send"],
            help="tick runs the first three steps in order; send runs until stopped",
        )
        parser.add_argument(
            "--poll", type=float, default=1.0, help="send: seconds between looks at the outbox"
        )

    def handle(self, *args, step: str, poll: float, **options):
        if step == "send":
            self._send_until_stopped(poll)
            return
        if step in ("tick", "send-reminders"):
            queued = services.appeals_send_reminders()
            self.stdout.write(f"reminders queued: {queued}")
        if step in ("tick", "close-unconfirmed"):
            closed = services.appeals_close_unconfirmed()
            self.stdout.write(f"closed as answered, not confirmed: {closed}")
        if step in ("tick", "retry-mail"):
            counts = notifications.no_outcomes()
            while any((batch := notifications.deliver_due()).values()):
                _add(counts, batch)
            self.stdout.write(
                "mail: "
                + ", ".join(f"{name} {number}" for name, number in counts.items() if number)
                if any(counts.values())
                else "mail: nothing due"
            )
            notifications.warn_of_late_notices()

    def _send_until_stopped(self, poll: float) -> None:
        stop = threading.Event()
        previous = {
            number: signal.signal(number, lambda *_: stop.set())
            for number in (signal.SIGTERM, signal.SIGINT)
        }
        self.stdout.write(f"sending the appeals' mail every {poll:g} s until stopped")
        totals = notifications.no_outcomes()
        try:
            while not stop.is_set():
                close_old_connections()  # a restarted database must not stop the sender
                batch = notifications.deliver_due(limit=BATCH)
                _add(totals, batch)
                if sum(batch.values()) < BATCH:
                    # Let the next batch gather: one session and one UPDATE for many
                    # messages is what makes the sender cheaper than sending each alone.
                    stop.wait(poll)
        finally:
            for number, handler in previous.items():
                signal.signal(number, handler)
        self.stdout.write("stopped: " + ", ".join(f"{k} {v}" for k, v in totals.items()))


def _add(totals: dict[str, int], batch: dict[str, int]) -> None:
    for name, number in batch.items():
        totals[name] += number
