"""Configuration: defaults → instance file → ``LAWREQ_*`` environment → test overrides, then validated.

Each key is documented here because this dict is the reference operators read. Validation runs at the end of
``create_app`` so a production deployment with a missing secret fails at start, loudly, instead of generating a
per-process key that silently logs everybody out (CTFd#68).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from lawreq.core.paths import PROJECT_ROOT, in_checkout, shipped_dir  # noqa: F401 (re-exported)

DEFAULTS: dict[str, Any] = {
    #: ``production`` (strict: secrets required, secure cookies), ``development`` or ``testing``.
    "ENV": "production",
    #: Flask session signing key. Required outside development/testing.
    "SECRET_KEY": None,
    #: HMAC key for the audit chain; kept outside the database so a DBA cannot re-chain edited rows.
    "AUDIT_KEY": None,
    #: HS256 key for API tokens (separate from SECRET_KEY, see ENGINEERING.md §2.4).
    "JWT_SECRET": None,
    "JWT_ISSUER": "lawreq",
    "JWT_AUDIENCE": "lawreq-api",
    #: SQLAlchemy URL. ``sqlite:///...`` (embedded) or ``postgresql+psycopg://...`` (production).
    "DATABASE_URL": None,
    #: Where the rules live; loaded and validated once at start. Default: the checkout's ``jurisdictions/``, or
    #: the copy shipped in the installed package; set it to a maintained rules checkout to override both.
    "JURISDICTIONS_DIR": str(shipped_dir("jurisdictions")),
    #: Jinja templates: the checkout's ``templates/`` or the installed package's copy.
    "TEMPLATES_DIR": str(shipped_dir("templates")),
    #: Absolute URL used in e-mails and calendar feeds.
    "BASE_URL": "http://127.0.0.1:5000",
    #: Start the reminder scheduler inside this process. Only ``lawreq serve`` (embedded) sets it.
    "SCHEDULER_ENABLED": False,
    "SCHEDULER_INTERVAL_SECONDS": 60,
    #: Seconds the scheduler adds to the real clock when it decides what is due (0: none). For drills and the
    #: production smoke test only, so a reminder days away is delivered now; the scheduler warns at start.
    "SCHEDULER_CLOCK_OFFSET_SECONDS": 0,
    #: The scheduler recomputes each statistics snapshot (board.snapshots) once it is this old.
    "STATISTICS_REFRESH_SECONDS": 300,
    #: The statistics page shows a snapshot up to this old; an older one (scheduler not running) is computed
    #: again in the request. Keep it well above STATISTICS_REFRESH_SECONDS.
    "STATISTICS_MAX_AGE_SECONDS": 1800,
    #: Without a recent snapshot, the page computes the figures in the request only if the costliest snapshot of
    #: the period on record took at most this long; else it shows the last one (or "being prepared") and leaves
    #: the work to the scheduler, so a statistics view never holds a worker for seconds on a national instance.
    "STATISTICS_LIVE_BUDGET_MS": 250,
    #: SMTP for reminders. SECURITY is ``starttls``, ``ssl`` or ``none`` (``none`` refused in production).
    #: Without a host, e-mail is off: e-mail reminders are skipped and users get them in-app only.
    "SMTP_HOST": None,
    "SMTP_PORT": 587,
    "SMTP_SECURITY": "starttls",
    "SMTP_USER": None,
    "SMTP_PASSWORD": None,
    "SMTP_FROM": "lawreq@localhost",
    "SMTP_TIMEOUT": 10,
    #: Session lifetime: idle minutes and absolute hours (ASVS 7.3).
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 10,
    #: Roles that must use a TOTP second factor.
    "TOTP_REQUIRED_ROLES": ["approver", "admin"],
    #: Failed logins before the account is locked; the lock doubles each further failure up to the cap.
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCK_SECONDS": 60,
    "LOGIN_LOCK_MAX_SECONDS": 3600,
    #: Per-IP attempts per minute on the login form (a second layer, shared by all workers: table rate_limit_hits).
    "LOGIN_IP_PER_MINUTE": 20,
    #: API calls per minute per access token, shared by all workers and hosts (table rate_limit_hits).
    "API_RATE_PER_MINUTE": 120,
    #: argon2 profile: ``default`` (RFC 9106 low memory) or ``cheapest`` (tests only).
    "PASSWORD_HASH_PROFILE": "default",
    "PASSWORD_MIN_LENGTH": 12,
    #: Render PDFs in reportlab's invariant mode (byte-identical output; tests).
    "PDF_INVARIANT": False,
    #: Signing of issued documents (PAdES, pyHanko). Each unit signs with ``<SIGNING_KEYS_DIR>/<unit code>.p12``
    #: (default directory: ``<instance>/signing``); a unit without a file issues unsigned documents, and the page
    #: and the cover say so. The file's password is ``SIGNING_PASSWORD_<CODE>`` (CODE: the unit code upper-cased,
    #: anything but letters and digits as ``_``), in lawreq.cfg or as ``LAWREQ_SIGNING_PASSWORD_<CODE>``. A file that
    #: cannot be opened, an expired certificate or a password without its file is reported at start and on the
    #: admin units page, and that unit's approvals are refused until it is fixed (never an unsigned stand-in).
    "SIGNING_KEYS_DIR": None,
    #: RFC 3161 timestamp service URL: with it signatures are PAdES B-T, without it B-B. A TSA that does not
    #: answer stops the approval (nothing is issued) rather than falling back to B-B silently.
    "SIGNING_TSA_URL": None,
    #: Certificates that verification (``lawreq forms verify``, ``/verify``) accepts as roots: a PEM file (several
    #: certificates allowed) or a directory of .pem/.crt/.cer files. Default: ``<SIGNING_KEYS_DIR>/trust-roots.pem``.
    "SIGNING_TRUST_ROOTS": None,
    #: Public verification page: checks per client address per minute (per process).
    "VERIFY_PER_MINUTE": 10,
    #: How long a document prepared for signing may wait for the approver's confirmation.
    "SIGNING_PREPARED_MINUTES": 15,
    #: Let the first ``lawreq serve --demo`` seed demo data.
    "DEMO": False,
    #: Interface languages this instance offers (codes of lawreq/translations/; English is the source text).
    #: A user's choice on the account page wins, then the browser's Accept-Language, then DEFAULT_LOCALE.
    "LANGUAGES": ["en", "de", "fr", "fi", "sv", "nl", "es", "it", "pl"],
    #: The language for a visitor whose browser asks for none of LANGUAGES (must be one of them).
    "DEFAULT_LOCALE": "en",
    "WTF_CSRF_TIME_LIMIT": 3600,
    #: ``/healthz`` fails when no scheduler finished a sweep within this many seconds (several intervals).
    "HEALTH_SWEEP_MAX_AGE_SECONDS": 300,
    #: Networks (CIDR) whose scrapers may read ``/metrics`` without logging in; admins always may. Behind the
    #: reverse proxy the address is the one the proxy forwards (one trusted hop).
    "METRICS_NETWORKS": ["127.0.0.1/32", "::1/128"],
    "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
    #: Largest provider answer (PDF, CSV, ZIP, .eml) a liaison officer may upload, in bytes; keep it at or below
    #: MAX_CONTENT_LENGTH, which caps the whole upload request.
    "ATTACHMENT_MAX_BYTES": 15 * 1024 * 1024,
    #: Virus scanner run on every uploaded answer before it is accepted, with the file on stdin; exit 0 = clean,
    #: 1 = infected, anything else = refused as unscanned. E.g. ``clamdscan --no-summary -``. None: no scan.
    "ANTIVIRUS_COMMAND": None,
    #: Deliver an urgent hand-off (an emergency waiting for approval) right after the commit that wrote it, in a
    #: background thread, instead of at the scheduler's next tick. None: on, except with ENV = "testing".
    "HANDOFFS_AT_ONCE": None,
    #: Where uploaded answers are kept (content-addressed by SHA-256). None: ``<instance folder>/answers``.
    "ANSWERS_DIR": None,
}

_SECRETS = ("SECRET_KEY", "AUDIT_KEY", "JWT_SECRET")


class ConfigError(RuntimeError):
    """A configuration value is missing or malformed; the message names the key."""


def _coerce(raw: str) -> Any:
    """Environment values arrive as strings; accept JSON literals (numbers, booleans, lists) where they parse."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def build_config(instance_path: str | os.PathLike[str], overrides: Mapping[str, Any] | None = None,
                 environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Layer the configuration sources in their documented order and return a plain dict."""
    config = dict(DEFAULTS)
    instance_file = Path(instance_path) / "lawreq.cfg"
    if instance_file.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(instance_file.read_text(encoding="utf-8"), str(instance_file), "exec"), namespace)  # noqa: S102
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    env = os.environ if environ is None else environ
    for key, raw in env.items():
        if key.startswith("LAWREQ_") and key != "LAWREQ_TEST_DATABASE_URL":
            config[key.removeprefix("LAWREQ_")] = _coerce(raw)
    if overrides:
        config.update(overrides)
    if not config.get("DATABASE_URL"):
        config["DATABASE_URL"] = f"sqlite:///{Path(instance_path) / 'lawreq.sqlite'}"
    return config


def validate_config(config: Mapping[str, Any]) -> None:
    """Fail fast on anything that would otherwise break later or weaken security."""
    env = config.get("ENV")
    if env not in ("production", "development", "testing"):
        raise ConfigError(f"ENV: must be production, development or testing, not {env!r}")
    for key in _SECRETS:
        value = config.get(key)
        if not value:
            raise ConfigError(f"{key}: not set. Set LAWREQ_{key} (at least 32 random characters) or put it in "
                              "instance/lawreq.cfg; lawreq never invents a per-process secret.")
        if env == "production" and len(str(value)) < 32:
            raise ConfigError(f"{key}: too short for production (at least 32 characters)")
    try:
        url = make_url(str(config["DATABASE_URL"]))
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
        raise ConfigError(f"DATABASE_URL: cannot parse {config['DATABASE_URL']!r}: {exc}") from exc
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise ConfigError(f"DATABASE_URL: only sqlite and postgresql are supported, not {url.get_backend_name()}")
    for key in ("JURISDICTIONS_DIR", "TEMPLATES_DIR"):
        if not Path(config[key]).is_dir():
            raise ConfigError(f"{key}: {config[key]} is not a directory")
    if config.get("SMTP_SECURITY") not in ("starttls", "ssl", "none"):
        raise ConfigError("SMTP_SECURITY: must be starttls, ssl or none")
    if env == "production" and config.get("SMTP_HOST") and config.get("SMTP_SECURITY") == "none":
        raise ConfigError("SMTP_SECURITY: 'none' sends reminders in clear text; refused in production")
    for key in ("SIGNING_KEYS_DIR", "SIGNING_TRUST_ROOTS"):  # named explicitly: a typo must not mean "unsigned"
        if config.get(key) and not Path(config[key]).exists():
            raise ConfigError(f"{key}: {config[key]} does not exist (leave it unset for the default)")
    if not isinstance(config.get("VERIFY_PER_MINUTE"), int) or config["VERIFY_PER_MINUTE"] < 1:
        raise ConfigError("VERIFY_PER_MINUTE: must be a whole number of checks per minute, at least 1")
    if not isinstance(config.get("ATTACHMENT_MAX_BYTES"), int) or config["ATTACHMENT_MAX_BYTES"] <= 0:
        raise ConfigError("ATTACHMENT_MAX_BYTES: must be a positive number of bytes")
    if config["ATTACHMENT_MAX_BYTES"] > int(config.get("MAX_CONTENT_LENGTH") or config["ATTACHMENT_MAX_BYTES"]):
        raise ConfigError("ATTACHMENT_MAX_BYTES: larger than MAX_CONTENT_LENGTH, so such a file could never arrive")
    languages = config.get("LANGUAGES") or []
    from lawreq.i18n import KNOWN

    unknown = [code for code in languages if code not in KNOWN]
    if unknown or not languages:
        raise ConfigError(f"LANGUAGES: {unknown or 'empty'}: choose from {', '.join(KNOWN)}")
    if config.get("DEFAULT_LOCALE") not in languages:
        raise ConfigError(f"DEFAULT_LOCALE: {config.get('DEFAULT_LOCALE')!r} is not one of LANGUAGES {languages}")
    if config.get("PASSWORD_HASH_PROFILE") not in ("default", "cheapest"):
        raise ConfigError("PASSWORD_HASH_PROFILE: must be default or cheapest")
    if env == "production" and config.get("PASSWORD_HASH_PROFILE") == "cheapest":
        raise ConfigError("PASSWORD_HASH_PROFILE: 'cheapest' is for tests only")
