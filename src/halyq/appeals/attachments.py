"""Files citizens attach to appeals: checked by content, stored outside the web root.

Rules:
* At most `HALYQ_APPEAL_ATTACHMENT_MAX_FILES` (5) files of at most
  `HALYQ_APPEAL_ATTACHMENT_MAX_BYTES` (10 MB) each.
* The type is decided by the bytes, never by the name or the browser's claim: JPEG and
  PNG must open and verify with Pillow, a PDF must start with `%PDF-`, a DOCX must be
  a zip holding `word/document.xml` and `[Content_Types].xml`. Anything else (an
  executable named `.pdf`, a script, an archive) is refused with a clear message.
* Files are stored under `PRIVATE_MEDIA_ROOT/appeals/<year>/<random>.<ext>`: the
  name carries no personal data, and the directory is never served by the web server;
  the download view checks `appeals.view_attachment` first.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_FILES = 5
MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not opened


def max_bytes() -> int:
    return int(getattr(settings, "HALYQ_APPEAL_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_files() -> int:
    return int(getattr(settings, "HALYQ_APPEAL_ATTACHMENT_MAX_FILES", DEFAULT_MAX_FILES))


class PrivateStorage(FileSystemStorage):
    """Files under PRIVATE_MEDIA_ROOT (read when used, so tests may move it); no URL."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Appeal attachments have no public URL; use the download view.")


@cache
def private_storage() -> PrivateStorage:
    return PrivateStorage()


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    extension: str
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def _is_jpeg_or_png(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


def _verify_image(content: bytes) -> bool:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return False
            image.verify()
    except Exception:  # Pillow raises many kinds for broken or hostile files
        return False
    return True


def _is_docx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return False
    return "word/document.xml" in names and "[Content_Types].xml" in names


def sniff(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) judged from the bytes, or None when not allowed."""
    image = _is_jpeg_or_png(content[:16])
    if image:
        if not _verify_image(content):
            return None
        return ("image/jpeg", "jpg") if image == "jpeg" else ("image/png", "png")
    if content.startswith(b"%PDF-"):
        return "application/pdf", "pdf"
    if _is_docx(content):
        return (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        )
    return None


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file; raises ValidationError with a message for the citizen."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB."),
            code="too_large",
            params={"name": _display_name(upload.name), "limit": limit // (1024 * 1024)},
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)s MB."),
            code="too_large",
            params={"name": _display_name(upload.name), "limit": limit // (1024 * 1024)},
        )
    if not content:
        raise ValidationError(
            _("“%(name)s” is empty."), code="empty", params={"name": _display_name(upload.name)}
        )
    kind = sniff(content)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is not a photo (JPEG, PNG), a PDF or a Word (DOCX) document."),
            code="type_not_allowed",
            params={"name": _display_name(upload.name)},
        )
    content_type, extension = kind
    return CheckedFile(
        content=content,
        content_type=content_type,
        extension=extension,
        original_name=_safe_name(upload.name, extension),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def check_uploads(uploads) -> list[CheckedFile]:
    uploads = list(uploads)
    if len(uploads) > max_files():
        raise ValidationError(
            _("Attach at most %(count)s files."), code="too_many", params={"count": max_files()}
        )
    checked, problems = [], []
    for upload in uploads:
        try:
            checked.append(check_upload(upload))
        except ValidationError as problem:
            problems.append(problem)
    if problems:
        raise ValidationError(problems)
    return checked


def _display_name(name: str | None) -> str:
    return os.path.basename(name or "")[:80]


def _safe_name(name: str | None, extension: str) -> str:
    stem = os.path.splitext(os.path.basename(name or ""))[0][:80]
    stem = get_valid_filename(stem) if stem.strip(" .") else "file"
    return f"{stem}.{extension}"


def storage_name(extension: str) -> str:
    return f"appeals/{timezone.now().year}/{uuid.uuid4().hex}.{extension}"
