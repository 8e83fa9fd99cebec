"""What the LRS assigns and converts before storing, under 2.0 rules (9274.1.1 4.2.4, 4.2.7)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from tests import factories as f
from xapi.prepare import prepare, truncate_duration, utc_timestamp
from xapi.versions import V1_0_3, V2_0_0, XAPIVersion

STORED = datetime(2026, 11, 25, 16, 20, 1, 123456, tzinfo=UTC)
AUTHORITY = {"objectType": "Agent", "account": {"homePage": "https://lrs.example.org", "name": "c"}}


def run(statement: dict, version: XAPIVersion = V2_0_0) -> dict:
    return prepare(statement, authority=AUTHORITY, stored=STORED, version=version)


def test_v2_prepare_sets_version_2_0_0_when_absent():
    """9274.1.1 4.2.4.3: "If the version is not provided, the LRS shall set it to 2.0.0"."""
    statement = f.statement()
    assert run(statement)["version"] == "2.0.0"
    assert run(statement, V1_0_3)["version"] == "1.0.0"


def test_v2_prepare_keeps_the_version_a_statement_was_sent_with():
    """9274.1.1 4.2.4.3: stored statements keep the version they arrived with."""
    assert run(f.statement(version="1.0.3"))["version"] == "1.0.3"


def test_v2_prepare_sets_timestamp_equal_to_stored_when_absent():
    """9274.1.1 4.2.4.2 (notes item 12, ChangeLog s11): timestamp = stored when absent."""
    statement = f.statement()
    del statement["timestamp"]
    prepared = run(statement)
    assert prepared["timestamp"] == prepared["stored"] == "2026-11-25T16:20:01.123Z"


def test_v2_prepare_converts_a_timestamp_with_an_offset_to_utc():
    """9274.1.1 4.2.7 (notes item 11): non-UTC timestamps are converted to UTC, not refused."""
    prepared = run(f.statement(timestamp="2023-05-04T12:00:00-05:00"))
    assert prepared["timestamp"] == "2023-05-04T17:00:00.000Z"


def test_v2_prepare_converts_a_substatement_timestamp_to_utc():
    """9274.1.1 4.2.7: every timestamp of the statement, a SubStatement's included."""
    prepared = run(f.statement(object=f.substatement(timestamp="2026-12-01T11:00:00+01:00")))
    assert prepared["object"]["timestamp"] == "2026-12-01T10:00:00.000Z"


def test_v2_prepare_writes_a_zero_offset_as_z():
    """RFC 3339 "+00:00" is UTC already; stored in the LRS's one UTC form."""
    assert run(f.statement(timestamp="2008-09-15T15:53:00.601+00:00"))["timestamp"] == (
        "2008-09-15T15:53:00.601Z"
    )


def test_v2_prepare_keeps_a_utc_timestamp_as_sent():
    assert run(f.statement(timestamp="2026-11-03T10:15:00.123456Z"))["timestamp"] == (
        "2026-11-03T10:15:00.123456Z"
    )


def test_v1_prepare_keeps_a_timestamp_with_an_offset_as_sent():
    """Data 2.4.7 (1.0.3): the timestamp is stored as sent."""
    assert run(f.statement(timestamp="2023-05-04T12:00:00-05:00"), V1_0_3)["timestamp"] == (
        "2023-05-04T12:00:00-05:00"
    )


def test_v2_prepare_truncates_the_duration_to_0_01_s():
    """9274.1.1 4.2.7 (notes item 13): stored to 0.01 s, truncated, never rounded."""
    statement = f.statement()
    statement["result"]["duration"] = "P1DT12H36M0.12567S"
    assert run(statement)["result"]["duration"] == "P1DT12H36M0.12S"


def test_v2_prepare_truncates_a_substatement_duration():
    sub = f.substatement(result={"duration": "PT4.999S"})
    assert run(f.statement(object=sub))["object"]["result"]["duration"] == "PT4.99S"


def test_v1_prepare_keeps_the_duration_as_sent():
    statement = f.statement()
    statement["result"]["duration"] = "PT0.12567S"
    assert run(statement, V1_0_3)["result"]["duration"] == "PT0.12567S"


def test_v2_prepare_does_not_change_its_input():
    """`prepare` is pure: the conversions build new objects."""
    statement = f.statement(timestamp="2023-05-04T12:00:00-05:00", object=f.substatement(
        timestamp="2026-12-01T11:00:00+01:00", result={"duration": "PT4.999S"}))
    statement["result"]["duration"] = "PT0.12567S"
    before = copy.deepcopy(statement)
    run(statement)
    assert statement == before


@pytest.mark.parametrize(
    ("duration", "expected"),
    [
        ("PT0.12567S", "PT0.12S"),
        ("PT0.129S", "PT0.12S"),
        ("PT1,2567S", "PT1.25S"),
        ("PT1.2S", "PT1.2S"),
        ("PT45M", "PT45M"),
        ("P1W", "P1W"),
        ("PT1.5M", "PT1.5M"),
    ],
)
def test_truncate_duration_keeps_two_digits_of_seconds(duration, expected):
    """9274.1.1 4.2.7: truncation (0.12 from 0.129, never 0.13); other forms unchanged."""
    assert truncate_duration(duration, 2) == expected


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        ("2023-05-04T12:00:00-05:00", "2023-05-04T17:00:00.000Z"),
        ("2023-05-04T23:30:00.5+05:30", "2023-05-04T18:00:00.500Z"),
        ("20230504T120000-0500", "2023-05-04T17:00:00.000Z"),
        ("2023-05-04T17:00:00Z", "2023-05-04T17:00:00Z"),
    ],
)
def test_utc_timestamp_is_the_same_instant_in_utc(timestamp, expected):
    assert utc_timestamp(timestamp) == expected
