"""`halyq rating snapshot|methodology|simulate|public`: the rating's scheduled and admin jobs.

`halyq rating snapshot` runs daily (cron or a systemd timer): it computes the staff
snapshot (every region; it resets the live scores and their baselines) and the public
snapshot (public regions; published with its chain head and Merkle root).
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from halyq.directory.models import Region
from halyq.ratings.methodologies import NoMethodology, methodology_publish
from halyq.ratings.models import Snapshot
from halyq.scoring.methodology import MethodologyError


class Command(BaseCommand):
    help = "Rating jobs: snapshot, methodology VERSION, simulate, public REGION --from DATE"

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="job", required=True)
        snapshot = commands.add_parser("snapshot", help="compute the staff and public snapshots")
        snapshot.add_argument("--as-of", type=date.fromisoformat, default=None)
        snapshot.add_argument(
            "--no-opendata",
            action="store_true",
            help="do not refresh the open-data download afterwards",
        )
        methodology = commands.add_parser("methodology", help="publish a methodology version")
        methodology.add_argument("version")
        simulate = commands.add_parser(
            "simulate", help="how well the method recovers a known truth"
        )
        simulate.add_argument("--seed", type=int, default=1)
        simulate.add_argument("--people", type=int, default=2000)
        simulate.add_argument("--detection-rate", type=float, default=0.8)
        public = commands.add_parser("public", help="put a region's rating in public mode")
        public.add_argument("region", help="KATO code")
        public.add_argument("--from", dest="public_from", type=date.fromisoformat, required=True)

    def handle(self, *args, job, **options):
        getattr(self, f"_{job}")(**options)

    def _snapshot(self, as_of, no_opendata, **options):
        from halyq.opendata.export import ExportError
        from halyq.opendata.services import opendata_refresh
        from halyq.ratings.snapshots import snapshot_compute

        try:
            staff = snapshot_compute(scope=Snapshot.Scope.PILOT, as_of=as_of)
            public = snapshot_compute(scope=Snapshot.Scope.PUBLIC, as_of=as_of)
        except NoMethodology as missing:
            raise CommandError(str(missing)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Snapshot {staff.id} (staff, {staff.people_count} people) and {public.id} "
                f"(public, {public.people_count} people) as of {public.as_of}; chain head "
                f"#{public.chain_head_seq} {public.chain_head_hash[:16]}…, Merkle root {public.merkle_root[:16]}…"
            )
        )
        if no_opendata:
            return
        # The download page serves the export that holds the newest snapshot.
        try:
            report = opendata_refresh()
        except ExportError as error:
            raise CommandError(
                f"The snapshots are published; the open data was not: {error}"
            ) from None
        self.stdout.write(
            f"Open data refreshed: {len(report.files)} files, events 1..{report.chain_head.seq}."
        )

    def _methodology(self, version, **options):
        try:
            methodology_publish(version=version)
        except MethodologyError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Methodology {version} published and current."))

    def _simulate(self, seed, people, detection_rate, **options):
        from halyq.scoring.simulation import simulate

        if people < 50:
            raise CommandError("Simulate at least 50 people.")
        report = simulate(seed, people=people, detection_rate=detection_rate)
        self.stdout.write(report.format_report())

    def _public(self, region, public_from, **options):
        from halyq.ratings.services import publication_mode_set

        found = Region.objects.filter(code=region).first()
        if found is None:
            raise CommandError(f"Unknown region {region!r}: use its KATO code, e.g. 71 for Astana.")
        publication_mode_set(region=found, mode="public", public_from=public_from)
        self.stdout.write(self.style.SUCCESS(f"{found} is public from {public_from}."))
