"""Choosing the rules of a request by its version header (9274.1.1 4.1.7, Communication 3.3)."""

from __future__ import annotations

import pytest

from xapi.errors import InvalidParameter
from xapi.versions import (
    SUPPORTED,
    V1_0_3,
    V2_0_0,
    about_versions,
    find,
    negotiate,
    unversioned,
)


@pytest.mark.parametrize("header", ["1.0", "1.0.0", "1.0.1", "1.0.2", "1.0.3", " 1.0.3 "])
def test_versions_1_0_x_selects_the_1_0_3_rules(header):
    """Communication 3.3: 1.0 and 1.0.x are accepted, and answered as the latest patch."""
    assert negotiate(header) is V1_0_3


@pytest.mark.parametrize("header", ["2.0", "2.0.0"])
def test_versions_2_0_and_2_0_0_select_the_2_0_rules(header):
    """9274.1.1 4.1.7: a request header of "2.0" is treated as "2.0.0"."""
    assert negotiate(header) is V2_0_0


@pytest.mark.parametrize("header", ["2.0.1", "2.1.0", "3.0.0", "1.1.0", "0.95", "2", "1", "abc"])
def test_versions_any_other_header_is_refused(header):
    """9274.1.1 4.1.7: reject 2.1.0 and later; reject versions before 2.0.0 unless a
    conformant implementation of them answers (here: 1.0.x only)."""
    with pytest.raises(InvalidParameter) as raised:
        negotiate(header)
    assert [e.rule for e in raised.value.errors] == ["version-unsupported"]
    assert "2.0.0" in raised.value.message


@pytest.mark.parametrize("header", [None, "", "  "])
def test_versions_a_missing_header_is_refused(header):
    """Communication 3.3 and the 2.0 conformance suite (XAPI-00331): the header is required."""
    with pytest.raises(InvalidParameter) as raised:
        negotiate(header)
    assert [e.rule for e in raised.value.errors] == ["version-header-required"]


def test_versions_about_lists_1_0_3_and_2_0_0():
    """9274.1.1 4.1.6.7: the latest minor and patch version of each major version served."""
    assert about_versions() == ["1.0.3", "2.0.0"]


def test_versions_each_version_answers_its_latest_patch():
    """9274.1.1 4.1.7: responses carry "2.0.0" for 2.0; 1.0.x requests get "1.0.3"."""
    assert [v.name for v in SUPPORTED] == ["1.0.3", "2.0.0"]
    assert find("1.0.1") is V1_0_3 and find("2.0") is V2_0_0 and find("9") is None


@pytest.mark.parametrize(("name", "version"), [("1.0.3", V1_0_3), ("2.0.0", V2_0_0)])
def test_versions_unversioned_setting_names_a_served_version(name, version):
    """The version answered to a request that names none is configurable."""
    assert unversioned(name) is version


@pytest.mark.parametrize("name", ["2.0", "1.0.0", "3.0.0", ""])
def test_versions_unversioned_setting_must_be_a_served_version_exactly(name):
    with pytest.raises(ValueError):
        unversioned(name)


def test_versions_differences_are_fields_of_the_version_objects():
    """One object per version describes what differs (issue 11): 2.0 puts State under
    concurrency control (4.1.4), drops the alternate syntax and the profile PUT 400,
    knows context agents (4.2.2.5), converts timestamps (4.2.7), keeps 0.01 s durations."""
    assert (V1_0_3.state_concurrency_control, V2_0_0.state_concurrency_control) == (False, True)
    assert (V1_0_3.alternate_request_syntax, V2_0_0.alternate_request_syntax) == (True, False)
    assert V1_0_3.profile_put_requires_precondition and not V2_0_0.profile_put_requires_precondition
    assert (V1_0_3.context_agents, V2_0_0.context_agents) == (False, True)
    assert (V1_0_3.timestamps_to_utc, V2_0_0.timestamps_to_utc) == (False, True)
    assert (V1_0_3.duration_digits, V2_0_0.duration_digits) == (None, 2)
    assert (V1_0_3.default_statement_version, V2_0_0.default_statement_version) == ("1.0.0", "2.0.0")


@pytest.mark.parametrize("value", ["1.0", "1.0.0", "1.0.9", "2.0.0"])
def test_versions_2_0_accepts_statement_versions_1_0_x_and_2_0_0(value):
    """9274.1.1 4.2.4.3 and the 2.0 suite (XAPI-00101, XAPI-00332)."""
    assert V2_0_0.accepts_statement_version(value)


@pytest.mark.parametrize("value", ["1.1.0", "0.9.9", "2.0", "2.0.1", "should fail"])
def test_versions_2_0_refuses_other_statement_versions(value):
    """The 2.0 suite (XAPI-00101): 1.1.0, 0.9.9 and junk are 400."""
    assert not V2_0_0.accepts_statement_version(value)


def test_versions_1_0_3_refuses_statement_version_2_0_0():
    """Data 2.4.10: under 1.0.3 a statement's version starts with "1.0."."""
    assert not V1_0_3.accepts_statement_version("2.0.0")
