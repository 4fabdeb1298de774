"""The published rating: snapshots with their anchors, as JSON and CSV, and the methodologies.

Rules:
- Only public, published snapshots go out, and only those computed from a chain head
  inside this export's event log (``chain_head_seq <= head``), so every snapshot's
  anchor can be checked against ``events.jsonl``.
- ``snapshots.json`` is what ``halyq verify`` reads (halyq.ledger.verify): per snapshot
  its id, ``chain_head_seq``, ``chain_head_hash``, ``merkle_root`` and ``results``, each
  result exactly the object whose canonical JSON is a leaf of the Merkle tree, plus
  descriptive members (as_of, methodology, published_at...). A published snapshot is
  never changed: it goes out as it was published.
- The CSV files are the same figures flattened for spreadsheets: one row per person per
  snapshot, the person's public name beside the id, one column per component. A person
  whose region is no longer public keeps their published row but not their name.
- Everything is streamed snapshot by snapshot, result by result.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator
from typing import Any

from halyq.directory.models import Person
from halyq.ledger.canonical import canonical_json
from halyq.opendata.files import HashedFile, TextSink, json_bytes, write_json_array
from halyq.opendata.package import Column
from halyq.ratings.models import MethodologyVersion, Snapshot, SnapshotResult

CHUNK = 5000


def published_snapshots(head_seq: int) -> list[Snapshot]:
    return list(
        Snapshot.objects.filter(
            scope=Snapshot.Scope.PUBLIC, is_published=True, chain_head_seq__lte=head_seq
        )
        .select_related("methodology")
        .order_by("published_at", "id")
    )


def snapshot_header(snapshot: Snapshot) -> dict[str, Any]:
    """Everything about a snapshot except its results (the anchors included)."""
    return {
        "snapshot_id": snapshot.id,
        "as_of": snapshot.as_of.isoformat(),
        "methodology": snapshot.methodology.version,
        "published_at": snapshot.published_at.isoformat() if snapshot.published_at else None,
        "evidence_cutoff": snapshot.evidence_cutoff.isoformat(),
        "people_count": snapshot.people_count,
        "chain_head_seq": snapshot.chain_head_seq,
        "chain_head_hash": snapshot.chain_head_hash,
        "merkle_root": snapshot.merkle_root,
        "inputs_hash": snapshot.inputs_hash,
    }


def _results(snapshot: Snapshot) -> Iterator[tuple[dict[str, Any], int]]:
    rows = (
        SnapshotResult.objects.filter(snapshot=snapshot)
        .order_by("id")
        .values_list("data", "appeals")
        .iterator(chunk_size=CHUNK)
    )
    yield from rows


def _write_snapshot(target: HashedFile, snapshot: Snapshot) -> int:
    # The snapshot object with an empty results array, split where the results go:
    # the results are then streamed into place (member order stays sorted).
    header = json_bytes({**snapshot_header(snapshot), "results": []})
    opening, closing = header.split(b'"results":[]')
    target.write(opening + b'"results":[')
    count = 0
    for data, _appeals in _results(snapshot):
        target.write((b"\n" if count == 0 else b",\n") + canonical_json(data))
        count += 1
    target.write(b"\n]" + closing)
    return count


def write_snapshots(target: HashedFile, snapshots: Iterable[Snapshot]) -> int:
    """The JSON array of snapshots (with results) for ``halyq verify``; returns result rows."""
    rows = 0
    first = True
    target.write(b"[")
    for snapshot in snapshots:
        target.write(b"\n" if first else b",\n")
        rows += _write_snapshot(target, snapshot)
        first = False
    target.write(b"\n]\n" if not first else b"]\n")
    target.rows = rows
    return rows


def write_latest_snapshot(target: HashedFile, snapshot: Snapshot | None) -> int:
    """The latest snapshot alone, as one JSON object (``null`` before the first)."""
    if snapshot is None:
        target.write(b"null\n")
        target.rows = 0
        return 0
    count = _write_snapshot(target, snapshot)
    target.write(b"\n")
    target.rows = count
    return count


def component_names(snapshots: Iterable[Snapshot]) -> list[str]:
    """The components weighed by the snapshots' methodologies, in alphabetical order
    (the stored parameters do not keep an order on every database)."""
    names: set[str] = set()
    for snapshot in snapshots:
        names.update((snapshot.methodology.parameters or {}).get("weights", {}))
    return sorted(names)


def rating_columns(components: list[str]) -> list[Column]:
    columns = [
        Column("snapshot_id", "integer", "The snapshot (see snapshots.json)."),
        Column("as_of", "date", "The day the rating describes."),
        Column("methodology", "string", "Methodology version (see methodology.json)."),
        Column("person_id", "string", "The person's public id (persons.json)."),
        Column("name_ru", "string", "The person's name in Russian."),
        Column("name_kk", "string", "The person's name in Kazakh."),
        Column("name_en", "string", "The person's name in English."),
        Column("region", "string", "KATO code of the person's region."),
        Column("group", "string", "Comparison group: council level and region."),
        Column("status", "string", "rated, or insufficient (too little evidence to rate)."),
        Column("score", "number", "Score 0-100."),
        Column("low", "number", "Lower end of the score's 90% interval."),
        Column("high", "number", "Upper end of the score's 90% interval."),
        Column("rank", "integer", "Rank in the comparison group (1 = best)."),
        Column("band", "integer", "Band in the comparison group."),
        Column("appeals", "integer", "Appeals counted for the person in this snapshot."),
    ]
    for name in components:
        columns += [
            Column(name, "number", f"Component {name}: value 0-100."),
            Column(f"{name}_low", "number", f"Component {name}: lower end of its interval."),
            Column(f"{name}_high", "number", f"Component {name}: upper end of its interval."),
        ]
    return columns


def public_names(public_region_ids: Collection[int]) -> dict[str, tuple[str, str, str, str]]:
    """{public id: (name ru, kk, en, region code)} of the people of the public regions."""
    names = {}
    people = Person.objects.filter(region_id__in=list(public_region_ids))
    for person in (
        people.select_related("region")
        .only(
            "public_id",
            "family_name_kk",
            "given_name_kk",
            "patronymic_kk",
            "family_name_ru",
            "given_name_ru",
            "patronymic_ru",
            "family_name_en",
            "given_name_en",
            "region__code",
        )
        .iterator(chunk_size=CHUNK)
    ):
        names[str(person.public_id)] = (
            person.full_name("ru"),
            person.full_name("kk"),
            person.full_name("en"),
            person.region.code,
        )
    return names


def write_rating_csv(
    target: HashedFile,
    snapshots: Iterable[Snapshot],
    *,
    components: list[str],
    names: dict[str, tuple[str, str, str, str]],
) -> int:
    """One CSV row per person per snapshot; ``names`` holds only people who may be named."""
    writer = csv.writer(TextSink(target), lineterminator="\r\n")
    writer.writerow([column.name for column in rating_columns(components)])
    rows = 0
    for snapshot in snapshots:
        start = [snapshot.id, snapshot.as_of.isoformat(), snapshot.methodology.version]
        for data, appeals in _results(snapshot):
            person_id = data["person_id"]
            name_ru, name_kk, name_en, region = names.get(person_id, ("", "", "", ""))
            row = [
                *start,
                person_id,
                name_ru,
                name_kk,
                name_en,
                region,
                data.get("group", ""),
                data.get("status", ""),
                _blank(data.get("score")),
                _blank(data.get("low")),
                _blank(data.get("high")),
                _blank(data.get("rank")),
                _blank(data.get("band")),
                appeals,
            ]
            found = data.get("components") or {}
            for name in components:
                component = found.get(name) or {}
                row += [
                    _blank(component.get("value")),
                    _blank(component.get("low")),
                    _blank(component.get("high")),
                ]
            writer.writerow(row)
            rows += 1
    target.rows = rows
    return rows


def _blank(value: Any) -> Any:
    return "" if value is None else value


def methodology_rows() -> Iterator[dict[str, Any]]:
    versions = MethodologyVersion.objects.filter(published_at__isnull=False).order_by(
        "published_at", "id"
    )
    for version in versions:
        yield {
            "version": version.version,
            "published_at": version.published_at.isoformat(),
            "is_current": version.is_current,
            "parameters": version.parameters,
        }


def write_methodologies(target: HashedFile) -> int:
    return write_json_array(target, methodology_rows())
