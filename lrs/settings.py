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
                "APPLICATION_RECORDER_TOPIC": "lrs.recorders:IndexingSQLiteRecorder",
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
            "POSTGRES_CONNECT_TIMEOUT": "5",
            "POSTGRES_LOCK_TIMEOUT": "30",
            "APPLICATION_RECORDER_TOPIC": "lrs.recorders:IndexingPostgresRecorder",
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
