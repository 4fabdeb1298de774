"""Checking and cleaning evidence files before they are stored.

Rules:
- A file is accepted only if its content is a PDF (it starts with "%PDF-") or an image
  Pillow can decode as JPEG, PNG or WebP; the name and the browser's content type are
  not trusted. Larger than `HALYQ_PROGRAMMES_EVIDENCE_MAX_BYTES` (default 5 MiB) or
  more than 40 megapixels is refused.
- Photos are re-encoded from their pixels, which drops EXIF (GPS position, camera,
  owner's name) and any other metadata: residents' and deputies' photos are public
  evidence, their location and device are not. The orientation EXIF asked for is
  applied first, so the picture still looks the right way up.
- Stored names are random (see `models._evidence_path`): an uploaded name can carry a
  person's name.
- A link must be http or https.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "jpg"}


def max_bytes() -> int:
    return int(getattr(settings, "HALYQ_PROGRAMMES_EVIDENCE_MAX_BYTES", 5 * 1024 * 1024))


@dataclass(frozen=True)
class CleanFile:
    content: ContentFile
    kind: str  # "photo" or "document"
    media_type: str


@dataclass(frozen=True)
class EvidenceInput:
    """One piece of evidence as a reporter gives it: a file or a link, with its date."""

    evidence_date: date
    upload: object | None = None  # an UploadedFile or any file-like object with .read()
    url: str = ""
    caption: str = ""


def _read(upload) -> bytes:
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(_too_big(limit), code="too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_too_big(limit), code="too_big")
    if not data:
        raise ValidationError(_("The file is empty."), code="empty")
    return data


def _too_big(limit: int) -> str:
    return _("The file is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)}


def clean_image(data: bytes) -> CleanFile:
    """Decode an image and re-encode it without metadata; raises ValidationError."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        image = Image.open(io.BytesIO(data))
        if image.format not in IMAGE_FORMATS:
            raise ValidationError(_("Photos must be JPEG, PNG or WebP."), code="format")
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise ValidationError(_("The photo is too large in pixels."), code="pixels")
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("This is not a photo or a PDF document we can read."), code="unreadable"
        ) from error
    source_format = image.format
    image = ImageOps.exif_transpose(image)
    output = io.BytesIO()
    if source_format == "PNG":
        # Keep transparency; a PNG written from pixels carries no text or EXIF chunks.
        clean = image.copy()
        clean.info = {}
        clean.save(output, format="PNG", optimize=True)
        return CleanFile(ContentFile(output.getvalue(), name="photo.png"), "photo", "image/png")
    rgb = image.convert("RGB")
    rgb.info = {}
    rgb.save(output, format="JPEG", quality=88, optimize=True)
    return CleanFile(ContentFile(output.getvalue(), name="photo.jpg"), "photo", "image/jpeg")


def clean_file(upload) -> CleanFile:
    """A validated photo (metadata stripped) or PDF from an upload."""
    data = _read(upload)
    if data.startswith(b"%PDF-"):
        return CleanFile(ContentFile(data, name="document.pdf"), "document", "application/pdf")
    return clean_image(data)


def clean_photo(upload) -> CleanFile:
    """A validated photo only (residents may attach a photo, not documents)."""
    data = _read(upload)
    return clean_image(data)


def clean_link(url: str) -> str:
    url = (url or "").strip()
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise ValidationError(
            _("A link must be a full http:// or https:// address."), code="link"
        ) from error
    return url


def clean_evidence_date(value: date) -> date:
    if value > timezone.localdate():
        raise ValidationError(_("The evidence date is in the future."), code="future")
    return value
