"""Settings for the test suite: fast hashing, mail and SMS kept in memory."""

import os
import tempfile
from pathlib import Path

from halyq.config.settings.base import *  # noqa: F403

SECRET_KEY = "halyq-test-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
HALYQ_SMS_BACKEND = "halyq.sms.backends.Locmem"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
HALYQ_SNAPSHOT_INPUTS_DIR = Path(tempfile.mkdtemp(prefix="halyq-test-inputs-"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 — whitenoise warns about a missing root
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not Django's shared-cache memory database: shared cache locks whole
    # tables and ignores the busy timeout, so concurrency tests would see errors a
    # real deployment never does.
    # One file per test process, so parallel runs on one machine never share it.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"halyq-test-{os.getpid()}.sqlite3")
    }
# Each request closes its connection: the live server's request threads would otherwise
# keep theirs open for a minute, and PostgreSQL refuses to drop the test database while
# any session is connected (it leaked one database per run).
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
