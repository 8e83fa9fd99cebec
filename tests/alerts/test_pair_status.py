"""The alerts judge a pair as the dashboard's program page does (issue 21 points 4 and 8):
`projections.pair_status` against `Reader.program`'s table, day by day, on both stores."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from lrs.api.dashboard.data import Reader
from lrs.api.dashboard.dates import DateRange
from projections.pair_status import program_pair_statuses
from tests.projections import factories as f
from tests.projections.scenario import statements
from tests.projections.support import post, us
from xapi.prepare import parse_timestamp


def test_each_pairs_status_is_the_dashboards_every_day(app: Any, client: Any, project: Any) -> None:
    post(client, *statements().values())
    project()
    services = app.extensions["lrs"]
    reader = Reader(services.store.db, services.view_settings)
    seen = set()
    start = parse_timestamp("2026-01-06T12:00:00Z")
    for days in range(0, 80, 3):
        at = start + timedelta(days=days)
        at_us = us(at.isoformat().replace("+00:00", "Z"))
        page = reader.program(f.PROGRAM, DateRange(), at_us=at_us)
        assert page is not None
        dashboard = {(p["mentor"], p["mentee"]): (p["status"], p["reasons"]) for p in page["pair_rows"]}
        with services.store.db.read() as cur:
            alerts = {(p.mentor, p.mentee): (p.status, list(p.reasons))
                      for p in program_pair_statuses(cur, f.PROGRAM, at_us=at_us, settings=services.view_settings)}
        assert alerts == dashboard, at
        seen |= {status for status, _ in alerts.values()}
    assert seen == {"on_track", "at_risk", "inactive"}
