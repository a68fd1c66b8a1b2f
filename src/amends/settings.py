"""Django settings for Amends, read from ``AMENDS_*`` environment variables.

See docs/configuration.md for every variable. Bad values stop start-up with a message that
names the variable and what is allowed.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from platformdirs import user_data_dir

from amends import served
from amends.conf import env_bool, env_int, env_list, env_path, env_secret, env_str

HOME = env_path("AMENDS_HOME", Path(user_data_dir("amends", appauthor=False)))
try:
    HOME.mkdir(parents=True, exist_ok=True, mode=0o700)
except OSError as error:
    raise ImproperlyConfigured(
        f"AMENDS_HOME ({HOME}) cannot be created: {error.strerror}"
    ) from None

DEBUG = env_bool("AMENDS_DEBUG", False)
ALLOWED_HOSTS = env_list("AMENDS_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])


def _secret_key() -> str:
    configured = env_secret("AMENDS_SECRET_KEY")
    if configured:
        return configured
    path = HOME / "secret-key"
    if not path.exists():
        with open(path, "x", opener=lambda p, f: os.open(p, f, 0o600)) as handle:
            handle.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()


def _database(url: str) -> dict:
    if not url.startswith(("sqlite:", "postgres:", "postgresql:")):
        raise ImproperlyConfigured(
            "AMENDS_DATABASE_URL must start with sqlite:/// or postgres:// "
            f"(got {url.split(':', 1)[0]!r})"
        )
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise ImproperlyConfigured(f"AMENDS_DATABASE_URL cannot be read: {error}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            # Writers queue for the lock instead of failing; every transaction takes the write
            # lock up front, so a read-then-write can never be refused half way.
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            # WAL lets readers run beside the writer; FULL makes every commit durable. A larger
            # page cache keeps the upper tree nodes that every proof reads in memory.
            # secure_delete overwrites what a change replaces, so sealed wording leaves no old
            # copy in free space (the WAL is truncated after sealing: see record/content.py).
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-32768;"
                " PRAGMA secure_delete=ON;"
            ),
        }
    # Keep connections between requests: opening one costs PostgreSQL a new process, and
    # SQLite its settings and its page cache.
    config["CONN_MAX_AGE"] = env_int("AMENDS_DATABASE_CONN_MAX_AGE", 60, maximum=3600)
    config["CONN_HEALTH_CHECKS"] = True
    config["ATOMIC_REQUESTS"] = False
    return config


DATABASE_URL = env_str("AMENDS_DATABASE_URL", f"sqlite:///{HOME / 'amends.sqlite3'}")
DATABASES = {"default": _database(DATABASE_URL)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # Only for its migrations: second factors moved to amends.desk.AuthenticatorApp, which
    # stores the secret encrypted (desk migration 0005).
    "django_otp.plugins.otp_totp",
    "django_htmx",
    # The API's interactive documentation: Swagger UI's files, served from the package.
    "ninja",
    "amends.record",
    "amends.desk",
    "amends.delivery",
    "amends.site",
    "amends.web",
    "amends.api",
    "amends.notify",
    "amends.witness",
    "amends.copies",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Sends a person signed in through the force's identity provider back to it now and then.
    "amends.web.oidc.Refresh",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Desk pages, sign-in and API answers are never kept by a browser or a proxy.
    "amends.web.headers.private_answers",
    # How long each answer took, for /metrics.
    "amends.ops.metrics.timed",
]

ROOT_URLCONF = "amends.urls"
WSGI_APPLICATION = "amends.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "amends.web.context.desk",
            ],
            # Every time people read on the desk is written one way, {{ moment|when }}, and every
            # page speaks the person's language: {% translate %} needs no {% load i18n %}.
            "builtins": [
                "amends.web.templatetags.when",
                "amends.web.templatetags.words",
                "django.templatetags.i18n",
            ],
        },
    }
]

# English and Welsh (Welsh Language Standards): the desk follows the person's choice (the switch
# in its header, else the browser's languages); the public site follows each post's language.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("AMENDS_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

# The staff desk: sign-in, sessions and the browser's own defences.
LOGIN_URL = "/desk/sign-in/"
LOGIN_REDIRECT_URL = "/desk/"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Signing in with the force's own identity provider (OpenID Connect; amends.web.oidc), beside
# local passwords. On when AMENDS_OIDC_ISSUER is set.
OIDC_ISSUER = env_str("AMENDS_OIDC_ISSUER")
if OIDC_ISSUER:
    from amends.desk.provider_roles import library_settings, parse_map

    _client_id = env_str("AMENDS_OIDC_CLIENT_ID")
    _client_secret = env_secret("AMENDS_OIDC_CLIENT_SECRET")
    if not _client_id or not _client_secret:
        raise ImproperlyConfigured(
            "AMENDS_OIDC_ISSUER is set: AMENDS_OIDC_CLIENT_ID and AMENDS_OIDC_CLIENT_SECRET (or "
            "AMENDS_OIDC_CLIENT_SECRET_FILE) must be set too, as the provider registered Amends"
        )
    _algo = env_str("AMENDS_OIDC_SIGN_ALGO", "RS256")
    if _algo[:2] not in ("RS", "ES", "PS"):
        raise ImproperlyConfigured(
            f"AMENDS_OIDC_SIGN_ALGO must be an RS, PS or ES algorithm (got {_algo!r})"
        )
    try:
        _role_map = parse_map(
            env_str(
                "AMENDS_OIDC_ROLE_MAP",
                "author=author,supervisor=supervisor,auditor=auditor,admin=admin",
            )
        )
    except ValueError as error:
        raise ImproperlyConfigured(f"AMENDS_OIDC_ROLE_MAP: {error}") from None
    globals().update(
        library_settings(
            issuer=OIDC_ISSUER,
            client_id=_client_id,
            client_secret=_client_secret,
            role_map=_role_map,
            roles_claim=env_str("AMENDS_OIDC_ROLES_CLAIM", "roles"),
            username_claim=env_str("AMENDS_OIDC_USERNAME_CLAIM", "preferred_username"),
            name=env_str("AMENDS_OIDC_NAME", "your organisation's account"),
            refresh_seconds=env_int(
                "AMENDS_OIDC_REFRESH_SECONDS", 900, minimum=60, maximum=24 * 3600
            ),
            sign_algo=_algo,
        )
    )
    AUTHENTICATION_BACKENDS = [*AUTHENTICATION_BACKENDS, "amends.web.oidc.Backend"]
# Password guessing is slowed per name and per address, never locked out (amends.desk.throttle):
# after SIGN_IN_ATTEMPTS failures each further try waits longer, up to the caps (in seconds).
SIGN_IN_ATTEMPTS = env_int("AMENDS_SIGN_IN_ATTEMPTS", 5, minimum=1, maximum=100)
SIGN_IN_NAME_WAIT_MAX = env_int("AMENDS_SIGN_IN_WAIT_MAX", 60, minimum=1, maximum=3600)
SIGN_IN_ADDRESS_WAIT_MAX = env_int(
    "AMENDS_SIGN_IN_ADDRESS_WAIT_MAX", 900, minimum=1, maximum=24 * 3600
)
if SIGN_IN_ADDRESS_WAIT_MAX < SIGN_IN_NAME_WAIT_MAX:
    raise ImproperlyConfigured(
        "AMENDS_SIGN_IN_ADDRESS_WAIT_MAX must be at least AMENDS_SIGN_IN_WAIT_MAX "
        f"({SIGN_IN_NAME_WAIT_MAX}): an address that keeps failing is slowed harder than a name "
        f"(got {SIGN_IN_ADDRESS_WAIT_MAX})"
    )
# How many proxies in front of Amends append to X-Forwarded-For; the client's address is that
# many places from the right. 0: the header is ignored and the connection's address is used.
TRUSTED_PROXIES = env_int("AMENDS_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
OTP_TOTP_ISSUER = "Amends"

SESSION_COOKIE_AGE = env_int("AMENDS_SESSION_HOURS", 12, minimum=1, maximum=24 * 30) * 3600
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "amends.web.views.errors.csrf_failure"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Strict: nothing inline, nothing from elsewhere. htmx is served from here and configured by a
# meta tag, so neither scripts nor styles need 'unsafe-inline' or eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    }
}

STATIC_URL = "/desk/static/"
# Static files are served by the application itself (WhiteNoise) straight from the installed
# packages: nothing to collect, nothing to configure.
WHITENOISE_USE_FINDERS = True

# The record: keys live outside the database.
RECORD_ORIGIN = env_str("AMENDS_RECORD_ORIGIN", "localhost/amends")
if any(c.isspace() or c == "+" for c in RECORD_ORIGIN):
    raise ImproperlyConfigured(
        f"AMENDS_RECORD_ORIGIN must contain no spaces and no '+' (got {RECORD_ORIGIN!r})"
    )
SIGNING_KEY_FILE = env_path("AMENDS_SIGNING_KEY_FILE", HOME / "keys" / "signing.key")
SEALING_KEY_FILE = env_path("AMENDS_SEALING_KEY_FILE", HOME / "keys" / "sealing.key")
# Another key store (a KMS, an HSM): the dotted path of a class with the same methods as
# amends.record.keys.FileSigningKeyStore / FileSealingKeyStore.
SIGNING_KEY_STORE = env_str("AMENDS_SIGNING_KEY_STORE")
SEALING_KEY_STORE = env_str("AMENDS_SEALING_KEY_STORE")
CHECKPOINT_INTERVAL = env_int("AMENDS_CHECKPOINT_INTERVAL", 60, minimum=0, maximum=86400)
# Witnesses (amends witnesses add) are sent the latest checkpoint at most every INTERVAL
# seconds by the worker, and at least daily; QUORUM says how many of them must cosign a
# checkpoint for it to count as witnessed: all, any, or a number.
WITNESS_INTERVAL = env_int("AMENDS_WITNESS_INTERVAL", 300, minimum=0, maximum=86400)
WITNESS_QUORUM = env_str("AMENDS_WITNESS_QUORUM", "any")
if not (
    WITNESS_QUORUM in ("all", "any")
    or (WITNESS_QUORUM.isascii() and WITNESS_QUORUM.isdigit() and int(WITNESS_QUORUM) >= 1)
):
    raise ImproperlyConfigured(
        f"AMENDS_WITNESS_QUORUM must be all, any or a number from 1 (got {WITNESS_QUORUM!r})"
    )
WITNESS_TIMEOUT = env_int("AMENDS_WITNESS_TIMEOUT", 10, minimum=1, maximum=300)
# Trusted timestamps (RFC 3161): the time-stamping authorities asked daily and for every
# evidence pack's anchor, and the PEM file of the root certificates their answers must chain to.
TSA_URLS = env_list("AMENDS_TSA_URLS", [])
for _url in TSA_URLS:
    if not _url.startswith(("https://", "http://")):
        raise ImproperlyConfigured(
            f"AMENDS_TSA_URLS must be URLs starting with https:// or http:// (got {_url!r})"
        )
TSA_ROOTS_FILE = env_path("AMENDS_TSA_ROOTS_FILE", HOME / "tsa-roots.pem")
if TSA_URLS and not TSA_ROOTS_FILE.is_file():
    raise ImproperlyConfigured(
        f"AMENDS_TSA_URLS is set, so AMENDS_TSA_ROOTS_FILE must name the PEM file of the "
        f"time-stamping authorities' root certificates ({TSA_ROOTS_FILE} does not exist)"
    )
# Webmentions received from one host: at most this many an hour are taken; more are answered
# 429 (the others' keep coming in).
WEBMENTION_PER_HOST = env_int("AMENDS_WEBMENTION_PER_HOST", 60, minimum=1, maximum=100000)
# Web archives a post's addresses are looked up in while its incident is open (the Wayback CDX
# API), as their replay addresses: the Internet Archive's, or any pywb collection's
# (https://archive.example/collection). Empty: none.
WEB_ARCHIVES = [
    a.rstrip("/") for a in env_list("AMENDS_WEB_ARCHIVES", ["https://web.archive.org/web"])
]
for _archive in WEB_ARCHIVES:
    if not _archive.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"AMENDS_WEB_ARCHIVES must list http(s) addresses of archives (got {_archive!r})"
        )
# What X charges for each Post or user its API returns, in US dollars (X bills reads one by one):
# the desk's cost meter for gathering replies, quotes and reposts on X. Unset: reads are counted
# and no price is shown.
X_READ_PRICE = env_str("AMENDS_X_READ_PRICE")
if X_READ_PRICE is not None:
    from decimal import Decimal, InvalidOperation

    try:
        if not 0 <= Decimal(X_READ_PRICE) <= 100:
            raise InvalidOperation
    except InvalidOperation:
        raise ImproperlyConfigured(
            "AMENDS_X_READ_PRICE must be a price in US dollars such as 0.005 "
            f"(got {X_READ_PRICE!r})"
        ) from None
# `amends monitor` calls a followed log stale when its checkpoint (with its cosignatures) has
# not changed for this many hours: a force with witnesses re-signs at least daily.
MONITOR_STALE_HOURS = env_int("AMENDS_MONITOR_STALE_HOURS", 48, minimum=1, maximum=24 * 365)
# This install as a witness of other forces' logs (amends witness serve): its own key, and
# the name its cosignatures carry.
WITNESS_KEY_FILE = env_path("AMENDS_WITNESS_KEY_FILE", HOME / "keys" / "witness.key")
WITNESS_NAME = env_str("AMENDS_WITNESS_NAME", f"{RECORD_ORIGIN}/witness")
if any(c.isspace() or c == "+" for c in WITNESS_NAME):
    raise ImproperlyConfigured(
        f"AMENDS_WITNESS_NAME must contain no spaces and no '+' (got {WITNESS_NAME!r})"
    )

# Platforms: account credentials are encrypted with this key, kept outside the database.
CREDENTIALS_KEY_FILE = env_path("AMENDS_CREDENTIALS_KEY_FILE", HOME / "keys" / "credentials.key")
# Outbound requests (connectors, account checks) go to public addresses only; this lets them
# reach loopback and private addresses too, for tests and deployments on a private network.
ALLOW_PRIVATE_ADDRESSES = env_bool("AMENDS_ALLOW_PRIVATE_ADDRESSES", False)
# Delivery to the platforms: retries back off exponentially from BASE to at most MAX seconds;
# after ATTEMPTS tries a delivery is marked failed. A worker that dies holding a delivery
# gives it up after LEASE seconds, when another worker reconciles it with the platform.
DELIVERY_ATTEMPTS = env_int("AMENDS_DELIVERY_ATTEMPTS", 12, minimum=1, maximum=1000)
# How often a step done by hand in a platform's app is looked for on the platform.
BY_HAND_CHECK_SECONDS = env_int("AMENDS_BY_HAND_CHECK_SECONDS", 300, minimum=0, maximum=86400)
DELIVERY_BACKOFF_BASE = env_int("AMENDS_DELIVERY_BACKOFF_BASE", 5, minimum=0, maximum=3600)
DELIVERY_BACKOFF_MAX = env_int("AMENDS_DELIVERY_BACKOFF_MAX", 1800, minimum=0, maximum=86400)
DELIVERY_LEASE = env_int("AMENDS_DELIVERY_LEASE", 60, minimum=1, maximum=3600)
# A worker claims up to BATCH due deliveries at once (one transaction) and sends them in order.
DELIVERY_BATCH = env_int("AMENDS_DELIVERY_BATCH", 10, minimum=1, maximum=100)
# Changes made outside the desk: posts active in the last WATCH_DAYS are compared with the
# platform every WATCH_MINUTES by the worker (0 turns the check off).
WATCH_DAYS = env_int("AMENDS_WATCH_DAYS", 14, minimum=1, maximum=3650)
WATCH_MINUTES = env_int("AMENDS_WATCH_MINUTES", 10, minimum=0, maximum=10080)

# Notifications to the people on call. Email goes through the SMTP server at EMAIL_HOST (none
# set: email is not sent, and each notification records why); Teams and Slack by webhook.
# Nobody acting on an alert within ESCALATE_MINUTES: the next person on the rota is told, then
# every supervisor.
NOTIFY_EMAIL_HOST = env_str("AMENDS_EMAIL_HOST", "") or ""
NOTIFY_EMAIL_PORT = env_int("AMENDS_EMAIL_PORT", 25, minimum=1, maximum=65535)
NOTIFY_EMAIL_FROM = env_str("AMENDS_EMAIL_FROM", "amends@localhost") or "amends@localhost"
NOTIFY_EMAIL_USER = env_str("AMENDS_EMAIL_USER", "") or ""
NOTIFY_EMAIL_PASSWORD = env_secret("AMENDS_EMAIL_PASSWORD") or ""
NOTIFY_EMAIL_TLS = env_bool("AMENDS_EMAIL_TLS", False)
# /metrics: with a token, a scraper sends it as a bearer token; without, only the machine itself
# and private networks may read it.
METRICS_TOKEN = env_secret("AMENDS_METRICS_TOKEN") or ""
ESCALATE_MINUTES = env_int("AMENDS_ESCALATE_MINUTES", 15, minimum=1, maximum=1440)

# An urgent removal (a supervisor takes a post down at once) must be reviewed by a second
# person within REVIEW_HOURS; after that it is shown as overdue on Today.
REVIEW_HOURS = env_int("AMENDS_REVIEW_HOURS", 12, minimum=1, maximum=720)
# `amends serve` delivers in a thread of its own on the embedded default (SQLite); with
# PostgreSQL run `amends worker` processes instead (or set this to true).
SERVE_WORKER = env_bool("AMENDS_SERVE_WORKER", DATABASE_URL.startswith("sqlite"))
# Slow or idle clients must not take the server away from everyone else (a viral mistake brings
# exactly that traffic): a connection that has not sent its request headers within this many
# seconds is closed, and up to SERVE_CONNECTIONS connections per worker are held open while only
# a few threads run Python, so idle sockets do not take their places.
SERVE_HEADER_SECONDS = env_int("AMENDS_SERVE_HEADER_SECONDS", 5, minimum=1, maximum=120)
SERVE_CONNECTIONS = env_int("AMENDS_SERVE_CONNECTIONS", 1000, minimum=16, maximum=100_000)

# Policy.
DELETION_GROUNDS = env_list(
    "AMENDS_DELETION_GROUNDS",
    ["illegal", "offensive", "prejudicial", "personal_data", "identified_person"],
)
if not DELETION_GROUNDS or any(not g.replace("_", "").isalnum() for g in DELETION_GROUNDS):
    raise ImproperlyConfigured(
        "AMENDS_DELETION_GROUNDS must be comma-separated words, for example "
        "illegal,offensive,prejudicial"
    )
RESPONSE_BUDGETS = {
    "minor": env_int("AMENDS_BUDGET_MINOR", 3, minimum=1, maximum=100),
    "serious": env_int("AMENDS_BUDGET_SERIOUS", 5, minimum=1, maximum=100),
    "critical": env_int("AMENDS_BUDGET_CRITICAL", 8, minimum=1, maximum=100),
}

# The public site is rendered to static files here.
SITE_DIR = env_path("AMENDS_SITE_DIR", HOME / "site")
# The newest checkpoint let out (site, evidence pack), kept outside the database: a database
# restored from before it is refused as a rollback (amends/record/published.py).
PUBLISHED_FILE = env_path("AMENDS_PUBLISHED_FILE", SITE_DIR.parent / "published-checkpoint.json")


def _inside_site(path: Path) -> bool:
    site, path = SITE_DIR.resolve(), path.resolve()
    return path == site or site in path.parents


# Everything in the site folder is served to the public: it must not hold the data folder, a
# key or the database.
_SQLITE = (
    Path(DATABASE_URL.removeprefix("sqlite:///")) if DATABASE_URL.startswith("sqlite") else None
)
for _name, _path in (
    ("the data folder (AMENDS_HOME)", HOME),
    ("the signing key", SIGNING_KEY_FILE),
    ("the sealing key", SEALING_KEY_FILE),
    ("the credentials key", CREDENTIALS_KEY_FILE),
    ("the database", _SQLITE),
):
    if _path is not None and _inside_site(_path):
        raise ImproperlyConfigured(
            f"AMENDS_SITE_DIR must not contain {_name} ({_path}): everything in it is served "
            "to the public; choose a folder of its own, such as $AMENDS_HOME/site"
        )
SITE_TITLE = env_str("AMENDS_SITE_TITLE", "News")
# The force's logo on the public site: a PNG, SVG or JPEG file, copied into the site.
SITE_LOGO = env_str("AMENDS_SITE_LOGO")
if SITE_LOGO:
    _logo = Path(SITE_LOGO).expanduser()
    if _logo.suffix.lower() not in (".png", ".svg", ".jpg", ".jpeg") or not _logo.is_file():
        raise ImproperlyConfigured(
            f"AMENDS_SITE_LOGO must name a PNG, SVG or JPEG file (got {SITE_LOGO!r})"
        )
    SITE_LOGO = str(_logo.resolve())
# Without AMENDS_SITE_URL, the address `amends serve` was last started on (see amends.served).
SITE_URL_SET = bool(env_str("AMENDS_SITE_URL"))
SITE_URL = (env_str("AMENDS_SITE_URL") or served.read(HOME)).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"AMENDS_SITE_URL must start with http:// or https:// (got {SITE_URL!r})"
    )

# Served over HTTPS (usually behind a proxy that terminates TLS): cookies only travel encrypted,
# and browsers are told to insist on HTTPS.
HTTPS = SITE_URL.startswith("https://")
CSRF_TRUSTED_ORIGINS = [SITE_URL]
if HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer or monitor checks health over plain HTTP on the inside: never redirected.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = 31_536_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("AMENDS_LOG_LEVEL", "WARNING")},
}
