"""`halyq ledger sequence`: chain the events still queued (cron, every minute).

Events are chained right after their transaction commits; this catches the rare one
queued behind a transaction that then rolled back instead of committing.
"""

from django.core.management.base import BaseCommand

from halyq.integrity.selectors import chain_head
from halyq.integrity.services import sequence_pending


class Command(BaseCommand):
    help = "Ledger jobs: sequence (chain the queued events)"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="job", required=True)
        commands.add_parser("sequence", help="chain the events still queued")

    def handle(self, *args, job, **options):
        chained = sequence_pending(wait=True)
        head = chain_head()
        self.stdout.write(
            self.style.SUCCESS(
                f"Chained {chained} queued events; head #{head.seq} {head.entry_hash[:16]}…"
            )
        )
