"""`halyq serve`: the development server, refusing to start on an unmigrated database.

Production runs gunicorn with the production settings (docs/deployment.md); this is for
`make run` and demos. `--prepare` does what `make run` needs before serving in this one
process (every `halyq` process pays Django's and the apps' start-up once, about 3 s).
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


class Command(BaseCommand):
    help = "Serve the site on http://127.0.0.1:8000 (development server)."

    def add_arguments(self, parser):
        parser.add_argument("address", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--noreload", action="store_true")
        parser.add_argument(
            "--prepare",
            action="store_true",
            help="Migrate, load the demo data into an empty database and list the demo "
            "accounts, then serve (what `make run` does).",
        )

    def handle(self, *args, address: str, noreload: bool, prepare: bool, **options):
        if prepare:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("seed", "demo", if_empty=True)
            call_command("demo-accounts")
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                f"The database is missing {len(pending)} migration(s). Run `halyq migrate` first."
            )
        call_command("runserver", address, use_reloader=not noreload)
