"""Encryption of sensitive fields at rest (the IIN), and keyed hashes for finding them.

Rules of this module:
- Keys come from the environment variable HALYQ_FIELD_ENCRYPTION_KEYS: Fernet keys
  separated by commas, newest first. Encryption uses the first key; decryption tries
  each (MultiFernet), so a key is rotated by putting a new one in front, running
  `halyq rotate-field-keys`, then dropping the old one. A settings attribute of the same
  name, when present, wins over the environment (tests use it).
- With no key configured, local development and the test suite derive a fixed
  development key from SECRET_KEY. Any other settings module (production) refuses:
  ImproperlyConfigured on first use, and the `check --deploy` system check reports it
  before that (halyq.accounts.checks).
- A keyed hash (HMAC-SHA256) finds a value without decrypting everything; its key is
  derived from the first encryption key, so rotation also recomputes the hashes.
- No key, plaintext or ciphertext ever appears in an error message or a log line.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ENVIRONMENT_VARIABLE = "HALYQ_FIELD_ENCRYPTION_KEYS"
DEVELOPMENT_SETTINGS_MODULES = frozenset(
    {"halyq.config.settings.local", "halyq.config.settings.test"}
)


class DecryptionFailed(Exception):
    """A stored value could not be decrypted with any configured key."""


def configured_keys() -> list[str]:
    """The keys an operator configured (settings attribute first, then the environment)."""
    raw = getattr(settings, ENVIRONMENT_VARIABLE, None)
    if raw is None:
        raw = os.environ.get(ENVIRONMENT_VARIABLE, "")
    if isinstance(raw, list | tuple):
        return [str(key).strip() for key in raw if str(key).strip()]
    return [key.strip() for key in str(raw).split(",") if key.strip()]


def development_fallback_allowed() -> bool:
    # The environment names the module; settings.SETTINGS_MODULE reads None inside
    # override_settings, so it is only the second source.
    module = os.environ.get("DJANGO_SETTINGS_MODULE") or getattr(settings, "SETTINGS_MODULE", "")
    return bool(settings.DEBUG) or module in DEVELOPMENT_SETTINGS_MODULES


def development_key() -> str:
    """A deterministic Fernet key derived from SECRET_KEY: never for production data."""
    digest = hashlib.sha256(b"halyq-development-field-key:" + settings.SECRET_KEY.encode())
    return base64.urlsafe_b64encode(digest.digest()).decode()


def key_problem() -> str | None:
    """Why the configured keys cannot be used (None when they can). Names no key."""
    keys = configured_keys()
    if not keys:
        return (
            f"{ENVIRONMENT_VARIABLE} is not set. Set it to one or more Fernet keys separated "
            'by commas (make one with: python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())")'
        )
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key.encode())
        except ValueError:
            return (
                f"Key number {position} in {ENVIRONMENT_VARIABLE} is not a Fernet key "
                "(32 url-safe base64-encoded bytes)."
            )
    return None


def _active_keys() -> list[str]:
    keys = configured_keys()
    if not keys and development_fallback_allowed():
        return [development_key()]
    problem = key_problem()
    if problem:
        raise ImproperlyConfigured(problem)
    return keys


_cache: dict[tuple[str, ...], MultiFernet] = {}


def _fernet() -> tuple[MultiFernet, bytes]:
    keys = tuple(_active_keys())
    if keys not in _cache:
        _cache.clear()
        _cache[keys] = MultiFernet([Fernet(key.encode()) for key in keys])
    hash_key = hashlib.sha256(b"halyq-field-hash:" + keys[0].encode()).digest()
    return _cache[keys], hash_key


def encrypt(plaintext: str) -> str:
    fernet, _ = _fernet()
    return fernet.encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    fernet, _ = _fernet()
    try:
        return fernet.decrypt(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise DecryptionFailed("A stored value could not be decrypted with any key.") from error


def rotate(ciphertext: str) -> str:
    """The same plaintext re-encrypted under the first (newest) key."""
    fernet, _ = _fernet()
    try:
        return fernet.rotate(ciphertext.encode()).decode()
    except InvalidToken as error:
        raise DecryptionFailed("A stored value could not be decrypted with any key.") from error


def keyed_hash(plaintext: str, *, purpose: str) -> str:
    """HMAC-SHA256 hex digest of `plaintext`, separated by `purpose` (e.g. "iin")."""
    _, hash_key = _fernet()
    return hmac.new(hash_key, f"{purpose}:{plaintext}".encode(), hashlib.sha256).hexdigest()
