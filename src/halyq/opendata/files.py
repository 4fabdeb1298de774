"""Writing export files once, in order, knowing their size and SHA-256 when they close.

Rules:
- A file is created exclusively (never overwrites) and written front to back; its
  bytes are hashed as they are written, so the export never reads a file back.
- Writes are gathered into about a megabyte before they reach the disk: the event
  log is millions of short lines.
- Closing flushes, fsyncs (the export is renamed into place afterwards and must be on
  disk by then) and returns the file's name, size and hash for datapackage.json.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BUFFER_BYTES = 1 << 20


@dataclass(frozen=True)
class WrittenFile:
    name: str  # the path inside the export, "/"-separated
    bytes: int
    sha256: str
    rows: int | None = None


class HashedFile:
    """A new file written in order; ``close()`` returns its :class:`WrittenFile`."""

    def __init__(self, path: Path, name: str | None = None) -> None:
        self.path = path
        self.name = name or path.name
        self._file = path.open("xb")
        self._hash = hashlib.sha256()
        self._parts: list[bytes] = []
        self._pending = 0
        self.bytes = 0
        self.rows: int | None = None

    def write(self, data: bytes) -> None:
        self._parts.append(data)
        self._pending += len(data)
        if self._pending >= BUFFER_BYTES:
            self._flush()

    def write_text(self, text: str) -> None:
        """For csv.writer, which writes str."""
        self.write(text.encode("utf-8"))

    def _flush(self) -> None:
        if not self._parts:
            return
        chunk = b"".join(self._parts)
        self._file.write(chunk)
        self._hash.update(chunk)
        self.bytes += len(chunk)
        self._parts.clear()
        self._pending = 0

    def close(self) -> WrittenFile:
        self._flush()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        return WrittenFile(self.name, self.bytes, self._hash.hexdigest(), self.rows)

    def abandon(self) -> None:
        self._file.close()


class TextSink:
    """The ``write(str)`` face of a :class:`HashedFile`, for ``csv.writer``."""

    def __init__(self, target: HashedFile) -> None:
        self.write = target.write_text


def json_bytes(value: Any) -> bytes:
    """Readable, deterministic JSON: UTF-8 as itself, keys sorted, no spaces."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def write_json_array(target: HashedFile, rows: Iterable[Any]) -> int:
    """A JSON array with one element per line (easy to read and to diff); returns its length."""
    count = 0
    for row in rows:
        target.write((b"[\n" if count == 0 else b",\n") + json_bytes(row))
        count += 1
    target.write(b"\n]\n" if count else b"[]\n")
    target.rows = count
    return count
