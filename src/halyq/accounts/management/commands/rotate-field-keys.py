"""`halyq rotate-field-keys`: re-encrypt stored IINs under the newest key.

Put the new key first in HALYQ_FIELD_ENCRYPTION_KEYS (keep the old ones after it),
run this, then remove the old keys.
"""

from django.core.management.base import BaseCommand

from halyq.accounts.services import field_keys_rotate


class Command(BaseCommand):
    help = "Re-encrypt every stored IIN under the first key of HALYQ_FIELD_ENCRYPTION_KEYS."

    def handle(self, *args, **options):
        count = field_keys_rotate()
        self.stdout.write(f"Re-encrypted {count} IINs under the newest key.")
