"""`halyq export opendata DIR`: write the open-data package into DIR, atomically."""

from django.core.management.base import BaseCommand, CommandError

from halyq.opendata.export import ExportError
from halyq.opendata.services import opendata_export_to


class Command(BaseCommand):
    help = (
        "Export the open data (Popolo people and organisations, rating snapshots, the "
        "pseudonymised event log, aggregates, datapackage.json) into DIR. DIR may be new, "
        "empty or an earlier export, which is replaced in one step."
    )

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["opendata"], help="what to export: opendata")
        parser.add_argument("directory", help="the directory to write (created if missing)")

    def handle(self, *args, what: str, directory: str, **options):
        try:
            report = opendata_export_to(directory=directory)
        except ExportError as error:
            raise CommandError(str(error)) from None
        megabytes = report.total_bytes / 1_000_000
        withheld = (
            f", {report.events_withheld} withheld (regions in pilot)"
            if report.events_withheld
            else ""
        )
        self.stdout.write(
            f"Exported {len(report.files)} files ({megabytes:.1f} MB) to {report.directory} "
            f"in {report.seconds:.1f} s: events 1..{report.chain_head.seq}{withheld}, "
            f"{report.snapshots} published snapshot(s)."
        )
        if report.snapshots_without_inputs:
            missing = ", ".join(str(snapshot) for snapshot in report.snapshots_without_inputs)
            self.stderr.write(
                self.style.WARNING(
                    f"Snapshot(s) {missing} have no published inputs: `halyq verify` cannot "
                    "recompute them (use --no-recompute)."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(f"Done. Check it with: halyq verify {report.directory}")
        )
