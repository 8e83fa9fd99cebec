"""Fixtures of the audit tests."""

from __future__ import annotations

import pytest

from lrs import credentials


@pytest.fixture(autouse=True)
def cheap_secret_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash credential secrets with a small scrypt cost (as the HTTP tests do):
    hashing and checking read the same parameters, so behaviour is unchanged."""
    monkeypatch.setitem(credentials._SCRYPT, "n", 2**4)
