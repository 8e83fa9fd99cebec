"""Statement validation under 2.0 rules that differ from, or are stricter than, 1.0.3."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.xapi.support import found
from xapi.validation import validate_statement, validate_statements
from xapi.versions import V1_0_3, V2_0_0


def test_v2_validation_refuses_a_property_the_standard_does_not_define():
    """9274.1.1 4.2.1 (notes item 10, CTS 4.1.6.1): a top-level "dummy" is a 400."""
    errors = found(validate_statement(f.statement(dummy="value"), V2_0_0))
    assert errors == {("dummy", "unknown-property")}


@pytest.mark.parametrize("version", ["1.0", "1.0.9", "2.0.0"])
def test_v2_validation_accepts_statement_versions_1_0_x_and_2_0_0(version):
    """9274.1.1 4.2.4.3, CTS XAPI-00101/-00332 (notes item 8)."""
    assert validate_statement(f.statement(version=version), V2_0_0) == []


@pytest.mark.parametrize("version", ["1.1.0", "0.9.9", "should fail", "2.0"])
def test_v2_validation_refuses_other_statement_versions(version):
    """CTS XAPI-00101 (notes item 8)."""
    assert found(validate_statement(f.statement(version=version), V2_0_0)) == {
        ("version", "statement-version")
    }


def test_v1_validation_refuses_statement_version_2_0_0():
    """Data 2.4.10 under 1.0.3: "2.0.0" is not a 1.0 version."""
    assert found(validate_statement(f.statement(version="2.0.0"), V1_0_3)) == {
        ("version", "statement-version")
    }


@pytest.mark.parametrize(
    "timestamp",
    ["2008-09-15T15:53:00.601+00:00", "2023-05-04T12:00:00-05:00", "2031-05-04T12:00:00Z"],
)
def test_v2_validation_accepts_rfc3339_timestamps_and_future_ones(timestamp):
    """9274.1.1 4.2.7 (notes item 11): numeric zero offsets, other offsets (converted on
    storage) and future timestamps are accepted, in a statement and a SubStatement."""
    statement = f.statement(timestamp=timestamp, object=f.substatement(timestamp=timestamp))
    del statement["context"]["platform"]  # Data 2.4.6: only when the Object is an Activity
    assert validate_statement(statement, V2_0_0) == []


@pytest.mark.parametrize("timestamp", ["2008-09-15T15:53:00.601-00:00", "2008-09-15T15:53:00-0000",
                                       "2008-09-15T15:53:00-00", "not a time"])
def test_v2_validation_still_refuses_negative_zero_offsets_and_junk(timestamp):
    """Notes item 11: the 2.0 suite still rejects -00, -0000, -00:00 and junk."""
    assert found(validate_statement(f.statement(timestamp=timestamp), V2_0_0)) == {
        ("timestamp", "iso8601-timestamp")
    }


def test_v2_validation_refuses_a_null_timestamp():
    """9274.1.1 4.2.1: null is never a value (notes item 12: don't "fix" the CTS by accepting it)."""
    assert found(validate_statement(f.statement(timestamp=None), V2_0_0)) == {
        ("timestamp", "null-value")
    }


def test_v2_validation_accepts_durations_finer_than_0_01_s():
    """9274.1.1 4.2.7 (notes item 13): "P1DT12H36M0.12567S" is accepted."""
    statement = f.statement()
    statement["result"]["duration"] = "P1DT12H36M0.12567S"
    assert validate_statement(statement, V2_0_0) == []


def test_v2_validation_refuses_two_statements_with_one_id_in_a_batch():
    """9274.1.1 4.1.6.1 (notes item 18, CTS): a batch whose statements share an id is a 400."""
    first = f.statement()
    second = f.statement(id=first["id"].upper())
    assert found(validate_statements([first, second], V2_0_0)) == {("[1].id", "duplicate-statement-id")}
