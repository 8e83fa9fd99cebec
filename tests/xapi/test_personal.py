"""Which values of a statement are personal, and whose (issue 19 point 1): split and merge."""

from __future__ import annotations

import json
from typing import Any

from tests import factories as f
from xapi.personal import ANONYMOUS_ACCOUNT, merge, split

COMMENT_EXT = "https://lrs.example.org/extensions/private-note"
PUBLIC_EXT = "https://lrs.example.org/extensions/duration-band"


def rich_statement() -> dict[str, Any]:
    """Every place a person can be named (Data 2.4.2, 2.4.4, 2.4.6; 9274.1.1 4.2.2.5)."""
    statement = f.statement(
        actor=f.agent("Ada Mentee"),
        object=f.group("Cohort 7", [f.agent("Grace Member"), f.account_agent("linus-7")]),
        result={"response": "I will listen more", "success": True,
                "extensions": {COMMENT_EXT: {"text": "tired"}, PUBLIC_EXT: 3}},
        context={
            "instructor": f.agent("Mia Mentor"),
            "team": {"objectType": "Group", "name": "Blue", "mbox": "mailto:blue@example.org",
                     "member": [f.agent("Ada Mentee")]},
            "contextAgents": [{"objectType": "contextAgent", "agent": f.agent("Ola Observer"),
                               "relevantTypes": ["https://lrs.example.org/types/observer"]}],
            "contextGroups": [{"objectType": "contextGroup",
                               "group": {"objectType": "Group", "member": [f.agent("Pia Peer")]}}],
            "extensions": {COMMENT_EXT: "secret-remark", PUBLIC_EXT: None},
        },
        authority=f.account_agent("lms-client", "https://lrs.example.org"),
    )
    return statement


def text_of(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def values_of(shares: list[Any]) -> str:
    return text_of([s.values for s in shares])


def test_round_trip_is_identical_in_content_and_key_order() -> None:
    statement = rich_statement()
    skeleton, shares = split(statement, frozenset({COMMENT_EXT}))
    back = merge(skeleton, [(s.paths, s.values) for s in shares])
    assert back == statement
    assert json.dumps(back) == json.dumps(statement)  # key order kept too


def test_the_skeleton_holds_no_identifier_name_response_or_personal_extension() -> None:
    statement = rich_statement()
    skeleton, shares = split(statement, frozenset({COMMENT_EXT}))
    text = text_of(skeleton)
    for secret in ("ada.mentee", "Ada Mentee", "Grace", "linus-7", "Mia", "blue@", "Ola", "Pia",
                   "lms-client", "listen more", "tired", "secret-remark"):
        assert secret not in text
        assert secret in values_of(shares)
    # Not personal: an anonymous Group's name, non-personal extensions, the rest.
    assert "Cohort 7" in text  # an anonymous Group's name is nobody's
    assert PUBLIC_EXT in text and skeleton["result"]["success"] is True


def test_an_anonymous_groups_name_stays_in_the_skeleton() -> None:
    statement = f.statement(context={"team": {"objectType": "Group", "name": "Blue",
                                              "member": [f.agent("Ada Mentee")]}})
    skeleton, _ = split(statement)
    assert skeleton["context"]["team"]["name"] == "Blue"


def test_one_share_per_person_with_all_their_places() -> None:
    statement = rich_statement()
    _, shares = split(statement, frozenset({COMMENT_EXT}))
    ada = next(s for s in shares if s.key == "mbox:mailto:ada.mentee@example.org")
    assert ada.agent == {"mbox": "mailto:ada.mentee@example.org"}
    assert ("actor", "mbox") in ada.paths
    assert ("context", "team", "member", 0, "mbox") in ada.paths
    assert ("result", "response") in ada.paths
    assert ("context", "extensions", COMMENT_EXT) in ada.paths
    assert len({s.key for s in shares}) == len(shares) == 8


def test_a_substatement_actor_owns_its_response() -> None:
    # Data 2.4.4.3: a SubStatement has its own actor, object, result, context.
    sub = f.substatement(result={"response": "sub answer"})
    statement = f.statement(object=sub)
    skeleton, shares = split(statement)
    sub_actor = next(s for s in shares if ("object", "actor", "mbox") in s.paths)
    assert ("object", "result", "response") in sub_actor.paths
    assert "sub answer" not in text_of(skeleton)
    assert merge(skeleton, [(s.paths, s.values) for s in shares]) == statement


def test_an_erased_instructor_becomes_the_anonymous_agent() -> None:
    statement = rich_statement()
    skeleton, shares = split(statement, frozenset({COMMENT_EXT}))
    merged = merge(skeleton, [(s.paths, None if "Mia" in text_of(s.values) else s.values)
                              for s in shares])
    assert merged["context"]["instructor"] == {"objectType": "Agent", "account": ANONYMOUS_ACCOUNT}
    assert merged["actor"] == statement["actor"]


def test_an_erased_actor_loses_response_and_personal_extensions() -> None:
    statement = rich_statement()
    skeleton, shares = split(statement, frozenset({COMMENT_EXT}))
    merged = merge(skeleton, [(s.paths, None if s.key.startswith("mbox:mailto:ada") else s.values)
                              for s in shares])
    assert merged["actor"] == {"objectType": "Agent", "account": ANONYMOUS_ACCOUNT}
    assert "response" not in merged["result"]
    assert COMMENT_EXT not in merged["result"]["extensions"]
    assert COMMENT_EXT not in merged["context"]["extensions"]
    assert merged["context"]["team"]["member"] == [{"objectType": "Agent", "account": ANONYMOUS_ACCOUNT}]
    assert "Ada" not in text_of(merged) and "listen" not in text_of(merged)


def test_split_does_not_change_its_input() -> None:
    statement = rich_statement()
    before = text_of(statement)
    split(statement, frozenset({COMMENT_EXT}))
    assert text_of(statement) == before
