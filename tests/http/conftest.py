"""Fixtures of the HTTP tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask

from lrs import credentials
from lrs.app import create_app
from lrs.settings import Settings


@pytest.fixture(autouse=True)
def cheap_secret_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash credential secrets with a small scrypt cost. The real cost (n=2**14)
    takes ~70 ms per hash and again per first check, which would dominate these
    tests; hashing and checking read the same parameters, so behaviour is unchanged."""
    if hasattr(credentials, "_SCRYPT"):
        monkeypatch.setitem(credentials._SCRYPT, "n", 2**4)


@pytest.fixture
def build(settings: Settings) -> Iterator[Any]:
    """A factory of apps with some settings changed (`build(metrics_access="open")`),
    each closed after the test."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        app = create_app(replace(settings, **overrides))
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["lrs"].close()
