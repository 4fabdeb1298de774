"""Reading configuration from the environment, with errors a person can act on."""

from __future__ import annotations

import os
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use 1 or 0.")


def env_choice(name: str, *, choices: tuple[str, ...], default: str) -> str:
    value = os.environ.get(name, default).strip()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of {', '.join(choices)}.")
    return value


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, Any]:
    """Parse DATABASE_URL; a malformed one is reported in words, not as a traceback."""
    supported = ("sqlite://", "postgres://", "postgresql://", "pgsql://")
    if not url.startswith(supported):
        raise ImproperlyConfigured(
            f"DATABASE_URL={url!r} is not understood. Use sqlite:///path/to/file.sqlite3 "
            "or postgresql://user:password@host:5432/name."
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} is malformed: {error}") from error
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no database.")
    if config["ENGINE"].endswith("sqlite3"):
        config.pop("CONN_MAX_AGE", None)
        config.pop("CONN_HEALTH_CHECKS", None)
        # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent
        # writers queue (up to `timeout` seconds) instead of failing half way.
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return config
