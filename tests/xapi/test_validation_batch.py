"""Batches of Statements (Communication 2.1.2) checked with Data 2.x rules."""

from __future__ import annotations

from tests import factories
from tests.xapi.support import found
from xapi.errors import FieldError
from xapi.validation import validate_statements


def test_empty_batch_is_valid():
    # Communication 2.1.2: an array of Statements (possibly empty)
    assert validate_statements([]) == []


def test_single_statement_payload_is_validated():
    # Communication 2.1.2: a single Statement object
    assert validate_statements(factories.statement()) == []


def test_single_statement_errors_have_no_index():
    # Communication 2.1.2
    statement = factories.statement(timestamp="noon")
    assert found(validate_statements(statement)) == {("timestamp", "iso8601-timestamp")}


def test_batch_of_valid_statements_is_valid():
    # Communication 2.1.2
    assert validate_statements([factories.statement() for _ in range(3)]) == []


def test_batch_error_paths_start_with_the_statement_index():
    # Style: paths like "[2].actor.mbox"
    batch = [factories.statement() for _ in range(3)]
    batch[2]["actor"]["mbox"] = "ada@example.org"
    assert found(validate_statements(batch)) == {("[2].actor.mbox", "mbox-mailto-iri")}


def test_batch_reports_errors_of_every_statement():
    # Communication 3.2 / Data 2.2: every error, not only the first
    batch = [factories.statement(), factories.statement(verb=None), factories.statement(version="1.1.0")]
    assert found(validate_statements(batch)) == {
        ("[1].verb", "null-value"),
        ("[2].version", "statement-version"),
    }


def test_batch_item_must_be_an_object():
    # Data 2.4: each Statement is a JSON object
    assert found(validate_statements([factories.statement(), "statement"])) == {("[1]", "type")}


def test_payload_must_be_an_object_or_an_array():
    # Communication 2.1.2: a Statement or an array of Statements
    assert validate_statements("statement") == [
        FieldError("", "type", "must be a Statement object or an array of Statements")
    ]


def test_null_payload_is_rejected():
    # Data 2.2: null values
    assert found(validate_statements(None)) == {("", "type")}


def test_batch_with_a_repeated_id_is_rejected():
    # Communication 2.1.2: a batch with two Statements of the same id SHOULD* be rejected
    first = factories.statement()
    batch = [first, factories.statement(), factories.statement(id=first["id"].upper())]
    assert found(validate_statements(batch)) == {("[2].id", "duplicate-statement-id")}


def test_batch_of_voiding_and_voided_statements_is_valid():
    # Data 2.3.2: a batch may void a Statement it also contains
    target = factories.statement()
    assert validate_statements([target, factories.voiding(target["id"])]) == []
