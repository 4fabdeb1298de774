"""Writes to the directory. Views, admin, commands and the seed generator go through here."""

from __future__ import annotations

from halyq.directory.models import Person
from halyq.directory.search import search_key


def person_search_text(person: Person) -> str:
    return search_key(person.full_name("kk"), person.full_name("ru"), person.full_name("en"))


def person_refresh_search_text(*, person: Person) -> None:
    """Recompute the folded search key after names change (not saved here)."""
    person.search_text = person_search_text(person)
