"""Statements of one version read under the other (notes item 9) and format=ids (item 20)."""

from __future__ import annotations

import copy
from typing import Any

from tests import factories as f
from xapi.formats import for_version, format_statement
from xapi.identifiers import statement_index_keys
from xapi.versions import V1_0_3, V2_0_0

MENTOR = f.agent("Grace Mentor")
CIRCLE = f.group(members=[f.agent("Alan Peer"), f.agent("Joan Peer")])
ROLE = "https://lrs.example.org/types/mentor"


def stored_2_0(**overrides: Any) -> dict[str, Any]:
    statement = f.statement(version="2.0.0", **overrides)
    statement["context"]["contextAgents"] = [
        {"objectType": "contextAgent", "agent": MENTOR, "relevantTypes": [ROLE]}
    ]
    statement["context"]["contextGroups"] = [{"objectType": "contextGroup", "group": CIRCLE}]
    return statement


def test_for_version_1_0_3_drops_context_agents_and_groups():
    """Strict mode (notes item 9, [LRSQL] convert-200-to-103): what 1.0.3 does not define goes."""
    converted = for_version(stored_2_0(), V1_0_3)
    assert "contextAgents" not in converted["context"]
    assert "contextGroups" not in converted["context"]
    assert converted["context"]["instructor"] == f.agent("Grace Mentor")


def test_for_version_1_0_3_drops_them_from_a_substatement():
    sub = f.substatement(context={"contextAgents": [{"objectType": "contextAgent", "agent": MENTOR}]})
    converted = for_version(f.statement(version="2.0.0", object=sub), V1_0_3)
    assert "context" not in converted["object"]


def test_for_version_1_0_3_rewrites_version_2_0_0_to_1_0_0():
    """Data 2.4.10: a 1.0.3 client expects a version starting with "1.0."."""
    assert for_version(stored_2_0(), V1_0_3)["version"] == "1.0.0"


def test_for_version_1_0_3_keeps_a_1_0_x_statement_as_stored():
    statement = f.statement(version="1.0.3")
    assert for_version(statement, V1_0_3) is statement


def test_for_version_2_0_keeps_every_statement_as_stored():
    """A 1.0.3 statement is a valid 2.0 statement; a 2.0 one is read as stored."""
    for statement in (f.statement(version="1.0.0"), stored_2_0()):
        assert for_version(statement, V2_0_0) is statement


def test_for_version_does_not_change_the_stored_statement():
    statement = stored_2_0(object=f.substatement(context={"contextGroups": [
        {"objectType": "contextGroup", "group": CIRCLE}]}))
    del statement["context"]["platform"]
    before = copy.deepcopy(statement)
    for_version(statement, V1_0_3)
    assert statement == before


def test_format_ids_reduces_context_agents_and_groups():
    """Communication 2.1.3 format=ids: Agents and Groups keep only what identifies them,
    the 2.0 context agents and groups too (9274.1.1 4.2.2.5)."""
    ids = format_statement(stored_2_0(), "ids")
    assert ids["context"]["contextAgents"] == [
        {"objectType": "contextAgent", "agent": {"objectType": "Agent", "mbox": MENTOR["mbox"]},
         "relevantTypes": [ROLE]}
    ]
    group = ids["context"]["contextGroups"][0]["group"]
    assert group == {"objectType": "Group", "member": [
        {"objectType": "Agent", "mbox": m["mbox"]} for m in CIRCLE["member"]]}


def test_format_ids_reduces_verbs_to_their_id():
    """Notes item 20 (CTS XAPI-00171, re-enabled in 2.0): a Verb keeps only its id."""
    assert format_statement(stored_2_0(), "ids")["verb"] == {"id": f.VERB_ATTENDED}


def test_related_agents_keys_include_context_agents_and_groups():
    """9274.1.1 4.1.6.1 related_agents (notes item 22): contextAgents[].agent and
    contextGroups[].group, with its members, are related agents."""
    keys = statement_index_keys(stored_2_0())
    for agent in (MENTOR, *CIRCLE["member"]):
        assert "mbox:" + agent["mbox"] in keys.related_agents
        assert "mbox:" + agent["mbox"] not in keys.agents


def test_related_agents_keys_include_context_agents_of_a_substatement():
    peer = f.agent("Alan Peer")
    sub = f.substatement(context={"contextAgents": [{"objectType": "contextAgent", "agent": peer}]})
    keys = statement_index_keys(f.statement(object=sub))
    assert "mbox:" + peer["mbox"] in keys.related_agents
    assert "mbox:" + peer["mbox"] not in keys.agents


def test_equivalence_under_2_0_ignores_the_version():
    """9274.1.1 4.2 Statement Immutability lists ``version`` among what the LRS may assign:
    one statement stored as 1.0.0 (under 1.0.3) and re-sent as 2.0.0 is the same statement."""
    from xapi.equivalence import statements_equivalent

    stored = f.statement(version="1.0.0")
    again = {**stored, "version": "2.0.0"}
    assert statements_equivalent(stored, again, V2_0_0)
    assert not statements_equivalent(stored, again, V1_0_3)
    assert not statements_equivalent(stored, again)
