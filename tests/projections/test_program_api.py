"""The program endpoints of the coordinator API over HTTP (issue 22 items 2, 4, 5, 7 and
"Bad input"): matching, engagement, outcomes and profile issues of a hand-computed
scenario, in JSON and CSV, in the OpenAPI document, with 400 and 404 as elsewhere."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.projections import factories as f
from tests.projections import program_factories as p
from tests.projections.support import post

AT = "2026-03-01T00:00:00Z"
CARL, DAVE, EVE, FRED = (f.person(n) for n in ("Carl Mentee", "Dave Mentee", "Eve Mentee", "Fred Other"))
ADA, BOB, GRACE, ALAN = f.key(f.ADA), f.key(f.BOB), f.key(f.GRACE), f.key(f.ALAN)
VIDEO = "https://lrs.example.org/videos/listening"


def scenario() -> list[dict[str, Any]]:
    """Grace (seniority 4) manages Ada; Alan (3) already mentors Eve; Dave (5) is more senior
    than every mentor of this conventional program."""
    people = [(f.GRACE, "mentor", 4), (f.ALAN, "mentor", 3), (f.ADA, "mentee", 1), (f.BOB, "mentee", 1),
              (CARL, "mentee", 2), (DAVE, "mentee", 5), (EVE, "mentee", 1)]
    found = [f.enrolment(who, role) for who, role, _ in people]
    found += [p.holds_role(who, "staff", seniority) for who, _, seniority in people]
    found += [
        p.reports_to(f.ADA, f.GRACE), p.capacity(f.GRACE, 2), p.capacity(f.ALAN, 2),
        f.pairing(f.ALAN, EVE, "2026-01-10T10:00:00Z"),
        p.requires(f.program_activity(), "listening", 3), p.requires(f.program_activity(), "coding", 2),
        p.assessed(f.GRACE, f.ADA, "listening", 0), p.assessed(f.ALAN, f.BOB, "coding", 0),
        p.assessed(f.ALAN, CARL, "listening", 1), p.assessed(f.ALAN, f.GRACE, "listening", 4),
        p.claimed(f.GRACE, "coding", 1), p.claimed(f.ALAN, "coding", 4),
        p.ranked(f.ADA, [f.GRACE]), p.ranked(f.BOB, [f.ALAN, f.GRACE]), p.shortlisted(f.ALAN, [f.BOB]),
        # engagement
        p.shared(f.GRACE, {"objectType": "Group", "member": [f.ADA, f.BOB, CARL]}),
        p.delivered(f.ADA), p.delivered(f.BOB), f.video_started(f.ADA, "listening", "2026-01-06T10:00:00Z"),
        f.video_completed(f.ADA, "listening", "2026-01-06T10:10:00Z"),
        # outcomes: Eve before and after her pairing; Fred, in no pair, before and after the program's start
        p.measured(EVE, 3.0, "2026-01-01T00:00:00Z", reporter=p.HR), p.measured(EVE, 4.0, "2026-02-01T00:00:00Z"),
        p.measured(FRED, 3.5, "2026-01-01T00:00:00Z"), p.measured(FRED, 3.6, "2026-02-01T00:00:00Z"),
    ]
    comment = p.timeline_comment(f.ADA, 42, mentions=[f.GRACE])
    found += [comment, p.timeline_comment(f.GRACE, None, reply_to=comment["id"], timestamp="2026-01-07T10:00:00Z"),
              p.timeline_comment(f.BOB, 95, timestamp="2026-01-08T10:00:00Z")]
    # almost-profile statements: stored, no fact, listed as issues
    found += [p.capacity(f.ALAN, 0, "2026-01-05T00:00:00Z"), p.ranked(CARL, [f.ADA]), p.claimed(f.ADA, "coding", 7)]
    return found


@pytest.fixture
def coordinator(client: Any, project: Any, make_client: Any) -> Any:
    post(client, *scenario())
    project()
    http = make_client(("coordinator/read",))

    def get(path: str, accept: str = "application/json", **params: str) -> Any:
        response = http.get(f"/coordinator/{path}", query_string={"program": f.PROGRAM, "at": AT, **params},
                            headers={"Accept": accept})
        return response

    return get


def body(response: Any) -> Any:
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def key(agent: dict[str, Any]) -> str:
    return "mbox:" + agent["mbox"]


def test_matching_never_pairs_a_manager_and_matches_the_most_mentees(coordinator: Any) -> None:
    """Item 2: Grace manages Ada, so Ada gets Alan's last place; Bob and Carl share Grace's two
    places (matching all three beats giving Bob his mutual first choice); Dave, more senior than
    every mentor of a conventional program, is unmatched with the reason."""
    found = body(coordinator("matching"))
    pairs = {(key(s["mentor"]), key(s["mentee"])) for s in found["suggestions"]}
    assert pairs == {(ALAN, ADA), (GRACE, BOB), (GRACE, f.key(CARL))}
    assert [(key(u["agent"]), "direction" in u["reason"]) for u in found["unmatched"]] == [(f.key(DAVE), True)]
    bob = next(s for s in found["suggestions"] if key(s["mentee"]) == BOB)
    assert (bob["mentee_rank"], bob["mentor_rank"], bob["mutual"]) == (2, None, False)
    assert bob["covers"][0] == {"competency": "https://lrs.example.org/competencies/listening", "gap": 3,
                                "mentor_level": 4, "covered": 3}
    assert bob["score"] == 3 * 3 + 1 * 2 + 2 * 2
    ada = next(s for s in found["suggestions"] if key(s["mentee"]) == ADA)
    assert [key(m) for m in ada["constraints"]["managers_checked"]] == [GRACE]
    assert ada["constraints"]["mentees_before"] == 1 and ada["constraints"]["capacity"] == 2
    assert "not the mentee's manager" in ada["explanation"]


def test_matching_is_the_same_for_the_same_log_position(coordinator: Any) -> None:
    assert body(coordinator("matching")) == body(coordinator("matching"))


def test_profile_issues_list_each_almost_profile_statement_with_its_rule(coordinator: Any) -> None:
    """"Bad input": a capacity that is not a positive integer, a ranking naming a non-mentor,
    a level outside 0..4 (about a member, with no program) are listed; none made a fact."""
    rules = sorted(i["rule"] for i in body(coordinator("profile-issues"))["issues"])
    assert rules == ["capacity", "level", "ranking-not-mentor"]
    carl = next(s for s in body(coordinator("matching"))["suggestions"] if key(s["mentee"]) == f.key(CARL))
    assert carl["mentee_rank"] is None, "the ignored ranking counts for nothing"


def test_funnel_counts_the_audience_through_delivery_start_and_completion(coordinator: Any) -> None:
    """Item 4: of the three people the video was shared to, two received it, one started and
    completed it."""
    (video,) = body(coordinator("engagement/funnel"))["content"]
    assert video == {"content": VIDEO, "shares": 1, "shared_to": 3, "delivered": 2, "started": 1, "completed": 1}


def test_timeline_places_a_reply_without_time_at_its_comment(coordinator: Any) -> None:
    buckets = body(coordinator("engagement/timeline"))["buckets"]
    assert [(b["start_seconds"], b["comments"], b["replies"]) for b in buckets] == [(30.0, 1, 1), (90.0, 1, 0)]
    narrow = body(coordinator("engagement/timeline", width="10"))["buckets"]
    assert [b["start_seconds"] for b in narrow] == [40.0, 90.0]


def test_mentions_and_discussion(coordinator: Any) -> None:
    (mention,) = body(coordinator("engagement/mentions"))["mentions"]
    assert (key(mention["actor"]), key(mention["mentioned"]), mention["count"]) == (ADA, GRACE, 1)
    assert mention["mentioned"]["name"] == "Grace Mentor"
    (talk,) = body(coordinator("engagement/discussion"))["content"]
    assert talk == {"content": VIDEO, "comments": 2, "replies": 1, "participants": 3, "mentions": 1}


def test_outcomes_before_and_after_beside_a_comparison_group(coordinator: Any) -> None:
    """Item 5: Eve (mentored since 10 January) 3.0 before, 4.0 after; Fred (in no pair) 3.5
    before the program's start, 3.6 after; with the counts behind each mean."""
    found = body(coordinator("outcomes"))
    rows = {o["group"]: o for o in found["outcomes"]}
    assert set(rows) == {"mentored", "cohort 2026-01", "comparison"}
    assert (rows["mentored"]["before_mean"], rows["mentored"]["after_mean"], rows["mentored"]["change"]) == (
        3.0, 4.0, 1.0)
    assert rows["comparison"]["change"] == pytest.approx(0.1)
    assert (rows["comparison"]["before_measurements"], rows["comparison"]["people"]) == (1, 1)
    assert found["program_start"].startswith("2026-01-10T10:00:00")
    person = body(coordinator("outcomes/person", agent=json.dumps(EVE)))
    assert [m["value"] for m in person["measurements"]] == [3.0, 4.0]
    assert person["measurements"][0]["reporter"]["name"] == "HR system"


def test_gaps_answer_csv_one_row_per_person_and_competency(coordinator: Any) -> None:
    response = coordinator("gaps", accept="text/csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    ada = [r for r in rows if r["agent"] == ADA]
    assert [(r["competency"].rsplit("/", 1)[1], r["gap"]) for r in ada] == [("listening", "3"), ("coding", "2")]


def test_every_program_endpoint_is_in_the_openapi_document(coordinator: Any, client: Any) -> None:
    """Item 7: the document is generated from the same schemas the answers are dumped with."""
    document = client.get("/coordinator/openapi.json").get_json()
    for path in ("matching", "gaps", "gaps/groups", "reinforcement", "engagement/funnel", "engagement/timeline",
                 "engagement/mentions", "engagement/discussion", "outcomes", "outcomes/person", "profile-issues"):
        assert f"/coordinator/{path}" in document["paths"], path
    assert "Suggestion" in document["components"]["schemas"]


def test_bad_width_is_a_400_naming_the_parameter(coordinator: Any) -> None:
    response = coordinator("engagement/timeline", width="0")
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["path"] == "width"


def test_unknown_program_is_a_404(coordinator: Any) -> None:
    assert coordinator("matching", program="https://lrs.example.org/programs/none").status_code == 404
