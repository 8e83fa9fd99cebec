"""The statement query index is derived: dropped and rebuilt from the events alone,
it gives identical answers."""

from __future__ import annotations

from typing import Any

from lrs.services import Services
from lrs.store.rebuilds import rebuild_statement_views
from projections import statement_index
from projections.statement_index import Filter
from tests import factories
from xapi.identifiers import agent_key
from xapi.versions import V1_0_3

AUTHORITY = {"objectType": "Agent", "account": {"homePage": "http://lrs.test", "name": "provider"}}


def _history(services: Services) -> dict[str, Any]:
    """A small history with voiding, a late target and StatementRefs."""
    ada, grace = factories.agent("Ada Mentee"), factories.agent("Grace Mentor")
    session = factories.statement(actor=ada)
    goal = factories.statement(actor=grace, verb={"id": factories.VERB_COMPLETED})
    mistake = factories.statement(actor=ada)
    late_target_id = "9b0f0d0e-2c55-4d7a-9a57-1f6c8f2b7a11"
    ref_to_late = factories.statement(
        actor=grace, object={"objectType": "StatementRef", "id": late_target_id}
    )
    late_target = factories.statement(id=late_target_id, actor=ada)
    record = services.store.record_statements
    record([session, goal, mistake], authority=AUTHORITY, version=V1_0_3)
    record([factories.voiding(mistake["id"]), ref_to_late], authority=AUTHORITY, version=V1_0_3)
    record([late_target], authority=AUTHORITY, version=V1_0_3)
    return {"ada": agent_key(ada), "grace": agent_key(grace)}


def _answers(services: Services, keys: dict[str, Any]) -> list[list[int]]:
    filters = [
        Filter(limit=100),
        Filter(agent=keys["ada"], limit=100),
        Filter(agent=keys["grace"], related_agents=True, limit=100),
        Filter(verb=factories.VERB_ATTENDED, limit=100),
        Filter(activity="https://lrs.example.org/activities/sessions/2026-11-03", limit=100),
        Filter(activity=factories.PROGRAM, related_activities=True, ascending=True, limit=100),
    ]
    return [find(services, f) for f in filters]


def find(services: Services, f: Filter) -> list[int]:
    """The index's own answer (positions), read as the store's queries read it."""
    with services.store.db.read() as cur:
        return statement_index.find_positions(cur, f)


def test_rebuilt_index_answers_every_query_identically(services: Services) -> None:
    keys = _history(services)
    before = _answers(services, keys)
    with services.store.db.transaction(commit=True) as cur:
        statement_index.clear(cur)
    assert find(services, Filter(limit=100)) == []
    assert rebuild_statement_views(services.store) == 6
    assert _answers(services, keys) == before


def test_rebuilt_index_keeps_voided_statements_out_of_queries(services: Services) -> None:
    _history(services)
    rebuild_statement_views(services.store)
    statements = services.store.event_log.statements_at(find(services, Filter(limit=100)))
    voided = [s for s in statements if s["verb"]["id"] == factories.VERB_VOIDED]
    assert len(voided) == 1
    assert voided[0]["object"]["id"] not in {s["id"] for s in statements}
