"""Fixtures of the HTTP tests."""

from __future__ import annotations

import pytest

from lrs import credentials


@pytest.fixture(autouse=True)
def cheap_secret_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash credential secrets with a small scrypt cost. The real cost (n=2**14)
    takes ~70 ms per hash and again per first check, which would dominate these
    tests; hashing and checking read the same parameters, so behaviour is unchanged."""
    if hasattr(credentials, "_SCRYPT"):
        monkeypatch.setitem(credentials._SCRYPT, "n", 2**4)
