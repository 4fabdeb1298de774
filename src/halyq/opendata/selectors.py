"""Reads of the served export for the public page and the downloads.

Rules: only the export the pointer names is read; a file is served only if its name is
a plain file name (lowercase letters, digits, "_", one known extension, or README.md)
or a snapshot's input file (snapshot_inputs/<id>/<name>), it is listed in that export's
datapackage.json (or is datapackage.json), and it resolves to a regular file directly
inside the export directory (no "..", no absolute paths, no symbolic links out).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from halyq.opendata.export import DATAPACKAGE
from halyq.opendata.services import current_export_name, opendata_directory

SAFE_NAME = re.compile(
    r"^(?:[a-z0-9_]{1,64}\.(?:json|jsonl|csv)|README\.md"
    r"|snapshot_inputs/[0-9]{1,12}/[a-z_]{1,32}\.(?:csv|json))$"
)
MEDIA_TYPES = {
    "json": "application/json; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}


class ExportFileMissing(LookupError):
    pass


@dataclass(frozen=True)
class PublishedFile:
    name: str
    resource: str
    title: str
    description: str
    bytes: int
    sha256: str


@dataclass(frozen=True)
class PublishedExport:
    name: str
    directory: Path
    created: datetime | None
    files: list[PublishedFile]
    anchors: dict[str, Any]


def _descriptor(directory: Path) -> dict[str, Any] | None:
    try:
        described = json.loads((directory / DATAPACKAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return described if isinstance(described, dict) else None


def _moment(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def current_export() -> PublishedExport | None:
    """The served export as its datapackage.json describes it (None before the first)."""
    root = opendata_directory()
    name = current_export_name(root)
    if name is None:
        return None
    directory = root / "exports" / name
    described = _descriptor(directory)
    if described is None:
        return None
    files = [
        PublishedFile(
            name=str(resource.get("path", "")),
            resource=str(resource.get("name", "")),
            title=str(resource.get("title", "")),
            description=str(resource.get("description", "")),
            bytes=int(resource.get("bytes", 0)),
            sha256=str(resource.get("hash", "")).removeprefix("sha256:"),
        )
        for resource in described.get("resources", [])
        if isinstance(resource, dict) and SAFE_NAME.match(str(resource.get("path", "")))
    ]
    return PublishedExport(
        name=name,
        directory=directory,
        created=_moment(described.get("created")),
        files=files,
        anchors=described.get("halyq") or {},
    )


def export_file(name: str) -> tuple[Path, str]:
    """(path, media type) of a file of the served export; ExportFileMissing otherwise."""
    if not SAFE_NAME.match(name):
        raise ExportFileMissing(name)
    export = current_export()
    if export is None:
        raise ExportFileMissing(name)
    if name != DATAPACKAGE and name not in {file.name for file in export.files}:
        raise ExportFileMissing(name)
    directory = export.directory.resolve()
    candidate = directory.joinpath(*name.split("/"))
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ExportFileMissing(name) from None
    # Resolving changes nothing only if no part of the path is "..", a link or absolute.
    if resolved != directory.joinpath(*name.split("/")) or not resolved.is_file():
        raise ExportFileMissing(name)
    return resolved, MEDIA_TYPES[name.rsplit(".", 1)[1]]
