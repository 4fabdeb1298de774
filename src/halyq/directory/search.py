"""Transliteration-aware name search.

Kazakh names reach us in Cyrillic (Әлихан Нұрланұлы), in the official Latin alphabet
(Álihan Nurlanuly) and in Russian-passport Latin (Alikhan Nurlanuly). Every form is
folded to the same plain ASCII key, so a query in any script finds the person:
`anyascii` turns any script into ASCII, then spelling variants that mean the same
sound are collapsed (kh/h, zh/j, iy/y...).
"""

from __future__ import annotations

import re

from anyascii import anyascii

# Order matters: longer spellings first.
_VARIANTS = (
    ("shch", "sh"),
    ("kh", "h"),
    ("zh", "j"),
    ("dzh", "j"),
    ("ts", "c"),
    ("ch", "c"),
    ("iy", "i"),
    ("yi", "i"),
    ("ii", "i"),
    ("yu", "iu"),
    ("ya", "ia"),
    ("yo", "io"),
    ("ye", "e"),
    ("q", "k"),
    ("w", "u"),
    ("y", "i"),
    ("x", "ks"),
)
_NON_LETTERS = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")


def search_key(*texts: str) -> str:
    """One folded, space-separated key for all the given spellings."""
    words = " ".join(texts)
    folded = anyascii(words).lower()
    folded = _NON_LETTERS.sub(" ", folded.replace("'", "").replace("`", ""))
    for variant, canonical in _VARIANTS:
        folded = folded.replace(variant, canonical)
    return _SPACES.sub(" ", folded).strip()


def query_terms(query: str) -> list[str]:
    """The folded words of a search query; each must occur in a person's key."""
    return [term for term in search_key(query).split(" ") if term]
