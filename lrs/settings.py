"""Configuration: one frozen object built from the environment.

Every knob of the LRS is declared here once, as a field of `Settings` made by
`setting()`: its name (the field; the variable is ``LRS_`` + the name in capitals
unless given), its type (that of the default), its default, its help text and
the section of the docs it belongs in. `Settings.from_env` reads the variables
from those declarations, ``lrs --help`` lists them (`environment_help`) and the
configuration table of docs/OPERATIONS.md is generated from them
(``python -m lrs.settings``; a test keeps the two equal). Defaults are safe for
a first run on one machine: an SQLite file under ``./lrs-data``.

To add a setting: one ``name: type = setting(default, "help", section=...)`` line
in `Settings`, then regenerate the docs table.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse


class ConfigurationError(Exception):
    """A setting that cannot be used."""


SECTIONS = (
    "Store and URLs",
    "Limits",
    "Credentials and tokens",
    "xAPI versions",
    "Asynchronous views, dashboard, audit",
    "Operations",
    "Stream and forwarding",
    "Alerts",
    "Privacy",
)
"""The docs' groups of settings, in the order they are shown."""

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


@dataclass(frozen=True)
class Setting:
    """One declared setting: what `from_env`, ``lrs --help`` and the docs read."""

    name: str
    env: str
    default: Any
    help: str
    section: str
    shown_default: str
    """The default as the docs show it (e.g. ``none``, ``generated, ...``)."""
    secret: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    """Values below are raised to this (a floor, not an error)."""
    clean: Callable[[str], str] | None = None
    """Normalises a value read from the environment (e.g. a trailing ``/`` dropped)."""

    @property
    def kind(self) -> str:
        """The value's type in words, for messages and help."""
        if isinstance(self.default, bool):
            return "true or false"
        if isinstance(self.default, int):
            return "an integer"
        if isinstance(self.default, float):
            return "a number"
        if isinstance(self.default, tuple):
            return f"paths separated by {os.pathsep!r}"
        return "text"

    def parse(self, raw: str | None) -> Any:
        """The value of this setting's variable; the default when unset or empty."""
        if raw is None or raw.strip() == "":
            return self.default
        value: Any
        if isinstance(self.default, bool):
            word = raw.strip().lower()
            if word not in _TRUE + _FALSE:
                raise ConfigurationError(f"{self.env} must be true or false, got {raw!r}")
            value = word in _TRUE
        elif isinstance(self.default, int | float):
            number = type(self.default)
            try:
                value = number(raw)
            except ValueError:
                raise ConfigurationError(f"{self.env} must be {self.kind}, got {raw!r}") from None
            if self.minimum is not None:
                value = max(number(self.minimum), value)
        elif isinstance(self.default, tuple):
            value = tuple(p for p in raw.split(os.pathsep) if p.strip())
        else:
            value = self.clean(raw) if self.clean else raw
            if self.choices:
                value = self._choose(value)
        return value

    def _choose(self, raw: str) -> str:
        word = raw.strip()
        for choice in self.choices:
            if word.lower() == choice.lower():
                return choice
        raise ConfigurationError(f"{self.env} must be one of {', '.join(self.choices)}, got {raw!r}")


def setting(default: Any, help: str, *, section: str, env: str | None = None, shown: str | None = None,
            secret: bool = False, choices: tuple[str, ...] = (), minimum: float | None = None,
            clean: Callable[[str], str] | None = None) -> Any:
    """A `Settings` field declared with everything the rest is derived from."""
    if section not in SECTIONS:
        raise ValueError(f"unknown settings section {section!r}")
    spec = {"help": help, "section": section, "env": env, "shown": shown, "secret": secret,
            "choices": choices, "minimum": minimum, "clean": clean}
    return field(default=default, repr=not secret, metadata={"setting": spec})


def _no_trailing_slash(raw: str) -> str:
    return raw.rstrip("/")


def _stripped(raw: str) -> str:
    return raw.strip()


_STORE, _LIMITS, _TOKENS, _VERSIONS, _VIEWS, _OPS, _STREAM, _ALERTS, _PRIVACY = SECTIONS
_MIB = 1024 * 1024
_GENERATED = "generated, kept in table `lrs_secret`"


@dataclass(frozen=True)
class Settings:
    # --- store and URLs ---
    database_url: str = setting(
        "", "`sqlite:///absolute/path` or `postgresql://user:password@host:port/db`",
        section=_STORE, shown="`sqlite:///<LRS_DATA_DIR>/lrs.sqlite3`")
    data_dir: str = setting("lrs-data", "where the default SQLite store lives",
                            section=_STORE, shown="`./lrs-data`")
    public_url: str = setting(
        "http://127.0.0.1:8000", "base URL clients use; the `homePage` of each credential's authority "
        "account, default token issuer/audience", section=_STORE, clean=_no_trailing_slash)
    postgres_pool_size: int = setting(
        4, "connections kept open per process (up to three times as many under load)", section=_STORE)
    postgres_connect_timeout: int = setting(
        5, "seconds a request waits for a database connection before it fails with 503",
        section=_STORE, minimum=1)
    postgres_statement_timeout: float = setting(
        10.0, "seconds one SQL statement may run before PostgreSQL cancels it and the request "
        "fails with 503 (0: no limit; migrations have none)", section=_STORE, minimum=0)
    postgres_lock_timeout: int = setting(
        5, "seconds a statement waits for a lock (an append for the event table's) before it "
        "gives up and the request fails with 503", section=_STORE, minimum=1)
    # --- limits ---
    max_request_bytes: int = setting(20 * _MIB, "largest request body (413, rule `request-size`)",
                                     section=_LIMITS)
    request_read_timeout: float = setting(
        30.0, "seconds a client has, once it starts sending a request, to send all of it (headers "
        "and body) before it is answered 408; no thread waits on it meanwhile (`lrs serve`)",
        section=_LIMITS, minimum=0.1)
    max_batch_statements: int = setting(1000, "most statements in one PUT/POST (413, rule `batch-size`)",
                                        section=_LIMITS)
    max_json_depth: int = setting(
        64, "deepest nesting of arrays/objects in a JSON body (400, rule `json-depth`), checked "
        "before parsing", section=_LIMITS)
    max_attachment_bytes: int = setting(
        10 * _MIB, "largest attachment part of a `multipart/mixed` request (413)", section=_LIMITS)
    max_document_bytes: int = setting(
        10 * _MIB, "largest State / profile document, merged ones included (413)", section=_LIMITS)
    max_query_limit: int = setting(
        1000, "largest page a GET of statements returns (a larger `limit` gets this many and `more`)",
        section=_LIMITS)
    # --- credentials and tokens ---
    credential_cache_seconds: float = setting(
        1.0, "how long a verified credential is trusted before it is read again (a revocation takes "
        "effect within this time)", section=_TOKENS)
    token_issuer: str = setting("", "`iss` of the bearer tokens issued and accepted",
                                section=_TOKENS, shown="`LRS_PUBLIC_URL`")
    token_audience: str = setting("", "`aud` of the bearer tokens issued and accepted",
                                  section=_TOKENS, shown="`LRS_PUBLIC_URL`")
    token_ttl_seconds: int = setting(900, "lifetime of a token, in seconds", section=_TOKENS)
    token_secret: str = setting(
        "", "HS256 signing secret (at least 32 bytes)", section=_TOKENS, shown=_GENERATED, secret=True)
    token_private_key_file: str = setting(
        "", "PEM private key that signs instead: RSA → RS256, EC P-256 → ES256", section=_TOKENS)
    token_verify_keys_files: tuple[str, ...] = setting(
        (), "PEM public keys also accepted (keys being rotated out), separated by `:`; served in the JWKS",
        section=_TOKENS)
    token_leeway_seconds: int = setting(30, "clock skew allowed on `exp`, `nbf` and `iat`, in seconds",
                                        section=_TOKENS)
    # --- people: accounts, sign-in throttling (issue 20, issue 17 point 6) ---
    login_max_failures: int = setting(
        10, "failed sign-ins (Basic or dashboard) per key or account name, and per client address, "
        "within `LRS_LOGIN_WINDOW_SECONDS` before further attempts get 429 with `Retry-After` (0: off)",
        section=_TOKENS)
    login_window_seconds: float = setting(
        300.0, "the window failed sign-ins are counted in; the right secret is refused at most this long "
        "after the last counted failure", section=_TOKENS, minimum=1)
    trusted_proxies: int = setting(
        0, "proxies in front of the LRS whose `X-Forwarded-For` is believed (1 behind the documented "
        "nginx): the client address that failed sign-ins are counted by is that many hops from the "
        "right; 0: the connection's address", section=_TOKENS)
    password_min_length: int = setting(
        12, "shortest password an account may set (also: 5 different characters, not the account name)",
        section=_TOKENS, minimum=8)
    # --- OpenID Connect sign-in to the dashboard (issue 20) ---
    oidc_issuer: str = setting(
        "", "issuer URL of the identity provider for dashboard sign-in (OpenID Connect, code flow with "
        "PKCE); empty: no single sign-on", section=_TOKENS, shown="none", clean=_no_trailing_slash)
    oidc_client_id: str = setting("", "the LRS's client id at the identity provider", section=_TOKENS,
                                  shown="none")
    oidc_client_secret: str = setting("", "the LRS's client secret at the identity provider",
                                      section=_TOKENS, shown="none", secret=True)
    oidc_scopes: str = setting("openid profile", "scopes asked of the identity provider (with the one "
                               "that releases the role claim)", section=_TOKENS)
    oidc_role_claim: str = setting("groups", "the ID token claim (a string or a list) mapped to a role by "
                                   "`LRS_OIDC_ROLES`", section=_TOKENS)
    oidc_name_claim: str = setting("name", "the ID token claim the dashboard shows as the person's name",
                                   section=_TOKENS)
    oidc_roles: str = setting(
        "", 'JSON: claim value → role and programs, e.g. `{"leaders": {"role": "coordinator", "programs": '
        '["https://…"]}, "lrs-admins": {"role": "admin"}}`; a person matching none is refused',
        section=_TOKENS, shown="none")
    # --- xAPI versions (issue 11) ---
    xapi_strict_version: bool = setting(
        False, "statements read under 1.0.3 rules are converted to 1.0.3 (contextAgents and "
        "contextGroups dropped, version 2.0.0 → 1.0.0); off: returned as stored", section=_VERSIONS)
    xapi_unversioned_version: str = setting(
        "1.0.3", "the version named in responses to requests that select none (no or an unsupported "
        "version header, About without one)", section=_VERSIONS, choices=("1.0.3", "2.0.0"),
        clean=_stripped)
    # --- asynchronous views and their runner (issue 5), dashboard (issue 10), audit (issue 6) ---
    run_projections: bool = setting(True, "`lrs serve` runs the projection runner beside gunicorn",
                                    section=_VIEWS)
    projection_poll_seconds: float = setting(
        0.1, "how often the runner polls the log (SQLite; PostgreSQL's fallback to NOTIFY)",
        section=_VIEWS)
    projection_settle_seconds: float = setting(
        0.05, "after a NOTIFY, how long the runner lets more appends arrive before it reads the log "
        "(PostgreSQL): one batch for a burst of single-statement appends, not one wake-up each", section=_VIEWS)
    projection_batch_size: int = setting(1000, "most statements a view takes in one transaction",
                                         section=_VIEWS, minimum=1)
    profile_base: str = setting(
        "https://mentoring.example.org/xapi", "base IRI of the mentoring profile's own terms (what the "
        "views recognise)", section=_VIEWS, clean=_no_trailing_slash)
    inactive_days: int = setting(30, "a mentee with no activity for this many days is inactive",
                                 section=_VIEWS)
    at_risk_days: int = setting(14, "a mentee (or pair) with no session for this many days is at risk",
                                section=_VIEWS)
    active_days: int = setting(14, "a pair with a session in the last this many days is active",
                               section=_VIEWS)
    reinforce_days: float = setting(
        30.0, "days after a successful assessment before a competency is due for reinforcement "
        "(docs/profile, \"Gaps and reinforcement\")", section=_VIEWS, minimum=0.0)
    reinforce_growth: float = setting(
        2.0, "factor the reinforcement interval grows by with each successful reinforcement in a row",
        section=_VIEWS, minimum=1.0)
    matching_manager_levels: int = setting(
        1, "matching never pairs a person with their manager this many levels up (or with someone "
        "they manage); 0: any level", section=_VIEWS, minimum=0)
    dashboard_secret: str = setting(
        "", "signs the dashboard's session cookies (one secret shared by every worker)",
        section=_VIEWS, shown=_GENERATED, secret=True)
    dashboard_session_hours: float = setting(12.0, "how long a dashboard sign-in lasts, in hours",
                                             section=_VIEWS)
    dashboard_idle_minutes: float = setting(
        30.0, "a dashboard session without a request for this long ends (sign in again)", section=_VIEWS,
        minimum=1)
    dashboard_poll_seconds: float = setting(
        5.0, "how often an open dashboard page asks whether the views moved", section=_VIEWS,
        minimum=0.5)
    audit_checkpoint_key: str = setting(
        "", "shared secret (at least 32 bytes) that signs audit checkpoints (HS256)",
        section=_VIEWS, secret=True)
    audit_checkpoint_key_file: str = setting(
        "", "PEM private key that signs audit checkpoints instead: Ed25519 (EdDSA), RSA (RS256) or "
        "EC P-256 (ES256); auditors verify with its public half", section=_VIEWS)
    # --- operations (issue 12) ---
    log_level: str = setting(
        "INFO", "level of the JSON log lines on stderr: `DEBUG`, `INFO` (a line per request), "
        "`WARNING` (failures only), `ERROR`", section=_OPS, choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    metrics_access: str = setting(
        "credential", "who may read `/metrics`: `open`, `credential` (a credential with scope "
        "`admin`), `off`", section=_OPS, choices=("open", "credential", "off"))
    metrics_port: int = setting(
        0, "`lrs serve` also listens on this port, and `/metrics` is answered there only (0: on the "
        "main port)", section=_OPS, shown="none")
    ready_max_lag_seconds: float = setting(
        60.0, "`/health/ready` fails when an asynchronous view lags the log by more than this",
        section=_OPS)
    # --- the log on NATS JetStream, views and forwarding elsewhere (issue 23) ---
    nats_url: str = setting(
        "", "NATS server(s), comma-separated (`nats://host:4222,...`): the log is published to "
        "JetStream (`lrs publish`, and `lrs serve` beside its workers); empty: off",
        section=_STREAM, clean=_stripped)
    nats_stream: str = setting("LRS_EVENTS", "the JetStream stream the log is published to",
                               section=_STREAM, clean=_stripped)
    nats_subject_prefix: str = setting(
        "lrs", "subjects are `<prefix>.statement`, `<prefix>.document`, `<prefix>.erasure`",
        section=_STREAM, clean=_stripped)
    nats_replicas: int = setting(1, "copies of the stream in a JetStream cluster (1, 3 or 5)",
                                 section=_STREAM, minimum=1)
    nats_retention: str = setting(
        "limits", "`limits` (kept until max age or size) or `interest` (kept until every consumer "
        "has acknowledged)", section=_STREAM, choices=("limits", "interest"))
    nats_max_age_seconds: float = setting(0.0, "how long the stream keeps a message (0: forever)",
                                          section=_STREAM)
    nats_max_bytes: int = setting(-1, "largest size of the stream, oldest messages dropped first "
                                  "(-1: unlimited)", section=_STREAM)
    nats_duplicate_window_seconds: float = setting(
        120.0, "how long the stream remembers a `Nats-Msg-Id` (the log position) to drop a second copy",
        section=_STREAM)
    nats_publish_batch: int = setting(
        500, "most log entries published per round of acknowledgements (and tracking update)",
        section=_STREAM, minimum=1)
    forwarding_batch: int = setting(100, "most statements a forwarder POSTs in one request",
                                    section=_STREAM, minimum=1)
    # --- alerts: a webhook when a pair's status changes, a daily digest by e-mail (issue 21 point 8) ---
    alert_webhook_url: str = setting(
        "", "`http(s)://...` that is POSTed a JSON notification when a pair becomes at risk, inactive "
        "or recovers (docs/OPERATIONS.md, \"Alerts\"); empty: no webhook", section=_ALERTS, clean=_stripped)
    alert_webhook_secret: str = setting(
        "", "key of the `X-LRS-Signature: sha256=<HMAC-SHA256 of the body>` header (at least 16 bytes; "
        "required with `LRS_ALERT_WEBHOOK_URL`)", section=_ALERTS, secret=True)
    alert_webhook_timeout_seconds: float = setting(
        10.0, "seconds one webhook call may take before it counts as failed", section=_ALERTS, minimum=0.1)
    alert_retry_seconds: float = setting(
        30.0, "wait before the first retry of a failed webhook call; doubled after each failure, at most "
        "an hour", section=_ALERTS, minimum=0.1)
    alert_max_attempts: int = setting(
        10, "webhook calls made for one change before it is given up (logged, kept in `lrs_alert_change`)",
        section=_ALERTS, minimum=1)
    alert_poll_seconds: float = setting(
        60.0, "how often the alerts worker evaluates the pairs' statuses and retries what is due",
        section=_ALERTS, minimum=0.1)
    smtp_host: str = setting("", "SMTP server of the daily digest; empty: no digest", section=_ALERTS,
                             clean=_stripped)
    smtp_port: int = setting(25, "its port (587 with STARTTLS, usually)", section=_ALERTS)
    smtp_from: str = setting("", "the digest's `From:` address (required with `LRS_SMTP_HOST`)",
                             section=_ALERTS, clean=_stripped)
    smtp_user: str = setting("", "user name to log in to the SMTP server with (empty: no login)",
                             section=_ALERTS)
    smtp_password: str = setting("", "its password", section=_ALERTS, secret=True)
    smtp_starttls: bool = setting(False, "upgrade the SMTP connection with STARTTLS before logging in",
                                  section=_ALERTS)
    digest_hour: int = setting(
        7, "hour of the day (UTC, 0-23) from which each coordinator's digest of the day is sent",
        section=_ALERTS)
    # --- personal data encrypted per person, erasure (issue 19; docs/PRIVACY.md) ---
    master_key: str = setting(
        "", "base64 of 32 random bytes (`openssl rand -base64 32`) that wraps every person's data key "
        "and the person-id key; keep it, and its backups, apart from the database's",
        section=_PRIVACY, shown="generated in `<LRS_DATA_DIR>/master.key`", secret=True)
    master_key_file: str = setting(
        "", "a file holding the master key (base64) instead of `LRS_MASTER_KEY`", section=_PRIVACY)
    personal_extensions: str = setting(
        "", "extension IRIs (context, result, object definition) whose values are personal and so "
        "encrypted with the person's key, separated by spaces or commas", section=_PRIVACY,
        shown="none")
    person_key_cache_seconds: float = setting(
        1.0, "how long a worker uses a person's key before it checks again that it was not destroyed "
        "(an erasure made by another process takes effect there within this time)", section=_PRIVACY,
        minimum=0.0)
    extra: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Every declared setting from its variable (``os.environ`` by default);
        `ConfigurationError` names the first variable that cannot be used."""
        env = os.environ if environ is None else environ
        settings = cls(**{s.name: s.parse(env.get(s.env)) for s in SETTINGS})
        return replace(settings, **overrides) if overrides else settings

    @property
    def personal_extension_iris(self) -> tuple[str, ...]:
        """`personal_extensions` as its IRIs, in the order given, each once."""
        words = self.personal_extensions.replace(",", " ").split()
        return tuple(dict.fromkeys(words))

    @property
    def generated_master_key_file(self) -> Path:
        """Where the master key is generated when neither setting gives one."""
        return Path(self.data_dir).resolve() / "master.key"

    def load_master_key(self) -> tuple[bytes, bool]:
        """The master key (``LRS_MASTER_KEY``, else ``LRS_MASTER_KEY_FILE``, else the
        generated file, made on first use) and whether it is the generated one, so the
        caller warns: a key beside the database protects nothing once both are copied."""
        from lrs.privacy.keys import load_master_key

        variable = ("LRS_MASTER_KEY" if self.master_key else
                    "LRS_MASTER_KEY_FILE" if self.master_key_file else "the generated master key")
        try:
            return load_master_key(key=self.master_key, key_file=self.master_key_file,
                                   generated_file=str(self.generated_master_key_file))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"{variable}: {exc}") from None

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
            folder = Path(path).parent
            if not self.database_url:  # the default store: LRS_DATA_DIR is made on first use
                folder.mkdir(parents=True, exist_ok=True)
            elif not folder.is_dir():  # a typo in the path must not create folders
                raise ConfigurationError(f"LRS_DATABASE_URL: the folder {folder} does not exist")
            return {
                "PERSISTENCE_MODULE": "eventsourcing.sqlite",
                "SQLITE_DBNAME": path,
                "SQLITE_LOCK_TIMEOUT": "30",
                "APPLICATION_RECORDER_TOPIC": "lrs.store.recorders:IndexingSQLiteRecorder",
            }
        return {
            # eventsourcing's factory with the timeouts below set on every connection
            "PERSISTENCE_MODULE": "lrs.store.bounds:BoundedPostgresFactory",
            "POSTGRES_DBNAME": unquote(url.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": str(self.postgres_pool_size),
            "POSTGRES_MAX_OVERFLOW": str(2 * self.postgres_pool_size),
            "POSTGRES_CONNECT_TIMEOUT": str(self.postgres_connect_timeout),
            "POSTGRES_LOCK_TIMEOUT": str(self.postgres_lock_timeout),
            "LRS_POSTGRES_STATEMENT_TIMEOUT": str(self.postgres_statement_timeout),
            "APPLICATION_RECORDER_TOPIC": "lrs.store.recorders:IndexingPostgresRecorder",
        }


def _declared() -> tuple[Setting, ...]:
    declared = []
    for f in fields(Settings):
        spec = f.metadata.get("setting")
        if spec is None:
            continue
        env = spec["env"] or "LRS_" + f.name.upper()
        shown = spec["shown"] or ("none" if f.default in ("", ()) else _shown(f.default))
        declared.append(Setting(
            name=f.name, env=env, default=f.default, help=spec["help"], section=spec["section"],
            shown_default=shown, secret=spec["secret"], choices=spec["choices"],
            minimum=spec["minimum"], clean=spec["clean"]))
    return tuple(declared)


def _shown(default: Any) -> str:
    if isinstance(default, bool):
        return "`true`" if default else "`false`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{default}`"


SETTINGS: tuple[Setting, ...] = _declared()
"""Every setting, in declaration order."""


def environment_help() -> str:
    """The variables, one a line with default and help, for ``lrs --help``."""
    lines = []
    for s in SETTINGS:
        default = s.shown_default.replace("`", "")
        lines.append(f"{s.env} (default: {default}): {s.help.replace('`', '')}")
    return "\n".join(lines)


def markdown_tables() -> str:
    """The configuration reference of docs/OPERATIONS.md, one table per section."""
    parts = []
    for section in SECTIONS:
        rows = [s for s in SETTINGS if s.section == section]
        if not rows:
            continue
        parts.append(f"**{section}**\n\n| variable | default | meaning |\n|---|---|---|")
        parts[-1] += "".join(f"\n| `{s.env}` | {s.shown_default} | {s.help} |" for s in rows)
    return "\n\n".join(parts) + "\n"


if __name__ == "__main__":  # python -m lrs.settings > the table in docs/OPERATIONS.md
    sys.stdout.write(markdown_tables())
