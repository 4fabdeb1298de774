"""The export's description: Frictionless Data Package (v1) ``datapackage.json`` and README.

Rules:
- Every file of the export except ``datapackage.json`` itself is a resource with its
  ``path``, ``format``, ``mediatype``, ``encoding``, ``bytes`` and ``hash``
  (``sha256:<hex>``); CSV files carry a Table Schema naming every column and its type.
- The licence is CC BY 4.0, stated in the package and in the README.
- ``halyq`` (a custom property) records the anchors: the chain head the export ends
  at and the latest snapshot's chain head and Merkle root, plus the rules in force
  (minimum cell size, the public regions).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from halyq.opendata.files import WrittenFile

PACKAGE_NAME = "halyq-open-data"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str


@dataclass(frozen=True)
class Resource:
    """One file of the export as the package describes it."""

    name: str
    path: str
    title: str
    description: str
    kind: str = "json"  # "json", "jsonl", "csv" or "markdown"
    columns: list[Column] = field(default_factory=list)
    line_terminator: str | None = "\r\n"  # CSV only; None: not declared

    _FORMATS = {
        "json": ("json", "application/json", "json"),
        "jsonl": ("jsonl", "application/x-ndjson", "text"),
        "csv": ("csv", "text/csv", "table"),
        "markdown": ("md", "text/markdown", "text"),
    }

    def describe(self, written: WrittenFile) -> dict[str, Any]:
        file_format, mediatype, frictionless_type = self._FORMATS[self.kind]
        described: dict[str, Any] = {
            "name": self.name,
            "path": self.path,
            "title": self.title,
            "description": self.description,
            "format": file_format,
            "mediatype": mediatype,
            "encoding": "utf-8",
            "bytes": written.bytes,
            "hash": f"sha256:{written.sha256}",
            # Frictionless v5 reads "type"; JSON Lines and Markdown are files, not tables.
            "type": frictionless_type,
            "profile": "tabular-data-resource" if self.kind == "csv" else "data-resource",
        }
        if self.kind == "csv":
            # "rows" is checked by Frictionless against the table it reads: tables only.
            if written.rows is not None:
                described["rows"] = written.rows
            if self.line_terminator:
                described["dialect"] = {
                    "delimiter": ",",
                    "lineTerminator": self.line_terminator,
                    "header": True,
                }
            described["schema"] = {
                "fields": [
                    {"name": column.name, "type": column.type, "description": column.description}
                    for column in self.columns
                ],
                "missingValues": [""],
            }
        return described


PERSONS = Resource(
    "persons",
    "persons.json",
    "People",
    "Deputies and party-reserve activists of the public regions, as Popolo persons.",
)
ORGANIZATIONS = Resource(
    "organizations",
    "organizations.json",
    "Organisations",
    "The party, its branches and factions, and the councils, as Popolo organizations.",
)
MEMBERSHIPS = Resource(
    "memberships",
    "memberships.json",
    "Memberships",
    "Who held which post or role in which organisation, and when (Popolo memberships).",
)
POSTS = Resource(
    "posts", "posts.json", "Posts", "Seats and roles in the organisations (Popolo posts)."
)
AREAS = Resource(
    "areas",
    "areas.json",
    "Areas",
    "The public regions and their districts, keyed by KATO code (Popolo areas).",
)
EVENTS = Resource(
    "events",
    "events.jsonl",
    "Event log",
    "The hash-chained, pseudonymised record of every event the rating is computed from; "
    "events of regions still in pilot are withheld (hashes only).",
    kind="jsonl",
)
SNAPSHOTS = Resource(
    "snapshots",
    "snapshots.json",
    "Rating snapshots",
    "Every published rating snapshot with its chain head, Merkle root and per-person "
    "results (what `halyq verify` checks).",
)
RATING_LATEST_JSON = Resource(
    "rating-latest-json",
    "rating_latest.json",
    "Latest rating (JSON)",
    "The latest published snapshot, as in snapshots.json.",
)
RATING_LATEST_CSV = Resource(
    "rating-latest",
    "rating_latest.csv",
    "Latest rating (CSV)",
    "The latest published snapshot, one row per person.",
    kind="csv",
)
RATING_HISTORY_CSV = Resource(
    "rating-history",
    "rating_history.csv",
    "Rating history (CSV)",
    "Every published snapshot, one row per person per snapshot.",
    kind="csv",
)
METHODOLOGY = Resource(
    "methodology",
    "methodology.json",
    "Methodology versions",
    "Every published methodology version with its parameters.",
)
APPEALS_BY_DISTRICT = Resource(
    "appeals-by-district",
    "appeals_by_district.csv",
    "Appeals by district, category and month",
    "Counts of appeals and where they stand; small counts are suppressed (see README.md).",
    kind="csv",
)
PROGRAMMES = Resource(
    "programmes",
    "programmes.json",
    "Election programmes",
    "The programmes of the public regions and districts.",
)
PROGRAMME_MEASURES = Resource(
    "programme-measures",
    "programme_measures.json",
    "Programme measures",
    "Roadmap measures with their tracking state.",
)
PROGRAMME_MANDATES = Resource(
    "programme-mandates",
    "programme_mandates.json",
    "Voters' mandates",
    "Voters' mandates, the decision on each and how it is tracked.",
)
PROGRAMME_HISTORY = Resource(
    "programme-history",
    "programme_history.json",
    "Programme history",
    "Every change of every public measure and mandate, with its evidence.",
)
README = Resource(
    "readme",
    "README.md",
    "Read me",
    "What the files are, the hashing rules and how to verify the export.",
    kind="markdown",
)


def descriptor(
    described: list[tuple[Resource, WrittenFile]], *, created: str, anchors: dict[str, Any]
) -> dict[str, Any]:
    return {
        "profile": "data-package",
        "name": PACKAGE_NAME,
        "title": "Halyq open data",
        "description": (
            "The public rating of deputies and party-reserve activists built from their work "
            "with citizens: the people and organisations, every published rating snapshot, "
            "the pseudonymised event log the rating is computed from, and aggregate "
            "statistics. No personal data of citizens; nothing of regions still in pilot."
        ),
        "created": created,
        "licenses": [LICENSE],
        "keywords": ["deputies", "rating", "appeals", "Kazakhstan", "Popolo"],
        "resources": [resource.describe(written) for resource, written in described],
        "halyq": anchors,
    }
