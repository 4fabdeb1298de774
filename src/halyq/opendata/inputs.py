"""The engine's inputs of each published snapshot, so anyone can recompute the rating.

Rules:
- Each published snapshot's inputs directory (ratings.snapshots.inputs_directory,
  written by the snapshot itself: halyq.scoring.inputs_io) is copied as it is into
  ``snapshot_inputs/<snapshot id>/``: the engine's columns as CSV, the methodology and a
  manifest whose SHA-256 the chain recorded with the snapshot. ``halyq verify``
  recomputes the rating from them.
- They hold no personal data and nothing of regions in pilot: a public snapshot's
  inputs cover the public regions only, people by public id, appeals as anonymous rows
  of dates, codes and outcomes.
- Files are copied byte for byte (and hashed on the way); a snapshot whose inputs are
  missing is named in the report instead of stopping the export.
"""

from __future__ import annotations

from pathlib import Path

from halyq.opendata.files import HashedFile
from halyq.opendata.package import Column, Resource
from halyq.scoring.inputs_io import (
    APPEAL_FIELDS,
    DELIVERY_FIELDS,
    LEFT_OUT_FIELDS,
    RECEPTION_FIELDS,
    VISIT_MARK_FIELDS,
)

DIRECTORY = "snapshot_inputs"
COPY_CHUNK = 1 << 20

_COLUMNS: dict[str, list[Column]] = {
    "people.csv": [
        Column("index", "integer", "Row number the other files refer to."),
        Column("person_id", "string", "The person's public id."),
        Column("group", "string", "Comparison group."),
    ],
    "categories.csv": [
        Column("index", "integer", "Row number the appeals refer to."),
        Column("code", "string", "Category code."),
    ],
    "appeals.csv": [
        Column(name, "integer", "See halyq.scoring.columns.") for name in APPEAL_FIELDS
    ],
    "receptions.csv": [
        Column(name, "integer", "See halyq.scoring.columns.") for name in RECEPTION_FIELDS
    ],
    "deliveries.csv": [
        Column(name, "number", "See halyq.scoring.columns.") for name in DELIVERY_FIELDS
    ],
    # Since methodology v3 (absent from inputs published before): see halyq.scoring.inputs_io.
    "visit_marks.csv": [
        Column(name, "integer", "See halyq.scoring.columns.VisitMarkColumns.")
        for name in VISIT_MARK_FIELDS
    ],
    "outcomes_left_out.csv": [
        Column(
            name,
            "integer",
            "Row (from 0) of an appeals.csv appeal whose outcome is left out of the "
            "resolution component.",
        )
        for name in LEFT_OUT_FIELDS
    ],
}
_JSON = {
    "methodology.json": "The methodology's parameters, exactly as computed with.",
    "manifest.json": "SHA-256 of every input file; its own hash is in the chain.",
}
FILES = (*_COLUMNS, *_JSON)


def input_resources(snapshot_id: int, source: Path) -> list[tuple[Resource, Path]]:
    """The resources of one snapshot's inputs found in ``source`` (known files only)."""
    found = []
    for name in FILES:
        path = source / name
        if not path.is_file():
            continue
        stem = name.rsplit(".", 1)[0]
        common = {
            "name": f"snapshot-{snapshot_id}-inputs-{stem}",
            "path": f"{DIRECTORY}/{snapshot_id}/{name}",
            "title": f"Snapshot {snapshot_id}: engine inputs, {stem}",
        }
        if name in _COLUMNS:
            resource = Resource(
                **common,
                description="Input columns of the rating engine for this snapshot.",
                kind="csv",
                columns=_COLUMNS[name],
                line_terminator=None,
            )
        else:
            resource = Resource(**common, description=_JSON[name])
        found.append((resource, path))
    return found


def copy_file(source: Path, target: HashedFile) -> None:
    with source.open("rb") as handle:
        while chunk := handle.read(COPY_CHUNK):
            target.write(chunk)
