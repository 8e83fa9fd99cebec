"""The special data types of Data 4.x: language maps, IRIs, UUIDs, timestamps, durations."""

from __future__ import annotations

import pytest

from tests import factories
from tests.xapi.support import found
from xapi.schemas.primitives import (
    is_duration,
    is_iri,
    is_language_tag,
    is_timestamp,
    is_uuid,
)
from xapi.validation import validate_statement


@pytest.mark.parametrize(
    "tag",
    [
        "en", "de", "tlh", "cmn", "ase", "en-US", "es-419", "zh-Hant", "sr-Latn-RS", "zh-Hans-CN",
        "sl-rozaj-biske", "de-CH-1901", "en-a-bbb-x-a-ccc", "x-whatever", "i-klingon", "EN-us",
    ],
)
def test_rfc5646_language_tags_are_accepted(tag):
    # Data 4.2 / 2.2: RFC 5646 language tags
    assert is_language_tag(tag)


@pytest.mark.parametrize(
    "tag",
    [
        "", "e", "something", "a12345678", "en_US", "en-", "-en",
        "zh-z-aaa-z-bbb-c-ccc", "de-1901-1901", "en US", "\u212aa",
    ],
)
def test_malformed_language_tags_are_rejected(tag):
    # Data 2.2: the sequence of token lengths must match RFC 5646 (and no repeated singleton/variant)
    assert not is_language_tag(tag)


@pytest.mark.parametrize(
    "iri",
    [
        "http://example.com/a%20b",
        "https://例え.jp/動詞",
        "urn:uuid:6690e6c9-3ef0-4ed3-8b37-7f3964730bee",
        "tag:example.org,2026:verbs/attended",
        "http://example.com/xapi/verbs#defenestrated",
    ],
)
def test_absolute_iris_are_accepted(iri):
    # Data 4.3 / 3.1
    assert is_iri(iri)


@pytest.mark.parametrize(
    "iri",
    [
        "", "example.com/verbs/attended", "/verbs/attended", "#fragment",
        "ab=c://should.fail.com", "http://example.com/a b", "1http://example.com", "http:",
    ],
)
def test_relative_or_malformed_iris_are_rejected(iri):
    # Data 2.2: IRL or IRI values without a scheme; Data 2.4.4.1: IRI fragments are not IRIs
    assert not is_iri(iri)


def test_uuid_standard_form_is_accepted():
    # Data 4.4
    assert is_uuid("6690e6c9-3ef0-4ed3-8b37-7f3964730bee")


def test_uuid_without_hyphens_is_rejected():
    # Data 4.4: UUIDs MUST be in the standard string form
    assert not is_uuid("6690e6c93ef04ed38b377f3964730bee")


@pytest.mark.parametrize(
    "timestamp",
    [
        "2015-11-18T12:17:00+00:00",
        "2013-05-18T05:32:34.804+00:00",
        "2013-04-01T12:00:00Z",
        "2013-04-01T12:00:00.123456789Z",
        "2013-04-01T12:00:00,5Z",
        "2013-04-01T12:00Z",
        "2013-04-01T14:00:00+0200",
        "2013-04-01T14:00:00+02",
        "2013-04-01T07:00:00-05:00",
        "20130401T120000Z",
        "2013-04-01T12:00:00",
        "2016-02-29T12:00:00Z",
    ],
)
def test_iso8601_timestamps_are_accepted(timestamp):
    # Data 4.5: ISO 8601, extended or basic; the time zone is a SHOULD*, not a MUST
    assert is_timestamp(timestamp)


@pytest.mark.parametrize(
    "timestamp",
    [
        "should fail",
        "01/011/2015",
        "2008-09-15T15:53:00.601-00",
        "2008-09-15T15:53:00.601-0000",
        "2008-09-15T15:53:00.601-00:00",
        "2013-04-01",
        "2013-04-01 12:00:00Z",
        "2013-04-01t12:00:00z",
        "2013-13-01T12:00:00Z",
        "2015-02-29T12:00:00Z",
        "2013-04-01T25:00:00Z",
        "2013-04-01T12:00:00+01:75",
        "20130401T12:00:00Z",
        "2013-04-01T12:00:00.Z",
        "\u0662\u0660\u0661\u0663-04-01T12:00:00Z",  # Arabic-Indic digits
    ],
)
def test_malformed_timestamps_are_rejected(timestamp):
    # Data 4.5: ISO 8601; a zero offset is written "+", never "-00:00" (conformance suite)
    assert not is_timestamp(timestamp)


@pytest.mark.parametrize(
    "duration", ["PT4H35M59.14S", "PT16559.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "P0D", "PT0,5S"]
)
def test_iso8601_durations_are_accepted(duration):
    # Data 4.6 Examples
    assert is_duration(duration)


@pytest.mark.parametrize(
    "duration", ["P4W1D", "P", "PT", "P1DT", "P1.5Y2M", "P0003-01-29T04:35:59", "PT1S1M", "PT\u0663S"]
)
def test_malformed_durations_are_rejected(duration):
    # Data 4.6: 4.4.3.2 format only; weeks alone; decimals in the last component only
    assert not is_duration(duration)


def test_language_map_errors_name_the_key():
    # Data 4.2: a language map's keys are tags and its values strings
    verb = {"id": factories.VERB_ATTENDED, "display": {"en-US": "attended", "english_uk": 3}}
    assert found(validate_statement(factories.statement(verb=verb))) == {
        ("verb.display.english_uk", "type"),
        ("verb.display.english_uk", "language-tag"),
    }


def test_extension_values_are_never_checked():
    # Data 4.1: an LRS MUST NOT reject a Statement based on the values of the extensions map
    extensions = {"http://example.com/ex": {"objectType": "agent", "mbox": None, "Weird Key": [None]}}
    statement = factories.statement()
    statement["context"]["extensions"] = extensions
    assert validate_statement(statement) == []
