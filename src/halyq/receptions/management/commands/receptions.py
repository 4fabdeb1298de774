"""`halyq receptions send-reminders`: mail tomorrow's booked citizens (run daily, or hourly).

Running it again the same day sends nothing twice; a mail that failed is retried by
the next run.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from halyq.receptions import services


class Command(BaseCommand):
    help = "Personal receptions: send-reminders (the day-before reminder to booked citizens)."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND")
        reminders = subcommands.add_parser(
            "send-reminders", help="Remind citizens booked for tomorrow's receptions."
        )
        reminders.add_argument(
            "--today",
            help="Pretend today is this date (YYYY-MM-DD), e.g. to catch up a missed day.",
        )

    def handle(self, *args, subcommand=None, **options):
        if subcommand != "send-reminders":
            raise CommandError("Say what to do: `halyq receptions send-reminders`.")
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError(
                    f"--today={options['today']!r} is not a date; write it as YYYY-MM-DD."
                ) from None
        counts = services.bookings_send_reminders(today=today)
        self.stdout.write(
            f"Reminders: {counts['sent']} sent, {counts['failed']} failed (retried next run), "
            f"{counts['skipped']} without an address."
        )
