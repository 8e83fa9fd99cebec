"""The validation tests run under the rules of both versions where those rules agree.

Every ``test_validation_*`` module checks rules that 1.0.3 and 2.0.0 share
(Data 2.2-2.6 and 4.x; 9274.1.1 4.2 keeps them), so each of its tests runs
twice: `validate_statement`/`validate_statements` default to the version of
the run. A rule that differs between versions is tested with an explicit
version, in ``tests/xapi2``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from xapi import validation
from xapi.versions import V1_0_3, V2_0_0, XAPIVersion

SHARED_RULES = "test_validation_"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    module = metafunc.module.__name__.rpartition(".")[2]
    if module.startswith(SHARED_RULES) and "statement_rules" in metafunc.fixturenames:
        metafunc.parametrize("statement_rules", [V1_0_3, V2_0_0], ids=["1.0.3", "2.0.0"], indirect=True)


@pytest.fixture(autouse=True)
def statement_rules(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
                    ) -> Iterator[XAPIVersion]:
    """The version whose rules `validate_statement(s)` apply when a test gives none."""
    version: XAPIVersion = getattr(request, "param", V1_0_3)
    for function in (validation.validate_statement, validation.validate_statements):
        monkeypatch.setattr(function, "__defaults__", (version,))
    yield version
