"""Production: everything secret or site-specific must come from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from halyq.config.environment import env_bool, env_choice
from halyq.config.settings.base import *  # noqa: F403
from halyq.config.settings.base import HALYQ_APPEAL_MAIL_SENDING_WAYS, SECRET_KEY

DEBUG = False
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random string of at least 50 characters in production."
    )
HALYQ_REQUIRE_SECRETS = True
if len(os.environ.get("HALYQ_PSEUDONYM_KEY", "")) < 32:
    raise ImproperlyConfigured(
        "HALYQ_PSEUDONYM_KEY must be set to a random string of at least 32 characters in "
        "production: it keys the pseudonyms of citizens in the public record."
    )
HALYQ_APPEAL_MAIL_SENDING = env_choice(
    "HALYQ_APPEAL_MAIL_SENDING", choices=HALYQ_APPEAL_MAIL_SENDING_WAYS, default="sender"
)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
