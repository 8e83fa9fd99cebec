"""Fixtures of the fuzz tests: Hypothesis kept small and deterministic."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from lrs import credentials

# Deterministic (the same examples on every run, so CI cannot flake) and modest
# (the whole suite stays fast). `deadline=None`: a store's first query may be slow.
settings.register_profile(
    "lrs-fuzz", max_examples=50, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.data_too_large],
)
settings.load_profile("lrs-fuzz")


@pytest.fixture(autouse=True)
def cheap_secret_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in tests/http: a small scrypt cost, hashing and checking alike."""
    if hasattr(credentials, "_SCRYPT"):
        monkeypatch.setitem(credentials._SCRYPT, "n", 2**4)
