"""The open-data export: ``export_opendata(directory)`` writes every file of the package.

Rules:
- One consistent reading of the database: the chain head is read first and everything
  is exported as of that head (on PostgreSQL in one REPEATABLE READ, READ ONLY
  transaction, so the export also cannot write anything).
- Only public regions (``ratings.visibility.public_region_ids`` today) and country-wide
  data; nothing of a region in pilot and no personal data of citizens (each writer's
  module states its rule). The event log withholds the entries of pilot regions.
- Files are streamed (memory does not grow with the event log) and hashed as they are
  written; ``datapackage.json`` is written last, describing all the others.
- The directory must be new or empty. Writing into a temporary directory and renaming
  it into place is the caller's job (``opendata.services``), so that readers never see
  half an export.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from halyq.integrity.selectors import chain_head
from halyq.integrity.services import sequence_pending
from halyq.ledger.chain import ChainHead
from halyq.opendata import inputs, package
from halyq.opendata.aggregates import (
    appeals_columns,
    minimum_cell,
    write_appeals_by_district,
)
from halyq.opendata.events import LedgerDamaged, withholding_for, write_events
from halyq.opendata.files import HashedFile, WrittenFile, write_json_array
from halyq.opendata.popolo import (
    area_rows,
    membership_rows,
    organization_rows,
    person_rows,
    post_rows,
)
from halyq.opendata.rating import (
    component_names,
    public_names,
    published_snapshots,
    rating_columns,
    snapshot_header,
    write_latest_snapshot,
    write_methodologies,
    write_rating_csv,
    write_snapshots,
)
from halyq.opendata.readme import readme_text
from halyq.ratings.snapshots import inputs_directory
from halyq.ratings.visibility import public_region_ids

logger = logging.getLogger("halyq.opendata")

DATAPACKAGE = "datapackage.json"


class ExportError(RuntimeError):
    """The export cannot be made; the message says why, in one sentence."""


@dataclass(frozen=True)
class ExportReport:
    directory: Path
    files: tuple[WrittenFile, ...]
    created: str
    chain_head: ChainHead
    events_withheld: int
    snapshots: int
    latest_snapshot_id: int | None
    seconds: float
    snapshots_without_inputs: tuple[int, ...] = ()

    @property
    def total_bytes(self) -> int:
        return sum(file.bytes for file in self.files)


@contextmanager
def _consistent_read() -> Iterator[None]:
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        # SQLite (WAL) keeps no long read transaction here: entries up to the head read
        # first never change, and snapshots are filtered by that head.
        yield


class _Writer:
    """Writes resources into the directory and remembers what it wrote."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.written: list[tuple[package.Resource, WrittenFile]] = []

    def write(self, resource: package.Resource, fill: Callable[[HashedFile], Any]) -> WrittenFile:
        path = self.directory / resource.path
        path.parent.mkdir(parents=True, exist_ok=True)
        target = HashedFile(path, resource.path)
        try:
            fill(target)
        except BaseException:
            target.abandon()
            raise
        written = target.close()
        self.written.append((resource, written))
        return written

    def write_rows(self, resource: package.Resource, rows: Iterable[Any]) -> WrittenFile:
        return self.write(resource, lambda target: write_json_array(target, rows))


def _programme_sources(
    public_ids: Collection[int],
) -> list[tuple[package.Resource, Callable[[], Iterable[dict]]]]:
    """The programmes app's rows of the regions it publishes given the rating's public ones.

    `programmes.opendata` applies the rule (also the API's): only regions public for the
    tracker and for the rating, deputies only of those regions, no residents.
    """
    try:
        from halyq.programmes import opendata as programmes
        from halyq.programmes.visibility import public_region_ids
    except ImportError:
        return []
    published = frozenset(public_region_ids())
    return [
        (package.PROGRAMMES, lambda: programmes.programme_rows(published)),
        (package.PROGRAMME_MEASURES, lambda: programmes.measure_rows(published)),
        (package.PROGRAMME_MANDATES, lambda: programmes.mandate_rows(published)),
        (package.PROGRAMME_HISTORY, lambda: programmes.history_rows(published)),
    ]


def export_opendata(directory: Path | str) -> ExportReport:
    """Write the open-data package into ``directory`` (new or empty). See the module rules.

    Raises :class:`ExportError` when the directory cannot be used or the event record
    does not verify.
    """
    directory = Path(directory)
    started = time.perf_counter()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        if any(directory.iterdir()):
            raise ExportError(f"{directory} is not empty: export into a new or empty directory.")
    except OSError as error:
        raise ExportError(f"Cannot write to {directory}: {error.strerror or error}.") from error
    writer = _Writer(directory)
    created = timezone.now().replace(microsecond=0).isoformat()
    sequence_pending(wait=True)  # so the events recorded until now are in the chain
    try:
        with _consistent_read():
            anchors, snapshot_count, latest, descriptor = _write_all(writer, created)
    except LedgerDamaged as damaged:
        raise ExportError(f"The event record does not verify: {damaged}") from damaged
    except OSError as error:
        raise ExportError(f"Cannot write to {directory}: {error.strerror or error}.") from error
    return ExportReport(
        directory=directory,
        files=(*(written for _resource, written in writer.written), descriptor),
        created=created,
        chain_head=ChainHead(anchors["chain_head"]["seq"], anchors["chain_head"]["entry_hash"]),
        events_withheld=anchors["events"]["withheld"],
        snapshots=snapshot_count,
        latest_snapshot_id=latest.id if latest else None,
        seconds=time.perf_counter() - started,
        snapshots_without_inputs=tuple(anchors["snapshots_without_inputs"]),
    )


def _write_inputs(writer: _Writer, snapshots: list) -> list[int]:
    """Copy each snapshot's engine inputs; return the ids of snapshots without them."""
    missing = []
    for snapshot in snapshots:
        found = inputs.input_resources(snapshot.id, inputs_directory(snapshot.id))
        if not found:
            missing.append(snapshot.id)
            logger.warning("open data: snapshot %s has no published inputs", snapshot.id)
        for resource, source in found:
            writer.write(resource, lambda target, source=source: inputs.copy_file(source, target))
    return missing


def _write_all(writer: _Writer, created: str):
    public_ids = public_region_ids(timezone.localdate())
    head = chain_head()
    withholding = withholding_for(public_ids)
    names = public_names(public_ids)

    writer.write_rows(package.PERSONS, person_rows(public_ids))
    writer.write_rows(package.ORGANIZATIONS, organization_rows(public_ids))
    writer.write_rows(package.MEMBERSHIPS, membership_rows(public_ids))
    writer.write_rows(package.POSTS, post_rows(public_ids))
    writer.write_rows(package.AREAS, area_rows(public_ids))

    summary = None

    def fill_events(target: HashedFile) -> None:
        nonlocal summary
        summary = write_events(target, head=head, withholding=withholding)

    writer.write(package.EVENTS, fill_events)

    snapshots = published_snapshots(head.seq)
    latest = snapshots[-1] if snapshots else None
    components = component_names(snapshots)
    writer.write(package.SNAPSHOTS, lambda target: write_snapshots(target, snapshots))
    writer.write(package.RATING_LATEST_JSON, lambda target: write_latest_snapshot(target, latest))
    columns = rating_columns(components)
    for resource, chosen in (
        (package.RATING_LATEST_CSV, [latest] if latest else []),
        (package.RATING_HISTORY_CSV, snapshots),
    ):
        writer.write(
            replace(resource, columns=columns),
            lambda target, chosen=chosen: write_rating_csv(
                target, chosen, components=components, names=names
            ),
        )
    without_inputs = _write_inputs(writer, snapshots)
    writer.write(package.METHODOLOGY, write_methodologies)
    writer.write(
        replace(package.APPEALS_BY_DISTRICT, columns=appeals_columns()),
        lambda target: write_appeals_by_district(target, public_ids),
    )
    public_codes = withholding.public_region_codes
    for resource, rows in _programme_sources(public_ids):
        writer.write_rows(resource, rows())

    anchors: dict[str, Any] = {
        "chain_head": {"seq": head.seq, "entry_hash": head.entry_hash},
        "events": {"entries": summary.entries, "withheld": summary.withheld},
        "latest_snapshot": snapshot_header(latest) if latest else None,
        "snapshots": len(snapshots),
        "snapshots_without_inputs": without_inputs,
        "minimum_cell_citizens": minimum_cell(),
        "public_regions": sorted(public_codes),
    }
    resources = [resource for resource, _written in writer.written] + [package.README]
    readme = readme_text(
        created=created, resources=resources, anchors=anchors, minimum=minimum_cell()
    )
    writer.write(package.README, lambda target: target.write(readme.encode()))
    described = package.descriptor(writer.written, created=created, anchors=anchors)
    descriptor_file = HashedFile(writer.directory / DATAPACKAGE)
    descriptor_file.write((json.dumps(described, ensure_ascii=False, indent=2) + "\n").encode())
    descriptor = descriptor_file.close()
    return anchors, len(snapshots), latest, descriptor
