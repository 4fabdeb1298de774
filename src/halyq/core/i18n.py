"""Fields stored once per language (`name_kk`, `name_ru`, `name_en`) and how to read them.

The reader's language comes first; when that version is empty we fall back to
Russian, then Kazakh, then English, and say so, so a missing translation is visible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import get_language

LANGUAGE_CODES = ("kk", "ru", "en")
FALLBACK_ORDER = ("ru", "kk", "en")


@dataclass(frozen=True)
class LocalizedText:
    text: str
    language: str
    is_fallback: bool

    def __str__(self) -> str:
        return self.text


def current_language() -> str:
    language = (get_language() or "ru")[:2]
    return language if language in LANGUAGE_CODES else "ru"


def localized(obj: Any, field: str, language: str | None = None) -> LocalizedText:
    wanted = language or current_language()
    for code in (wanted, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "") or ""
        if value:
            return LocalizedText(value, code, code != wanted)
    return LocalizedText("", wanted, False)
