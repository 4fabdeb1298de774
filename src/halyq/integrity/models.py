"""The tamper-evident record: an append-only, hash-chained log of rating events.

Rules (see halyq.ledger.chain for the hashing, docs/ledger.md for the format):
- Entries are only ever appended, by `integrity.services.event_record`, in the same
  transaction as the change they record; the database refuses UPDATE and DELETE on
  the entries table with a trigger (PostgreSQL and SQLite), not only Python.
- `LedgerHead` is the one row that serialises chaining: whoever chains locks it, so
  concurrent writers can never fork the chain. A writer that finds it locked does not
  wait: it queues its event as a `PendingEvent` in its own transaction, and the queue
  is chained, in order, right after (see `integrity.services`).
- Entries carry no personal data: people appear by public id, citizens and appeals
  by keyed pseudonyms (halyq.integrity.pseudonyms).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LedgerEntry(models.Model):
    seq = models.PositiveBigIntegerField(primary_key=True)
    prev_hash = models.CharField(max_length=64)
    kind = models.CharField(max_length=64)
    occurred_at = models.CharField(
        max_length=40, help_text="ISO 8601 with offset, exactly as hashed."
    )
    payload = models.JSONField()
    content_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)
    region = models.CharField(
        max_length=2,
        blank=True,
        help_text="KATO code of the region the event belongs to; blank for country-wide events. "
        "Not hashed: it decides which entries the open data shows in full while a region "
        "is in pilot.",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [models.Index(fields=["kind", "seq"]), models.Index(fields=["region", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"

    def to_dict(self) -> dict:
        """The published seven-member form (docs/ledger.md)."""
        return {
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "kind": self.kind,
            "occurred_at": self.occurred_at,
            "payload": self.payload,
            "content_hash": self.content_hash,
            "entry_hash": self.entry_hash,
        }


class LedgerHead(models.Model):
    """The chain's current head; one row (id 1), created by the migration."""

    seq = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("ledger head")

    def __str__(self) -> str:
        return f"#{self.seq} {self.entry_hash[:12]}"


class PendingEvent(models.Model):
    """An event recorded while another transaction held the head: chained soon after.

    Written in the same transaction as the change it records (so it is as durable as
    that change), validated and with its timestamp fixed exactly as it will be hashed;
    `integrity.services` moves it into the chain in id order and deletes it here.
    """

    kind = models.CharField(max_length=64)
    occurred_at = models.CharField(max_length=40)
    payload = models.JSONField()
    region = models.CharField(max_length=2, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"pending {self.kind}"
