"""Configuration: one frozen object built from the environment.

Every knob of the LRS is read here and nowhere else. Defaults are safe for a
first run on one machine: an SQLite file under ``./lrs-data``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


class ConfigurationError(Exception):
    """A setting that cannot be used."""


@dataclass(frozen=True)
class Settings:
    database_url: str = ""
    data_dir: str = "lrs-data"
    public_url: str = "http://127.0.0.1:8000"
    """Base URL the LRS is reached at; used for the authority's account homePage."""
    max_query_limit: int = 1000
    """Largest page of statements one GET returns (Communication 2.1.3 `limit`)."""
    max_request_bytes: int = 20 * 1024 * 1024
    max_document_bytes: int = 10 * 1024 * 1024
    """Largest document of the State and profile resources (413 above)."""
    max_attachment_bytes: int = 10 * 1024 * 1024
    """Largest attachment part of a multipart/mixed request (413 above)."""
    postgres_pool_size: int = 4
    credential_cache_seconds: float = 1.0
    """How long a verified credential is trusted without reading it again."""
    token_issuer: str = ""
    """`iss` of the tokens issued and accepted (default: `public_url`)."""
    token_audience: str = ""
    """`aud` of the tokens issued and accepted (default: `public_url`)."""
    token_ttl_seconds: int = 900
    token_secret: str = field(default="", repr=False)
    """HS256 signing secret; when empty (and no private key), one is generated and
    kept in the database (table `lrs_secret`)."""
    token_private_key_file: str = ""
    """PEM private key (RSA: RS256, EC P-256: ES256) that signs tokens instead."""
    token_verify_keys_files: tuple[str, ...] = ()
    """PEM public keys also accepted (keys being rotated out), served in the JWKS."""
    token_leeway_seconds: int = 30
    """Clock skew allowed when checking `exp`, `nbf` and `iat`."""
    # --- xAPI versions (issue 11) ---
    xapi_strict_version: bool = False
    """Statements read under 1.0.3 rules are converted to 1.0.3 (contextAgents and
    contextGroups dropped, version 2.0.0 -> 1.0.0); off: returned as stored."""
    xapi_unversioned_version: str = "1.0.3"
    """The version named in responses to requests that select none (no or an
    unsupported version header, About without one): ``1.0.3`` or ``2.0.0``."""
    # --- asynchronous views and their runner (issue 5) ---
    profile_base: str = "https://mentoring.example.org/xapi"
    """Base IRI of the mentoring profile's own terms (what the views recognise)."""
    inactive_days: int = 30
    """A mentee with no activity for this many days is inactive."""
    at_risk_days: int = 14
    """A mentee (or pair) with no session for this many days is at risk."""
    active_days: int = 14
    """A pair with a session in the last this many days is active."""
    run_projections: bool = True
    """`lrs serve` runs the projection runner beside gunicorn (one process)."""
    projection_poll_seconds: float = 0.1
    """How often the runner polls the log (SQLite; PostgreSQL's fallback to NOTIFY)."""
    projection_batch_size: int = 1000
    """Most statements a view takes in one transaction."""
    # --- coordinator dashboard (issue 10) ---
    dashboard_secret: str = field(default="", repr=False)
    """Signs the dashboard's session cookies; when empty, one is generated and
    kept in the database (table `lrs_secret`), shared by every worker."""
    dashboard_session_hours: float = 12.0
    """How long a dashboard sign-in lasts."""
    dashboard_poll_seconds: float = 5.0
    """How often an open dashboard page asks whether the views moved."""
    # --- running it in production: health, metrics, logs, limits (issue 12) ---
    max_batch_statements: int = 1000
    """Most statements one PUT/POST takes (413 above)."""
    max_json_depth: int = 64
    """Deepest nesting of arrays/objects a JSON body may have (400 above), checked
    before parsing."""
    log_level: str = "INFO"
    """Level of the JSON log lines on stderr (DEBUG, INFO, WARNING, ERROR)."""
    metrics_access: str = "credential"
    """Who may read /metrics: `open` (anyone), `credential` (scope `admin`), `off`."""
    metrics_port: int = 0
    """When set, `lrs serve` also listens on this port and /metrics is answered
    there only (a private port for Prometheus); 0: on the main port."""
    ready_max_lag_seconds: float = 60.0
    """/health/ready fails when an asynchronous view is further behind than this."""
    postgres_connect_timeout: int = 5
    """Longest wait, in whole seconds, for a database connection before a request
    fails with 503."""
    # --- audit: signed checkpoints of the hash chain (issue 6) ---
    audit_checkpoint_key: str = field(default="", repr=False)
    """Shared secret (at least 32 bytes) that signs audit checkpoints with HS256."""
    audit_checkpoint_key_file: str = ""
    """PEM private key that signs audit checkpoints instead: Ed25519 (EdDSA),
    RSA (RS256) or EC P-256 (ES256); auditors verify with its public half."""
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        settings = cls(
            database_url=env.get("LRS_DATABASE_URL", ""),
            data_dir=env.get("LRS_DATA_DIR", "lrs-data"),
            public_url=env.get("LRS_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
            max_query_limit=_int(env, "LRS_MAX_QUERY_LIMIT", 1000),
            max_request_bytes=_int(env, "LRS_MAX_REQUEST_BYTES", 20 * 1024 * 1024),
            max_document_bytes=_int(env, "LRS_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024),
            max_attachment_bytes=_int(env, "LRS_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024),
            postgres_pool_size=_int(env, "LRS_POSTGRES_POOL_SIZE", 4),
            credential_cache_seconds=_float(env, "LRS_CREDENTIAL_CACHE_SECONDS", 1.0),
            token_issuer=env.get("LRS_TOKEN_ISSUER", ""),
            token_audience=env.get("LRS_TOKEN_AUDIENCE", ""),
            token_ttl_seconds=_int(env, "LRS_TOKEN_TTL_SECONDS", 900),
            token_secret=env.get("LRS_TOKEN_SECRET", ""),
            token_private_key_file=env.get("LRS_TOKEN_PRIVATE_KEY_FILE", ""),
            token_verify_keys_files=tuple(
                p for p in env.get("LRS_TOKEN_VERIFY_KEYS_FILES", "").split(os.pathsep) if p.strip()
            ),
            token_leeway_seconds=_int(env, "LRS_TOKEN_LEEWAY_SECONDS", 30),
            # --- asynchronous views and their runner (issue 5) ---
            profile_base=env.get("LRS_PROFILE_BASE", "https://mentoring.example.org/xapi").rstrip("/"),
            inactive_days=_int(env, "LRS_INACTIVE_DAYS", 30),
            at_risk_days=_int(env, "LRS_AT_RISK_DAYS", 14),
            active_days=_int(env, "LRS_ACTIVE_DAYS", 14),
            run_projections=_projection_bool(env, "LRS_RUN_PROJECTIONS", True),
            projection_poll_seconds=_float(env, "LRS_PROJECTION_POLL_SECONDS", 0.1),
            projection_batch_size=max(1, _int(env, "LRS_PROJECTION_BATCH_SIZE", 1000)),
            xapi_strict_version=_xapi_bool(env, "LRS_XAPI_STRICT_VERSION"),
            xapi_unversioned_version=env.get("LRS_XAPI_UNVERSIONED_VERSION", "1.0.3").strip(),
            # --- coordinator dashboard (issue 10) ---
            dashboard_secret=env.get("LRS_DASHBOARD_SECRET", ""),
            dashboard_session_hours=_float(env, "LRS_DASHBOARD_SESSION_HOURS", 12.0),
            dashboard_poll_seconds=max(0.5, _float(env, "LRS_DASHBOARD_POLL_SECONDS", 5.0)),
            # --- running it in production (issue 12) ---
            max_batch_statements=_int(env, "LRS_MAX_BATCH_STATEMENTS", 1000),
            max_json_depth=_int(env, "LRS_MAX_JSON_DEPTH", 64),
            log_level=_choice(env, "LRS_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
            metrics_access=_choice(env, "LRS_METRICS_ACCESS", "credential", ("open", "credential", "off")),
            metrics_port=_int(env, "LRS_METRICS_PORT", 0),
            ready_max_lag_seconds=_float(env, "LRS_READY_MAX_LAG_SECONDS", 60.0),
            postgres_connect_timeout=max(1, _int(env, "LRS_POSTGRES_CONNECT_TIMEOUT", 5)),
            # --- audit (issue 6) ---
            audit_checkpoint_key=env.get("LRS_AUDIT_CHECKPOINT_KEY", ""),
            audit_checkpoint_key_file=env.get("LRS_AUDIT_CHECKPOINT_KEY_FILE", ""),
        )
        return replace(settings, **overrides) if overrides else settings

    @property
    def resolved_token_issuer(self) -> str:
        return self.token_issuer or self.public_url

    @property
    def resolved_token_audience(self) -> str:
        return self.token_audience or self.public_url

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return "sqlite:///" + str(Path(self.data_dir).resolve() / "lrs.sqlite3")

    @property
    def dialect(self) -> str:
        scheme = urlparse(self.resolved_database_url).scheme
        if scheme == "sqlite":
            return "sqlite"
        if scheme in ("postgresql", "postgres"):
            return "postgres"
        raise ConfigurationError(f"LRS_DATABASE_URL: unsupported scheme {scheme!r}")

    def eventsourcing_env(self) -> dict[str, str]:
        """The event store's settings, in the `eventsourcing` library's terms."""
        url = urlparse(self.resolved_database_url)
        if self.dialect == "sqlite":
            path = unquote(url.path)
            if url.netloc:  # sqlite://relative/path is not a thing; be explicit
                raise ConfigurationError("LRS_DATABASE_URL: use sqlite:///absolute/path")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": "30",
                "APPLICATION_RECORDER_TOPIC": "lrs.store.recorders:IndexingSQLiteRecorder",
            }
        return {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": str(self.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(2 * self.postgres_pool_size),
            "POSTGRES_CONNECT_TIMEOUT": str(self.postgres_connect_timeout),
            "POSTGRES_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "lrs.store.recorders:IndexingPostgresRecorder",
        }


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be an integer, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{name} must be a number, got {raw!r}") from None


# --- xAPI versions (issue 11) ---
def _xapi_bool(env: Mapping[str, str], name: str) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")


# --- asynchronous views and their runner (issue 5) ---
def _projection_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if raw == "":
        return default
    if raw in ("0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigurationError(f"{name} must be true or false, got {raw!r}")


# --- running it in production (issue 12) ---
def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = env.get(name, "").strip()
    if raw == "":
        return default
    for choice in choices:
        if raw.lower() == choice.lower():
            return choice
    raise ConfigurationError(f"{name} must be one of {', '.join(choices)}, got {raw!r}")
