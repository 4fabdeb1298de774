"""How a commenting reader is named in public: a pseudonym, never their name or email.

A reader's label is "Reader #" plus six hex digits of HMAC-SHA256(SECRET_KEY, article id
and user id). It is stable within one article, so a conversation can be followed, and
different on every other article, so one person's comments across the site cannot be
collected under one label. Names are personal data; readers are not asked to publish
theirs.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def reader_code(*, user_id: int, article_id: int) -> str:
    message = f"news-reader:{article_id}:{user_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:6].upper()
