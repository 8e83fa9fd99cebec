"""Settings: declared once, read from the environment, shown in the docs as declared."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from lrs.settings import SETTINGS, ConfigurationError, Settings, markdown_tables

DOCS = Path(__file__).resolve().parents[2] / "docs" / "OPERATIONS.md"


def test_settings_defaults_come_from_the_declarations_alone():
    assert Settings.from_env({}) == Settings()


def test_settings_every_field_but_extra_is_declared_with_help_and_variable():
    declared = {s.name for s in SETTINGS}
    assert declared == {f.name for f in dataclasses.fields(Settings)} - {"extra"}
    assert all(s.help and s.env == "LRS_" + s.name.upper() for s in SETTINGS)


def test_settings_operations_doc_table_is_the_generated_one():
    text = DOCS.read_text(encoding="utf-8")
    begin, end = "<!-- settings: begin -->\n", "<!-- settings: end -->"
    assert text[text.index(begin) + len(begin):text.index(end)] == markdown_tables(), \
        "regenerate the table in docs/OPERATIONS.md with: python -m lrs.settings"


def test_settings_values_are_read_by_their_declared_type():
    settings = Settings.from_env({
        "LRS_MAX_QUERY_LIMIT": "7", "LRS_CREDENTIAL_CACHE_SECONDS": "2.5",
        "LRS_RUN_PROJECTIONS": "off", "LRS_XAPI_STRICT_VERSION": "yes",
        "LRS_PUBLIC_URL": "https://lrs.example.org/", "LRS_LOG_LEVEL": "warning",
    })
    assert (settings.max_query_limit, settings.credential_cache_seconds) == (7, 2.5)
    assert (settings.run_projections, settings.xapi_strict_version) == (False, True)
    assert settings.public_url == "https://lrs.example.org"
    assert settings.log_level == "WARNING"


def test_settings_floors_raise_values_below_them():
    settings = Settings.from_env({"LRS_PROJECTION_BATCH_SIZE": "0", "LRS_POSTGRES_CONNECT_TIMEOUT": "0",
                                  "LRS_DASHBOARD_POLL_SECONDS": "0.1"})
    assert (settings.projection_batch_size, settings.postgres_connect_timeout) == (1, 1)
    assert settings.dashboard_poll_seconds == 0.5


def test_settings_empty_variable_means_the_default():
    assert Settings.from_env({"LRS_MAX_QUERY_LIMIT": " ", "LRS_RUN_PROJECTIONS": ""}) == Settings()


@pytest.mark.parametrize(("variable", "value"), [
    ("LRS_MAX_QUERY_LIMIT", "many"),
    ("LRS_CREDENTIAL_CACHE_SECONDS", "soon"),
    ("LRS_RUN_PROJECTIONS", "maybe"),
    ("LRS_METRICS_ACCESS", "public"),
    ("LRS_XAPI_UNVERSIONED_VERSION", "1.0.2"),
])
def test_settings_unusable_value_is_an_error_naming_the_variable(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        Settings.from_env({variable: value})


def test_settings_secrets_are_kept_out_of_repr():
    settings = Settings(token_secret="s" * 32, dashboard_secret="d" * 32, audit_checkpoint_key="a" * 32)
    assert not any(secret * 32 in repr(settings) for secret in "sda")
