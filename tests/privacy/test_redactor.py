"""The erasure rule on statements, without a store (issue 19 point 3): which statements are
hidden, and where an erased person is replaced by the anonymous Agent (Data 2.4)."""

from __future__ import annotations

from typing import Any

from lrs.privacy.erasure import ERASED_AGENT, ERASED_GROUP, Redactor
from lrs.privacy.keys import PersonKeyring
from tests.factories import agent, statement, substatement, voiding

ADA = agent("Ada Mentee", "ada@example.com")
BOB = agent("Bob Mentee", "bob@example.com")
RING = PersonKeyring(bytes(range(32)), hash_key=bytes(range(32, 64)))
REDACTOR = Redactor(RING, db=None)  # type: ignore[arg-type]
ERASED = frozenset({RING.person_id(ADA)})


def shown(*statements: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for _, s in REDACTOR.apply(list(enumerate(statements)), ERASED)[0]]


def test_the_erased_persons_statements_are_hidden_as_actor_or_agent_object() -> None:
    assert shown(statement(actor=ADA)) == []
    assert shown(statement(actor=BOB, object=ADA)) == []
    assert shown(statement(actor={"objectType": "Agent", "account": ERASED_AGENT["account"]})) == []


def test_a_voiding_statement_of_theirs_is_kept_with_its_actor_anonymised() -> None:
    # Data 2.3.2: what it voided stays voided
    (kept,) = shown(voiding("5e3f7c2a-1d5b-4b8e-9f1a-2c3d4e5f6a7b", actor=ADA))
    assert kept["actor"] == ERASED_AGENT


def test_elsewhere_the_person_becomes_the_anonymous_agent() -> None:
    team = {"objectType": "Group", "member": [BOB, ADA]}
    identified = {"objectType": "Group", "mbox": "mailto:ada@example.com"}
    original = statement(actor=BOB, authority=ADA, context={
        "instructor": ADA, "team": team,
        "contextAgents": [{"objectType": "contextAgent", "agent": ADA}],
        "contextGroups": [{"objectType": "contextGroup", "group": identified}]})
    (kept,) = shown(original)
    assert kept["authority"] == ERASED_AGENT and kept["context"]["instructor"] == ERASED_AGENT
    assert kept["context"]["team"]["member"] == [BOB, ERASED_AGENT]
    assert kept["context"]["contextAgents"][0]["agent"] == ERASED_AGENT
    assert kept["context"]["contextGroups"][0]["group"] == ERASED_GROUP
    assert kept["actor"] == BOB and original["context"]["instructor"] == ADA  # the stored one untouched


def test_inside_a_substatement_the_person_is_anonymised_not_hidden() -> None:
    sub = substatement(actor=ADA)
    (kept,) = shown(statement(actor=BOB, object=sub))
    assert kept["object"]["actor"] == ERASED_AGENT


def test_a_statement_naming_nobody_erased_is_the_same_object() -> None:
    untouched = statement(actor=BOB)
    assert REDACTOR.apply([(1, untouched)], ERASED) == ([(1, untouched)], 0, 0)
