"""An app whose dashboard signs in through a real OpenID provider (oidc-provider on Node.js)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.access.conftest import OTHER, PROGRAM, two_programs  # noqa: F401 (a fixture)
from tests.oidc.support import CLIENT_ID, CLIENT_SECRET, Provider, oidc_provider

PUBLIC_URL = "http://lrs.test"
CALLBACK = f"{PUBLIC_URL}/dashboard/oidc/callback"
PEOPLE = {
    "ada": {"name": "Ada Lovelace", "groups": ["leadership-coordinators"]},
    "grace": {"name": "Grace Hopper", "groups": ["lrs-admins", "staff"]},
    "eve": {"name": "Eve Outsider", "groups": ["staff"]},
}
ROLES = {
    "leadership-coordinators": {"role": "coordinator", "programs": [PROGRAM]},
    "lrs-admins": {"role": "admin"},
}


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with oidc_provider(CALLBACK, PEOPLE, log) as running:
        yield running


@pytest.fixture
def settings(database_url: str, tmp_path: Path, provider: Provider) -> Any:
    from lrs.settings import Settings

    return dataclasses.replace(
        Settings(database_url=database_url, data_dir=str(tmp_path), public_url=PUBLIC_URL),
        oidc_issuer=provider.issuer, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET,
        oidc_scopes="openid profile groups", oidc_roles=orjson.dumps(ROLES).decode())


__all__ = ["OTHER", "PROGRAM"]
