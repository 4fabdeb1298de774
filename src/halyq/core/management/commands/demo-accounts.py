"""`halyq demo-accounts`: who to sign in as on a demo site."""

from django.core.management.base import BaseCommand

from halyq.seeding.accounts import DEMO_PASSWORD, demo_accounts


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args, **options):
        accounts = demo_accounts()
        if not accounts:
            self.stdout.write("No demo accounts: run `halyq seed demo` first.")
            return
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for user in accounts:
            self.stdout.write(f"  {user.email:<40} {user.display_name}")
        self.stdout.write("Open http://127.0.0.1:8000/ and sign in.")
