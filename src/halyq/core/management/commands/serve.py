"""`halyq serve`: the development server, refusing to start on an unmigrated database.

Production runs gunicorn (see docs/deployment.md); this is for `make run` and demos.
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

    def handle(self, *args, address: str, noreload: bool, **options):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            raise CommandError(
                f"The database is missing {len(pending)} migration(s). Run `halyq migrate` first."
            )
        call_command("runserver", address, use_reloader=not noreload)
