"""Cover images: only real photos of a sensible size, stored without their metadata.

Rules:
- At most `HALYQ_NEWS_COVER_MAX_BYTES` (default 5 MB) and 6,000 × 6,000 pixels, at least
  200 × 100; JPEG, PNG or WebP as decoded by Pillow (the file name and the declared type
  are not trusted; SVG, which can carry script, is refused).
- The image is decoded and re-encoded, which drops EXIF metadata (camera position,
  owner) and anything appended after the image data.
"""

from __future__ import annotations

import io
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 6000
MIN_WIDTH, MIN_HEIGHT = 200, 100
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def max_cover_bytes() -> int:
    return int(getattr(settings, "HALYQ_NEWS_COVER_MAX_BYTES", DEFAULT_MAX_BYTES))


def clean_cover(upload) -> ContentFile:
    """A checked, re-encoded copy of an uploaded cover, or a ValidationError in words."""
    limit = max_cover_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The image is larger than %(size)d MB.") % {"size": limit // (1024 * 1024)},
            code="too_large",
        )
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            image = Image.open(io.BytesIO(data))
            image_format = image.format
            width, height = image.size
            if image_format not in FORMATS:
                raise ValidationError(_("Upload a JPEG, PNG or WebP image."), code="format")
            if width > MAX_SIDE or height > MAX_SIDE:
                raise ValidationError(
                    _("The image is larger than %(side)d pixels on a side.") % {"side": MAX_SIDE},
                    code="too_big",
                )
            if width < MIN_WIDTH or height < MIN_HEIGHT:
                raise ValidationError(
                    _("The image is too small: at least %(width)d × %(height)d pixels.")
                    % {"width": MIN_WIDTH, "height": MIN_HEIGHT},
                    code="too_small",
                )
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = io.BytesIO()
            options = {"quality": 88, "optimize": True} if image_format == "JPEG" else {}
            image.save(output, format=image_format, **options)
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ValidationError(_("This file is not an image we can use."), code="invalid") from error
    return ContentFile(output.getvalue(), name=f"cover.{FORMATS[image_format]}")
