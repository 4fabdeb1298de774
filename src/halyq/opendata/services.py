"""Putting an export on disk atomically, and refreshing the one the site serves.

Rules:
- ``opendata_export_to(directory=DIR)``: the export is written into a temporary
  directory beside DIR and renamed into place, so DIR never holds half an export. DIR
  may be missing, empty, or hold an earlier Halyq export (which is replaced); anything
  else is refused and left untouched.
- ``opendata_refresh()``: a new export into HALYQ_OPENDATA_DIR/exports/<stamp>/, then
  the pointer file HALYQ_OPENDATA_DIR/current is replaced atomically; the page and the
  downloads follow the pointer, so a reader sees the old export or the new one, never a
  mix. The two newest exports are kept (downloads in progress finish). Refreshes are
  serialised with a file lock. A failed refresh leaves the current export published.
  Call it after each snapshot is published (it takes about as long as the export).
"""

from __future__ import annotations

import json
import logging
import os
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from halyq.opendata.export import DATAPACKAGE, ExportError, ExportReport, export_opendata
from halyq.opendata.package import PACKAGE_NAME

logger = logging.getLogger("halyq.opendata")

# <UTC time to the microsecond>-<random>: names sort in the order the exports were made.
EXPORT_NAME = re.compile(r"^\d{8}T\d{6}\.\d{6}Z-[0-9a-f]{8}$")
POINTER = "current"
KEEP_EXPORTS = 2
STALE_PARTIAL_SECONDS = 24 * 3600


def opendata_directory() -> Path:
    """HALYQ_OPENDATA_DIR (default VAR_DIR/opendata): where the served exports live."""
    configured = getattr(settings, "HALYQ_OPENDATA_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "opendata"


def _is_export(directory: Path) -> bool:
    try:
        described = json.loads((directory / DATAPACKAGE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(described, dict) and described.get("name") == PACKAGE_NAME


def _check_target(directory: Path) -> None:
    parent = directory.parent
    if not parent.exists():
        raise ExportError(f"Cannot export to {directory}: the directory {parent} does not exist.")
    if not parent.is_dir():
        raise ExportError(f"Cannot export to {directory}: {parent} is not a directory.")
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"Cannot export to {directory}: it is a file, not a directory.")
    if directory.is_dir() and any(directory.iterdir()) and not _is_export(directory):
        raise ExportError(
            f"{directory} already holds files that are not a Halyq open-data export: "
            "choose a new or empty directory."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot export to {directory}: {parent} is not writable.")


def _fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _move_into_place(temporary: Path, directory: Path) -> None:
    temporary.chmod(0o755)  # mkdtemp makes it private; the export is public
    if directory.exists():
        old = directory.with_name(f".{directory.name}.old-{secrets.token_hex(4)}")
        os.rename(directory, old)
        os.rename(temporary, directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(temporary, directory)
    _fsync_directory(directory.parent)


def opendata_export_to(*, directory: Path | str) -> ExportReport:
    """Export into ``directory`` atomically (see the module rules). Raises ExportError."""
    directory = Path(directory).absolute()
    _check_target(directory)
    try:
        temporary = Path(
            tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".partial", dir=directory.parent)
        )
    except OSError as error:
        raise ExportError(
            f"Cannot export to {directory}: {directory.parent}: {error.strerror or error}."
        ) from error
    try:
        report = export_opendata(temporary)
        _move_into_place(temporary, directory)
    except OSError as error:
        shutil.rmtree(temporary, ignore_errors=True)
        raise ExportError(f"Cannot export to {directory}: {error.strerror or error}.") from error
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return replace(report, directory=directory)


@contextmanager
def _refresh_lock(root: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # not POSIX: refreshes are not expected to overlap there
        yield
        return
    with (root / ".lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def current_export_name(root: Path | None = None) -> str | None:
    """The name of the served export (None before the first), from the pointer file."""
    root = root or opendata_directory()
    try:
        name = (root / POINTER).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return name if EXPORT_NAME.match(name) and (root / "exports" / name).is_dir() else None


def _point_to(root: Path, name: str) -> None:
    pending = root / f".{POINTER}.{secrets.token_hex(4)}"
    with pending.open("w", encoding="ascii") as handle:
        handle.write(name + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(pending, root / POINTER)
    _fsync_directory(root)


def _prune(exports: Path, current: str) -> None:
    names = sorted(
        (entry.name for entry in exports.iterdir() if EXPORT_NAME.match(entry.name)), reverse=True
    )
    keep = {current, *names[:KEEP_EXPORTS]}
    for name in names:
        if name not in keep:
            shutil.rmtree(exports / name, ignore_errors=True)
    for entry in exports.iterdir():  # temporary directories left by a crash
        leftover = entry.name.endswith(".partial") or ".old-" in entry.name
        if leftover and time.time() - entry.stat().st_mtime > STALE_PARTIAL_SECONDS:
            shutil.rmtree(entry, ignore_errors=True)


def opendata_refresh() -> ExportReport:
    """Export into the served directory and publish it (see the module rules)."""
    root = opendata_directory()
    exports = root / "exports"
    try:
        exports.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExportError(f"Cannot write to {exports}: {error.strerror or error}.") from error
    with _refresh_lock(root):
        name = f"{timezone.now():%Y%m%dT%H%M%S.%fZ}-{secrets.token_hex(4)}"
        report = opendata_export_to(directory=exports / name)
        _point_to(root, name)
        _prune(exports, name)
    logger.info(
        "open data refreshed: %s files, %s bytes, chain head %s, %.1f s",
        len(report.files),
        report.total_bytes,
        report.chain_head.seq,
        report.seconds,
    )
    return report
