"""`halyq seed demo` and `halyq seed --scale national`: the deterministic generator."""

from django.core.management.base import BaseCommand, CommandError

from halyq.opendata.services import opendata_refresh
from halyq.seeding.run import AlreadySeeded
from halyq.seeding.run import seed as generate
from halyq.seeding.scale import SCALES


class Command(BaseCommand):
    help = "Fill the database with generated data: 'demo' or --scale national."

    def add_arguments(self, parser):
        parser.add_argument("preset", nargs="?", choices=sorted(SCALES), help="demo or national")
        parser.add_argument("--scale", choices=sorted(SCALES))
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when data is already there."
        )

    def handle(self, *args, preset, scale, seed: int, if_empty: bool, **options):
        name = scale or preset
        if name is None:
            raise CommandError(
                "Say what to generate: `halyq seed demo` or `halyq seed --scale national`."
            )
        try:
            generate(SCALES[name], seed=seed, report=self.stdout.write)
        except AlreadySeeded as already:
            if if_empty:
                self.stdout.write("Demo data is already loaded.")
                return
            raise CommandError(f"{already} Use a fresh database to generate again.") from None
        self.stdout.write(self.style.SUCCESS(f"Generated the {name} data set (seed {seed})."))
        if name == "demo":
            # The demo's open-data page serves a real export from the start. (The national
            # set is for benchmarks; bench_opendata.py times its export.)
            report = opendata_refresh()
            self.stdout.write(f"Open data exported: {len(report.files)} files.")
