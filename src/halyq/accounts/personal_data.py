"""The registry of personal data: every app that keeps a person's data says how to export it
and how to erase it, so "download my data" and "delete my account" reach all of it.

Rules of this registry:
- An app calls `register(name, export=..., erase=...)` in its AppConfig.ready(). The name
  is the section's key in the download (e.g. "appeals"); registering a name again
  replaces the earlier provider (ready() may run more than once in tests).
- `export(user)` returns JSON-serialisable data (dates and decimals are fine): only this
  user's own data, in full — it is their own copy.
- `erase(user)` removes or pseudonymises the user's personal data in that app and keeps
  what must survive without it (an appeal's pseudonymised record, so the rating's
  evidence stands). It runs inside the deletion's transaction: raising aborts the whole
  deletion and nothing is erased.
- `erase_all` runs the providers in reverse order of registration. The accounts app
  registers first (it comes first in INSTALLED_APPS), so the account itself is erased
  last, after every app that may still need to look at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from halyq.accounts.models import User


@dataclass(frozen=True)
class Provider:
    name: str
    export: Callable[[User], Any]
    erase: Callable[[User], None]


_providers: dict[str, Provider] = {}


def register(name: str, *, export: Callable[[User], Any], erase: Callable[[User], None]) -> None:
    if not name or not callable(export) or not callable(erase):
        raise ValueError("A personal-data provider needs a name, an export and an erase.")
    _providers.pop(name, None)
    _providers[name] = Provider(name=name, export=export, erase=erase)


def unregister(name: str) -> None:
    _providers.pop(name, None)


def providers() -> list[Provider]:
    return list(_providers.values())


def export_all(user: User) -> dict[str, Any]:
    """Every provider's export for `user`, keyed by provider name."""
    return {provider.name: provider.export(user) for provider in providers()}


def erase_all(user: User) -> None:
    """Every provider's eraser for `user`, the first-registered last."""
    for provider in reversed(providers()):
        provider.erase(user)
