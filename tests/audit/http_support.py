"""HTTP helpers of the audit tests."""

from __future__ import annotations

from typing import Any

import orjson

from tests import factories
from tests.http.document_support import STATE, post_json, put_json, state_params
from tests.http.support import post_statements

EVENTS = "/audit/events"
ADA = factories.agent()
GRACE = factories.agent("Grace Mentor", "grace.mentor@example.org")


def auditor(make_client: Any) -> Any:
    return make_client(("audit/read",))


def feed(client: Any, **params: Any) -> list[dict[str, Any]]:
    """GET /audit/events; the NDJSON lines, parsed (asserting 200)."""
    query = {k: orjson.dumps(v).decode() if isinstance(v, dict) else str(v) for k, v in params.items()}
    response = client.get(EVENTS, query_string=query)
    assert response.status_code == 200, response.data
    return [orjson.loads(line) for line in response.data.splitlines() if line.strip()]


def a_history(client: Any) -> dict[str, str]:
    """Statements by Ada and Grace, a State document of Ada's written three ways,
    and a voiding statement: one event of every type."""
    ada, grace = post_statements(client, factories.statement(actor=ADA),
                                 factories.statement(actor=GRACE, object=factories.activity("goals/1")))
    put_json(client, STATE, state_params(), {"slide": 1})
    post_json(client, STATE, state_params(), {"note": "ok"})
    put_json(client, STATE, state_params(), {"slide": 2})
    assert client.request("DELETE", STATE, query_string=state_params()).status_code == 204
    [voiding] = post_statements(client, factories.voiding(grace))
    return {"ada": ada, "grace": grace, "voiding": voiding}
