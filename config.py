"""Settings read from the environment.

`TIMEBANK_ENV` picks the class (development by default, `production`, `testing`).
`DATABASE_URL` picks the database: SQLite under `instance/` unless told otherwise.
`TIMEBANK_LEDGER_KEY` keys the ledger's hash chains (docs/ledger.md); production
refuses to start without it, development and tests fall back to a public key.
"""

import os
import secrets
from pathlib import Path

from timebank.ledger.keys import DEVELOPMENT_KEY, MIN_KEY_LENGTH

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("TIMEBANK_INSTANCE_DIR", BASE_DIR / "instance"))


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    return f"sqlite:///{INSTANCE_DIR / 'timebank.db'}"


def _development_secret():
    """A random key kept in instance/, so development sessions survive restarts."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 8
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 1024 * 1024
    JSON_SORT_KEYS = False
    BABEL_DEFAULT_LOCALE = "en_GB"
    BABEL_DEFAULT_TIMEZONE = "Europe/London"
    LANGUAGES = ("en", "cy")
    API_TOKEN_HOURS = int(os.environ.get("API_TOKEN_HOURS", "720"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    HSTS_SECONDS = 0
    KNOWN_ADDRESS_DAYS = int(os.environ.get("KNOWN_ADDRESS_DAYS", "180"))
    IDEMPOTENCY_RETENTION_DAYS = int(os.environ.get("IDEMPOTENCY_RETENTION_DAYS", "30"))
    OUTAGE_RETRY_AFTER = 30
    RATELIMIT_HEADERS_ENABLED = True
    TOKEN_FAILURE_LIMIT = os.environ.get("TOKEN_FAILURE_LIMIT", "5 per 15 minutes")
    SIGNIN_FAILURE_LIMIT = os.environ.get("SIGNIN_FAILURE_LIMIT", "5 per 15 minutes")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "").lower() in {"1", "true", "yes"}
    MAIL_FROM = os.environ.get("MAIL_FROM", "timebank@localhost")
    MAIL_TIMEOUT = int(os.environ.get("MAIL_TIMEOUT", "10"))
    MAIL_TRANSPORT = os.environ.get("MAIL_TRANSPORT")  # smtp | log | memory (default: by server)
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "6"))
    MAIL_RETRY_SECONDS = int(os.environ.get("MAIL_RETRY_SECONDS", "60"))
    MAIL_DELIVER_AFTER_REQUEST = os.environ.get(
        "MAIL_DELIVER_AFTER_REQUEST", "1").lower() in {"1", "true", "yes"}
    PASSWORD_RESET_MINUTES = int(os.environ.get("PASSWORD_RESET_MINUTES", "60"))
    EMAIL_VERIFY_HOURS = int(os.environ.get("EMAIL_VERIFY_HOURS", "72"))
    INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))

    def __init__(self):
        self.SQLALCHEMY_DATABASE_URI = _database_url()
        self.LEDGER_KEYS_OLD = os.environ.get("TIMEBANK_LEDGER_KEYS_OLD", "")


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False

    def __init__(self):
        super().__init__()
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _development_secret()
        self.LEDGER_KEY = os.environ.get("TIMEBANK_LEDGER_KEY") or DEVELOPMENT_KEY


class TestingConfig(DevelopmentConfig):
    TESTING = True
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = True
    MAIL_TRANSPORT = "memory"


class ProductionConfig(Config):
    """Secure cookies (from Config) and HSTS: production is served over HTTPS only."""

    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(60 * 60 * 24 * 365)))

    def __init__(self):
        super().__init__()
        key = os.environ.get("SECRET_KEY", "")
        if len(key) < 32 or key in {"change-me", "secret", "dev"}:
            raise RuntimeError(
                "SECRET_KEY must be set to a random value of at least 32 characters "
                "in production (for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
        self.SECRET_KEY = key
        ledger_key = os.environ.get("TIMEBANK_LEDGER_KEY", "")
        if len(ledger_key) < MIN_KEY_LENGTH or ledger_key == DEVELOPMENT_KEY:
            raise RuntimeError(
                "TIMEBANK_LEDGER_KEY must be set to a random value of at least "
                f"{MIN_KEY_LENGTH} characters in production, kept outside the database "
                "(it keys the ledger's hash chains; see docs/ledger.md)."
            )
        self.LEDGER_KEY = ledger_key


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name=None):
    name = name or os.environ.get("TIMEBANK_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(f"TIMEBANK_ENV must be one of {', '.join(CONFIGS)}, not {name!r}") from None
