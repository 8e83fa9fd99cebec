"""The Result and Score (Data 2.4.5) and Durations (Data 4.6)."""

from __future__ import annotations

from typing import Any

import pytest

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_statement


def with_result(**result: Any) -> list:
    return validate_statement(factories.statement(result=result))


def with_score(**score: Any) -> list:
    return with_result(score=score)


def test_spec_result_example_is_valid():
    # Data Appendix A, second example
    assert validate_statement(spec_examples.completion_statement()) == []


def test_empty_result_is_valid():
    # Data 2.4.5: every Result property is optional
    assert with_result() == []


@pytest.mark.parametrize("name", ["success", "completion"])
@pytest.mark.parametrize("value", ["true", "false", 1, 0, {}])
def test_result_flags_must_be_booleans(name, value):
    # Data 2.2: strings where booleans are required, even if they contain booleans
    assert found(with_result(**{name: value})) == {(f"result.{name}", "type")}


def test_response_must_be_a_string():
    # Data 2.4.5: response is a String
    assert found(with_result(response=42)) == {("result.response", "type")}


@pytest.mark.parametrize("duration", ["PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W"])
def test_spec_duration_examples_are_valid(duration):
    # Data 4.6 Examples
    assert with_result(duration=duration) == []


@pytest.mark.parametrize(
    "duration",
    ["P4W1D", "P", "PT", "P1DT", "PA1H0M0S", "PT1.5H30M", "P0003-01-29T04:35:59", "-PT1H", "pt1h", "1H", ""],
)
def test_invalid_durations_are_rejected(duration):
    # Data 4.6: ISO 8601:2004 4.4.3.2 only; weeks alone; fraction in the last component only
    assert found(with_result(duration=duration)) == {("result.duration", "iso8601-duration")}


def test_duration_with_more_than_hundredths_of_a_second_is_valid():
    # Data 4.6: the LRS SHOULD* NOT reject more than 0.01 second precision
    assert with_result(duration="PT1.2345S") == []


def test_duration_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(with_result(duration=3600)) == {("result.duration", "type")}


def test_result_extensions_accept_null_values():
    # Data 2.2 / 4.1: null is allowed inside extensions
    assert with_result(extensions={"http://example.com/ex": None}) == []


def test_result_extensions_must_be_an_object():
    # Data 4.1: extensions is a map
    assert found(with_result(extensions=[1, 2])) == {("result.extensions", "type")}


def test_result_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    assert found(with_result(passed=True)) == {("result.passed", "unknown-property")}


def test_score_with_all_properties_is_valid():
    # Data 2.4.5.1
    assert with_score(scaled=0.95, raw=95, min=0, max=100) == []


@pytest.mark.parametrize("scaled", [1, 1.0, -1, -1.0, 0])
def test_scaled_at_the_bounds_is_valid(scaled):
    # Data 2.4.5.1: scaled is between -1 and 1, inclusive
    assert with_score(scaled=scaled) == []


@pytest.mark.parametrize("scaled", [1.01, -1.00001, 2])
def test_scaled_outside_minus_one_to_one_is_rejected(scaled):
    # Data 2.4.5.1: scaled is between -1 and 1, inclusive
    assert found(with_score(scaled=scaled)) == {("result.score.scaled", "score-range")}


def test_raw_greater_than_max_is_rejected():
    # Data 2.4.5.1: raw is between min and max, inclusive
    assert found(with_score(raw=101, min=0, max=100)) == {("result.score.raw", "score-range")}


def test_raw_less_than_min_is_rejected():
    # Data 2.4.5.1: raw is between min and max, inclusive
    assert found(with_score(raw=-1, min=0, max=100)) == {("result.score.raw", "score-range")}


def test_raw_equal_to_min_or_max_is_valid():
    # Data 2.4.5.1: inclusive
    assert with_score(raw=0, min=0, max=10) == [] and with_score(raw=10, min=0, max=10) == []


def test_raw_without_min_and_max_is_unrestricted():
    # Data 2.4.5.1: raw is unrestricted when min and max are absent
    assert with_score(raw=-1e9) == []


def test_min_not_less_than_max_is_rejected():
    # Data 2.4.5.1: min is less than max
    assert found(with_score(min=10, max=10)) == {("result.score.min", "score-range")}


@pytest.mark.parametrize("name", ["scaled", "raw", "min", "max"])
def test_score_values_must_not_be_strings_of_numbers(name):
    # Data 2.2: strings where numbers are required, even if they contain numbers
    assert found(with_score(**{name: "0.5"})) == {(f"result.score.{name}", "type")}


@pytest.mark.parametrize("name", ["scaled", "raw", "min", "max"])
def test_score_values_must_not_be_booleans(name):
    # Data 2.2: wrong data type (a JSON boolean is not a number)
    assert found(with_score(**{name: True})) == {(f"result.score.{name}", "type")}


def test_score_must_be_an_object():
    # Data 2.4.5: score is an Object
    assert found(with_result(score=0.9)) == {("result.score", "type")}


def test_score_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    assert found(with_score(scaled=0.5, percent=50)) == {("result.score.percent", "unknown-property")}
