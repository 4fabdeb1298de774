"""`halyq import people FILE`: load spreadsheets from the regional branches."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from halyq.directory.importing import ImportFailed, people_import
from halyq.programmes.importing import roadmap_import

IMPORTERS = {"people": people_import, "roadmap": roadmap_import}


class Command(BaseCommand):
    help = "Import a CSV or XLSX file: all rows or none; every problem is listed."

    def add_arguments(self, parser):
        parser.add_argument("what", choices=sorted(IMPORTERS))
        parser.add_argument("file", type=Path)

    def handle(self, *args, what, file, **options):
        try:
            report = IMPORTERS[what](file)
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{failure}. Fix the file and run the import again.") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {file.name}: {report.created} created, {report.updated} updated, "
                f"{report.unchanged} unchanged; {report.memberships_started} posts started, "
                f"{report.memberships_ended} ended."
            )
        )
