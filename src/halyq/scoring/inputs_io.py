"""The engine's exact inputs as open files, so anyone can recompute a published rating.

Each published snapshot keeps the columns it was computed from in a directory of
plain CSV files (integers, dates as ISO `YYYY-MM-DD` days counted by
`date.toordinal()` are given as ordinals to stay exact and fast; floats written with
17 significant digits, which read back bit for bit), plus `methodology.json` (the
version's parameters, exactly) and `manifest.json` (the SHA-256 of every file). The
hash of the manifest is recorded in the tamper-evident log with the snapshot, so the
inputs cannot be changed afterwards without the change showing.

Files: people.csv (index, person_id, group), categories.csv (index, code),
appeals.csv (person, category, registered, answered, due, working_days, resolution,
transferred, counts, evaluation — see halyq.scoring.columns for the codes),
receptions.csv (person, held_on, scheduled_slots, booked, attended, held),
deliveries.csv (person, weight, due, on_time, dispute_share),
visit_marks.csv (person, held_on, mark: the visitors' counted marks of reception visits),
outcomes_left_out.csv (appeal: the row, counted from 0, of each appeals.csv appeal whose
outcome is left out of the resolution component).

The last two were added together with methodology v3; inputs published before them have neither
file in their manifest, and read as none (no visit marks, every outcome counting), which
is exactly what they were computed with.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from halyq.scoring.columns import (
    AppealColumns,
    DeliveryColumns,
    PeopleColumns,
    ReceptionColumns,
    VisitMarkColumns,
)
from halyq.scoring.methodology import Methodology

APPEAL_FIELDS: Final = (
    "person",
    "category",
    "registered",
    "answered",
    "due",
    "working_days",
    "resolution",
    "transferred",
    "counts",
    "evaluation",
)
RECEPTION_FIELDS: Final = ("person", "held_on", "scheduled_slots", "booked", "attended", "held")
DELIVERY_FIELDS: Final = ("person", "weight", "due", "on_time", "dispute_share")
VISIT_MARK_FIELDS: Final = ("person", "held_on", "mark")
LEFT_OUT_FIELDS: Final = ("appeal",)
FILES: Final = (
    "people.csv",
    "categories.csv",
    "appeals.csv",
    "receptions.csv",
    "deliveries.csv",
    "methodology.json",
)
ADDED_FILES: Final = ("visit_marks.csv", "outcomes_left_out.csv")
"""Written since they were introduced; read when the manifest lists them."""

Columns = tuple[PeopleColumns, AppealColumns, ReceptionColumns, DeliveryColumns]


class InputsError(ValueError):
    """The inputs directory is missing a file, or a file is malformed or altered."""


def _matrix(path: Path, header: tuple[str, ...], columns: list[npt.NDArray[Any]], fmt: str) -> None:
    data = np.column_stack(columns) if columns[0].shape[0] else np.zeros((0, len(header)))
    np.savetxt(path, data, fmt=fmt, delimiter=",", header=",".join(header), comments="")


def write_inputs(directory: Path, columns: Columns, methodology: Methodology) -> str:
    """Write the inputs; return the manifest's SHA-256 (what the log records)."""
    people, appeals, receptions, deliveries = columns
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "people.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("index", "person_id", "group"))
        writer.writerows(
            (i, p, g) for i, (p, g) in enumerate(zip(people.person_ids, people.groups, strict=True))
        )
    with (directory / "categories.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("index", "code"))
        writer.writerows(enumerate(appeals.categories))
    _matrix(
        directory / "appeals.csv",
        APPEAL_FIELDS,
        [getattr(appeals, f).astype(np.int64) for f in APPEAL_FIELDS],
        "%d",
    )
    _matrix(
        directory / "receptions.csv",
        RECEPTION_FIELDS,
        [getattr(receptions, f).astype(np.int64) for f in RECEPTION_FIELDS],
        "%d",
    )
    _matrix(
        directory / "deliveries.csv",
        DELIVERY_FIELDS,
        [getattr(deliveries, f).astype(np.float64) for f in DELIVERY_FIELDS],
        "%.17g",
    )
    marks = receptions.marks
    _matrix(
        directory / "visit_marks.csv",
        VISIT_MARK_FIELDS,
        [getattr(marks, f).astype(np.int64) for f in VISIT_MARK_FIELDS],
        "%d",
    )
    _matrix(
        directory / "outcomes_left_out.csv",
        LEFT_OUT_FIELDS,
        [np.flatnonzero(~appeals.outcome_counts).astype(np.int64)],
        "%d",
    )
    (directory / "methodology.json").write_text(methodology.to_json(), encoding="utf-8")
    manifest = {
        name: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for name in (*FILES, *ADDED_FILES)
    }
    body = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()
    (directory / "manifest.json").write_bytes(body)
    return hashlib.sha256(body).hexdigest()


def _read_matrix(path: Path, header: tuple[str, ...], dtype: type) -> npt.NDArray[Any]:
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if tuple(first.strip().split(",")) != header:
        raise InputsError(f"{path.name}: the header must be {','.join(header)}")
    if not rest.strip():
        return np.zeros((0, len(header)), dtype=dtype)
    try:
        data: npt.NDArray[Any] = np.loadtxt(io.StringIO(rest), delimiter=",", dtype=dtype, ndmin=2)
    except ValueError as error:
        raise InputsError(f"{path.name}: {error}") from error
    if data.shape[1] != len(header):
        raise InputsError(f"{path.name}: every row needs {len(header)} values")
    return data


def read_inputs(directory: Path, expected_hash: str | None = None) -> tuple[Columns, Methodology]:
    """Read and check the inputs (against `expected_hash` when given)."""
    try:
        body = (directory / "manifest.json").read_bytes()
        manifest = json.loads(body)
        if expected_hash is not None and hashlib.sha256(body).hexdigest() != expected_hash:
            raise InputsError("manifest.json does not match the hash recorded with the snapshot")
        if not isinstance(manifest, dict):
            raise InputsError("manifest.json must be an object")
        unknown = sorted(set(manifest) - {*FILES, *ADDED_FILES})
        if unknown:
            raise InputsError(f"manifest.json lists unknown files: {', '.join(unknown)}")
        added = tuple(name for name in ADDED_FILES if name in manifest)
        for name in (*FILES, *added):
            if hashlib.sha256((directory / name).read_bytes()).hexdigest() != manifest.get(name):
                raise InputsError(f"{name} does not match its SHA-256 in manifest.json")
        with (directory / "people.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
        with (directory / "categories.csv").open(encoding="utf-8", newline="") as handle:
            categories = tuple(row[1] for row in list(csv.reader(handle))[1:])
        methodology = Methodology.from_json(
            (directory / "methodology.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError, IndexError) as error:
        if isinstance(error, InputsError):
            raise
        raise InputsError(f"{directory}: {error}") from error
    people = PeopleColumns(tuple(row[1] for row in rows), tuple(row[2] for row in rows))
    a = _read_matrix(directory / "appeals.csv", APPEAL_FIELDS, np.int64)
    outcome_counts = np.ones(a.shape[0], dtype=bool)
    if "outcomes_left_out.csv" in added:
        left_out = _read_matrix(directory / "outcomes_left_out.csv", LEFT_OUT_FIELDS, np.int64)
        rows_left_out = left_out[:, 0]
        if rows_left_out.size and (rows_left_out.min() < 0 or rows_left_out.max() >= a.shape[0]):
            raise InputsError("outcomes_left_out.csv: an appeal row is out of range")
        outcome_counts[rows_left_out] = False
    appeals = AppealColumns.build(
        categories=categories,
        **{f: a[:, i] for i, f in enumerate(APPEAL_FIELDS) if f not in {"transferred", "counts"}},
        transferred=a[:, 7].astype(bool),
        counts=a[:, 8].astype(bool),
        outcome_counts=outcome_counts,
    )
    marks = VisitMarkColumns.empty()
    if "visit_marks.csv" in added:
        v = _read_matrix(directory / "visit_marks.csv", VISIT_MARK_FIELDS, np.int64)
        marks = VisitMarkColumns.build(person=v[:, 0], held_on=v[:, 1], mark=v[:, 2])
    r = _read_matrix(directory / "receptions.csv", RECEPTION_FIELDS, np.int64)
    receptions = ReceptionColumns.build(
        person=r[:, 0],
        held_on=r[:, 1],
        scheduled_slots=r[:, 2],
        booked=r[:, 3],
        attended=r[:, 4],
        held=r[:, 5].astype(bool),
        marks=marks,
    )
    d = _read_matrix(directory / "deliveries.csv", DELIVERY_FIELDS, np.float64)
    deliveries = DeliveryColumns.build(
        person=d[:, 0].astype(np.int64),
        weight=d[:, 1],
        due=d[:, 2].astype(np.int64),
        on_time=d[:, 3].astype(bool),
        dispute_share=d[:, 4],
    )
    return (people, appeals, receptions, deliveries), methodology
