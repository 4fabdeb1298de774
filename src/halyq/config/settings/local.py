"""The embedded default: SQLite under var/, debug on, mail and SMS printed to the console."""

import os

from halyq.config.settings.base import *  # noqa: F403
from halyq.config.settings.base import VAR_DIR

DEBUG = os.environ.get("DEBUG", "1") not in {"0", "false", "no", "off"}
SECRET_KEY = SECRET_KEY or "halyq-local-development-key-not-for-production"  # noqa: F405
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
HALYQ_SMS_BACKEND = os.environ.get("HALYQ_SMS_BACKEND", "halyq.sms.backends.Console")
VAR_DIR.mkdir(parents=True, exist_ok=True)
