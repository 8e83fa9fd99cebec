"""GET /statements with filters: a StatementResult (Communication 2.1.3, Data 2.5)."""

from __future__ import annotations

import uuid
from typing import Any

from tests import factories as f
from tests.http.support import (
    PUBLIC_URL,
    credential_key,
    ids_of,
    post_apart,
    post_statements,
    query,
    query_ids,
    stored_statement,
)

ADA = f.agent()
GRACE = f.agent("Grace Mentor")
LINUS = f.agent("Linus Mentee")
SESSION = "https://lrs.example.org/activities/sessions/2026-11-03"


def test_statements_query_format_canonical_gives_one_definition_per_activity(client):
    # Communication 2.1.3 format=canonical: "the canonical definition of the Activity Objects ...
    # as determined by the LRS"; Data 2.4.4.1: the same id is never different Activities
    first = f.statement()
    renamed = f.statement()
    renamed["object"]["definition"]["name"] = {"en-US": "Mentoring session (90 min)"}
    post_apart(client, first, renamed)
    result = query(client, headers={"Accept-Language": "en-US"}, format="canonical")
    names = [s["object"]["definition"]["name"] for s in result["statements"]]
    assert names[0] == names[1]
