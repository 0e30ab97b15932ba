"""Configuration read from the environment (a `.env` file is honoured).

`APP_ENV` picks the class: `development` (default), `production` or `testing`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent
load_dotenv(BASE_DIR / ".env")

INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))

# Keys that are never acceptable in production, however they got into the environment.
_PLACEHOLDER_KEYS = {"", "change-me", "changeme", "dev", "secret", "replace-me"}


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the usual PostgreSQL spellings and use psycopg 3 for all of them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _development_secret_key() -> str:
    """Generate a key once and keep it in instance/, so sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    key_file = INSTANCE_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class Config:
    APP_ENV = "development"

    @classmethod
    def check(cls, config: dict) -> None:
        """Validate (and complete) the loaded configuration before the app starts."""
    SITE_NAME = os.environ.get("SITE_NAME", "Alumni Commons")
    # Where people reach the site: the links in mail sent from the command line and the worker (reminders,
    # digests, unsubscribe links). `make run` sets it to the address it serves; production requires it.
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")
    SECRET_KEY = os.environ.get("SECRET_KEY") or None

    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'alumni.db'}")
    )
    # pre_ping lets the app recover by itself when the database comes back; PostgreSQL timeouts are added in
    # create_app (configure_database_timeouts).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Alumni Commons <noreply@localhost>")
    MAIL_OUTBOX_DIR = str(INSTANCE_DIR / "outbox")
    MAIL_MAX_ATTEMPTS = 10
    # The nightly clean-up deletes stored messages (addresses and words) once they have done their job.
    MAIL_KEEP_DAYS = int(os.environ.get("MAIL_KEEP_DAYS", "30"))
    NOTIFICATION_KEEP_DAYS = int(os.environ.get("NOTIFICATION_KEEP_DAYS", "180"))  # read ones, then deleted
    MAIL_KEEP_FAILED_DAYS = int(os.environ.get("MAIL_KEEP_FAILED_DAYS", "90"))
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))  # seconds for each SMTP connect and command
    # A claimed mail not marked sent within this time belonged to a sender that died: another may send it.
    MAIL_CLAIM_LEASE_SECONDS = int(os.environ.get("MAIL_CLAIM_LEASE_SECONDS", "600"))

    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Background jobs (app.jobs): in Redis when REDIS_URL is set, else in this SQLite file; `flask worker` runs
    # them. JOBS_IMMEDIATE runs each job at once in the process that asks (tests, or a site without a worker).
    JOBS_SQLITE = os.environ.get("JOBS_SQLITE", str(INSTANCE_DIR / "jobs.sqlite3"))
    JOBS_IMMEDIATE = _bool("JOBS_IMMEDIATE")
    REDIS_TIMEOUT = float(os.environ.get("REDIS_TIMEOUT", "1"))  # seconds; Redis down degrades the site
    DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))  # seconds (PostgreSQL)
    DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "15000"))
    RATELIMIT_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    LANGUAGES = ("de", "en")

    # Requests larger than this are answered with 413 before they reach a view.
    # (a form with several phone photos: ATTACHMENTS_PER_ITEM of a few MB each)
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(64 * 1024 * 1024)))

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = False
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    # Lifetimes of the signed links sent by mail, in seconds.
    VERIFY_TOKEN_MAX_AGE = 60 * 60 * 48
    RESET_TOKEN_MAX_AGE = 60 * 60
    EMAIL_CHANGE_TOKEN_MAX_AGE = 60 * 60 * 24
    CANCEL_TOKEN_MAX_AGE = 60 * 60 * 24 * 400  # a cancel link lives as long as any sign-up
    MAIL_CONSENT_TOKEN_MAX_AGE = 60 * 60 * 24 * 7
    UNSUBSCRIBE_TOKEN_MAX_AGE = 60 * 60 * 24 * 365 * 5  # an old mail's unsubscribe link must still work
    ANNOUNCEMENT_BATCH = int(os.environ.get("ANNOUNCEMENT_BATCH", "200"))
    FIRST_ADMIN_TOKEN_MAX_AGE = 60 * 60 * 24 * 7  # the link `flask setup-link` prints
    # How long cached site settings (app.site) may be old on another host.
    # Rendered comments kept per process (app.fragments); about 2 KB each.
    FRAGMENT_CACHE_SIZE = int(os.environ.get("FRAGMENT_CACHE_SIZE", "10000"))
    SETTINGS_CACHE_SECONDS = float(os.environ.get("SETTINGS_CACHE_SECONDS", "5"))
    INVITATION_TOKEN_MAX_AGE = 60 * 60 * 24 * int(os.environ.get("INVITATION_DAYS", "14"))

    # Uploaded documents and profile photos live here, outside static/, under random names.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    # Several hosts share their files through an S3-compatible bucket (app.storage): STORAGE_URL=s3://bucket/prefix
    # with the endpoint of the S3 API (empty for AWS) and an access key of a private bucket.
    STORAGE_URL = os.environ.get("STORAGE_URL") or None
    STORAGE_S3_ENDPOINT = os.environ.get("STORAGE_S3_ENDPOINT") or None
    STORAGE_S3_REGION = os.environ.get("STORAGE_S3_REGION", "us-east-1")
    STORAGE_S3_ACCESS_KEY = os.environ.get("STORAGE_S3_ACCESS_KEY") or None
    STORAGE_S3_SECRET_KEY = os.environ.get("STORAGE_S3_SECRET_KEY") or None
    STORAGE_TIMEOUT = float(os.environ.get("STORAGE_TIMEOUT", "5"))  # seconds for each connect and read
    DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
    PHOTO_MAX_BYTES = 5 * 1024 * 1024
    # Photos and files in posts, comments and events (app.services.attachments).
    ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(15 * 1024 * 1024)))
    ATTACHMENTS_PER_ITEM = int(os.environ.get("ATTACHMENTS_PER_ITEM", "10"))
    UPLOADS_PER_HOUR = int(os.environ.get("UPLOADS_PER_HOUR", "60"))  # per person
    # Images are refused above this many pixels before they are decoded: a tiny PNG can claim 12,000 x 12,000.
    IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(40_000_000)))

    # Number of proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))

    # Web Push (app.services.push): the VAPID private key (PEM, or base64url), else the file `flask push-keys`
    # writes; without either, push is not offered. VAPID_SUBJECT: a mailto: or https: contact for push services.
    VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
    VAPID_KEY_FILE = os.environ.get("VAPID_KEY_FILE", str(INSTANCE_DIR / "vapid.pem"))
    VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or None
    PUSH_TIMEOUT = float(os.environ.get("PUSH_TIMEOUT", "10"))  # seconds per request to a push service
    PUSH_TTL = int(os.environ.get("PUSH_TTL", str(24 * 3600)))  # how long a push service keeps an undelivered one
    PUSH_MAX_ATTEMPTS = int(os.environ.get("PUSH_MAX_ATTEMPTS", "5"))
    PUSH_RETRY_SECONDS = int(os.environ.get("PUSH_RETRY_SECONDS", "60"))  # doubled after each failure
    PUSH_CLAIM_LEASE_SECONDS = int(os.environ.get("PUSH_CLAIM_LEASE_SECONDS", "300"))
    PUSH_ALLOW_LOOPBACK = False  # http://127.0.0.1 push endpoints: only the tests' own push service

    HSTS = False
    # Seconds a public page is kept for anonymous visitors (app.caching); 0 turns the cache off.
    ANONYMOUS_CACHE_SECONDS = int(os.environ.get("ANONYMOUS_CACHE_SECONDS", "10"))
    REMINDER_HOURS = int(os.environ.get("REMINDER_HOURS", "24"))
    COMMENT_EDIT_MINUTES = int(os.environ.get("COMMENT_EDIT_MINUTES", "30"))
    # Rate limits (app.limits); Flask-Limiter's notation, several separated by ";".
    POSTING_RATE_LIMIT = os.environ.get("POSTING_RATE_LIMIT", "10 per minute; 100 per day")
    CONTACT_RATE_LIMIT = os.environ.get("CONTACT_RATE_LIMIT", "5 per hour")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "20 per minute")  # per address
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")  # failures
    REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "10 per hour")  # per address
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "10 per hour")  # per address
    RESET_ACCOUNT_RATE_LIMIT = os.environ.get("RESET_ACCOUNT_RATE_LIMIT", "3 per hour")  # per account
    ACCOUNT_DELETION_GRACE_DAYS = int(os.environ.get("ACCOUNT_DELETION_GRACE_DAYS", "7"))  # logging in undoes it
    DATA_EXPORT_RATE_LIMIT = os.environ.get("DATA_EXPORT_RATE_LIMIT", "10 per hour")  # per person
    SEARCH_RATE_LIMIT = os.environ.get("SEARCH_RATE_LIMIT", "30 per minute")  # anonymous searches per address
    VERIFICATION_RESEND_RATE_LIMIT = os.environ.get("VERIFICATION_RESEND_RATE_LIMIT", "5 per hour")
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  Werkzeug's scrypt: n=2**15, r=8, p=1


class DevelopmentConfig(Config):
    @classmethod
    def check(cls, config: dict) -> None:
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = _development_secret_key()


class TestingConfig(Config):
    APP_ENV = "testing"
    TESTING = True
    SECRET_KEY = "testing-" + secrets.token_hex(16)
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    MAIL_SERVER = None
    RATELIMIT_ENABLED = False
    REDIS_URL = None
    ANONYMOUS_CACHE_SECONDS = 0  # tests see every change at once; the cache has its own tests
    # Settings are saved through this process (which forgets its cache) and emptied between tests (conftest):
    # never expiring mid-test keeps statement counts exact.
    SETTINGS_CACHE_SECONDS = 3600
    JOBS_IMMEDIATE = True  # jobs run in the test's own process; the worker has its own tests
    VAPID_KEY_FILE = ""  # no developer's key: tests that push set VAPID_PRIVATE_KEY
    PUSH_ALLOW_LOOPBACK = True  # the loopback push service of tests/integration/test_push_delivery.py
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105  still scrypt, cheaper so the suite stays fast


class ProductionConfig(Config):
    APP_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS = True

    SITE_URL = os.environ.get("SITE_URL") or None  # no default: mail must never link to a developer's port

    @classmethod
    def check(cls, config: dict) -> None:
        """Refuse to start with a missing or toy secret key, or without the site's https:// address."""
        key = config.get("SECRET_KEY") or ""
        if key.strip().lower() in _PLACEHOLDER_KEYS or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters in production "
                '(python -c "import secrets; print(secrets.token_hex(32))").'
            )
        site_url = config.get("SITE_URL") or ""
        if not site_url.startswith("https://") or len(site_url) <= len("https://"):
            raise RuntimeError(
                "SITE_URL must be set to the site's public https:// address in production "
                "(e.g. SITE_URL=https://alumni.example.org): mail sent by cron jobs links to it."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}, not {name!r}")
    return CONFIGS[name]
