"""Settings shared by every environment, read from the environment (12-factor).

Each value that differs between deployments comes from an environment variable;
`local`, `test` and `production` only change defaults and switches.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from halyq.config.environment import database_from_url, env_bool, env_choice, env_list

PACKAGE_DIR = Path(__file__).resolve().parent.parent.parent
PROJECT_DIR = Path(os.environ.get("HALYQ_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("HALYQ_VAR_DIR", PROJECT_DIR / "var"))

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rules.apps.AutodiscoverRulesConfig",
    "halyq.core",
    "halyq.accounts",
    "halyq.directory",
    "halyq.integrity",
    "halyq.appeals",
    "halyq.receptions",
    "halyq.ratings",
    "halyq.programmes",
    "halyq.opendata",
    "halyq.news",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "halyq.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "halyq.config.urls"
WSGI_APPLICATION = "halyq.config.wsgi.application"
ASGI_APPLICATION = "halyq.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "halyq.core.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'halyq.sqlite3'}"
DATABASES = {"default": database_from_url(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "halyq",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "halyq",
        }
    }

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Russian is the default language; Kazakh and English are full equals in the UI.
LANGUAGE_CODE = os.environ.get("HALYQ_LANGUAGE", "ru")
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"HALYQ_LANGUAGE={LANGUAGE_CODE!r} is not one of {', '.join(dict(LANGUAGES))}."
    )
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("HALYQ_TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Files citizens attach to appeals live outside the web root and are served by a view
# that checks permissions, never by the static/media server.
PRIVATE_MEDIA_ROOT = VAR_DIR / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Halyq <no-reply@halyq.kz>")
# Who sends the appeals' mail (appeals.notifications): the process that wrote it, right
# after commit, or the `halyq appeals send` service (production's default).
HALYQ_APPEAL_MAIL_SENDING_WAYS = ("after_commit", "sender")
HALYQ_APPEAL_MAIL_SENDING = env_choice(
    "HALYQ_APPEAL_MAIL_SENDING", choices=HALYQ_APPEAL_MAIL_SENDING_WAYS, default="after_commit"
)
# Text messages (halyq.sms), for visitors who gave a phone number and no email. Without
# a gateway they are disabled; production sets halyq.sms.backends.Mobizon and its key.
HALYQ_SMS_BACKEND = os.environ.get("HALYQ_SMS_BACKEND", "halyq.sms.backends.Disabled")
HALYQ_SMS_MOBIZON_URL = os.environ.get("HALYQ_SMS_MOBIZON_URL", "https://api.mobizon.kz")
HALYQ_SMS_MOBIZON_API_KEY = os.environ.get("HALYQ_SMS_MOBIZON_API_KEY", "")
HALYQ_SMS_SENDER = os.environ.get("HALYQ_SMS_SENDER", "")  # a registered sender name
HALYQ_SMS_TIMEOUT = float(os.environ.get("HALYQ_SMS_TIMEOUT", "10"))

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HALYQ_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

HALYQ_PAGE_SIZE = 25
# The key of the citizens' and appeals' pseudonyms in the ledger and the open data.
# It never enters the database; production refuses to start without it.
HALYQ_PSEUDONYM_KEY = os.environ.get("HALYQ_PSEUDONYM_KEY", "")
HALYQ_REQUIRE_SECRETS = False
# The exact inputs of each published rating snapshot, published with the open data.
HALYQ_SNAPSHOT_INPUTS_DIR = VAR_DIR / "snapshot_inputs"


# --- HTTP API (halyq.api): REST API v1, OpenAPI schema, CORS, Open311 -------------------
# docs/api.md explains each choice. Public reads are open to any origin (CORS) and carry
# ETags; everything else needs a token or a session (with CSRF) and is throttled per user.
HALYQ_API_ANON_RATE = os.environ.get("HALYQ_API_ANON_RATE", "60/min")
HALYQ_API_USER_RATE = os.environ.get("HALYQ_API_USER_RATE", "600/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "halyq.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["halyq.api.parsers.LimitedJSONParser"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "halyq.api.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "DEFAULT_THROTTLE_CLASSES": [
        "halyq.api.throttling.AnonymousClientThrottle",
        "halyq.api.throttling.UserThrottle",
    ],
    "EXCEPTION_HANDLER": "halyq.api.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # How many proxies (nginx) stand in front: the client address is taken from
    # X-Forwarded-For only that deep, so a client cannot forge its way past throttling.
    "NUM_PROXIES": int(os.environ.get("HALYQ_API_NUM_PROXIES", "0")),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNICODE_JSON": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Halyq API",
    "DESCRIPTION": "The public data and the citizen and staff workflows of Halyq. See docs/api.md.",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "AppealResolutionEnum": "halyq.appeals.workflow.Resolution",
        "CitizenVerdictEnum": ["yes", "partly", "no"],
        "EvaluationStatusEnum": "halyq.ratings.models.Evaluation.Status",
        "DisputeStatusEnum": "halyq.ratings.models.Dispute.Status",
        "AppealChannelEnum": "halyq.appeals.models.Channel",
        "BookingChannelEnum": "halyq.receptions.models.Booking.Channel",
        "BookingStatusEnum": "halyq.receptions.models.Booking.Status",
        "ReceptionStatusEnum": "halyq.receptions.models.Reception.Status",
        "PublishOrRejectEnum": ["publish", "reject"],
        "HeldEvaluationDecisionEnum": ["restore", "exclude"],
        "DisputeDecisionEnum": ["uphold", "reject"],
        # Enums of fields named alike elsewhere ("state", "kind"): named here so that
        # neither gets a hashed name.
        "StateEnum": "halyq.appeals.workflow.State",
        "KindEnum": "halyq.directory.models.Person.Kind",
        "ProgrammeItemStatusEnum": "halyq.programmes.models.Status",
        "ProgrammeShownStatusEnum": "halyq.programmes.models.DISPLAY_STATUSES",
        "ProgrammeTopicEnum": "halyq.programmes.models.Topic",
        "ProgrammeDisputeStateEnum": "halyq.programmes.models.TrackedItem.DisputeState",
        "MandateStateEnum": "halyq.programmes.models.Mandate.State",
        "MandateSourceEnum": "halyq.programmes.models.Mandate.Source",
        "ProgrammeHistoryKindEnum": "halyq.programmes.api.HISTORY_KINDS",
        "ProgrammeActorRoleEnum": "halyq.programmes.models.ItemChange.ActorRole",
        "ProgrammeEvidenceKindEnum": "halyq.programmes.models.Evidence.Kind",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "halyq.api.schema.add_problem_responses",
    ],
}
# CORS only for public, read-only endpoints (halyq.api.cors lists them); authenticated
# endpoints never answer with CORS headers, and no credentials are allowed cross-site.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_URLS_REGEX = r"^/api/v1/(regions|districts|council-levels|organizations|persons|posts|memberships|offices|categories|receptions|ratings|methodology|snapshots|news|news-categories|programmes|measures|mandates)(/.*)?$"
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_ALLOW_HEADERS = ["accept", "accept-language", "if-none-match", "content-type"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Content-Language"]
CORS_PREFLIGHT_MAX_AGE = 86_400
