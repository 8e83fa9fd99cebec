"""The programs view, read through the coordinator API, against the simulator's ground
truth of the program additions (issue 22 item 6): gaps, reinforcement, matching (every
suggestion checked against the constraints, and as many mentees matched as can be),
engagement, outcomes and profile issues, on each store; with the mistakes and their
voiding statements posted first, too."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.simulate import Simulation, post_all, simulate
from tests.simulate.coordinator import ifi, same
from tests.simulate.test_views_match_ground_truth import CONFIG


@pytest.fixture(scope="module")
def history() -> Simulation:
    return simulate(CONFIG)


@pytest.fixture(scope="module")
def truth(history: Simulation) -> dict[str, Any]:
    return history.additions_truth()


@pytest.fixture
def get(make_client: Any) -> Any:
    http = make_client(("coordinator/read",))

    def read(path: str, **params: str) -> Any:
        response = http.get(f"/coordinator/{path}", query_string=params, headers={"Accept": "application/json"})
        assert response.status_code == 200, (path, params, response.get_data(as_text=True))
        return response.get_json()

    return read


def _post(client: Any, statements: list[dict[str, Any]]) -> None:
    def transport(batch: list[dict[str, Any]]) -> None:
        response = client.post("/xapi/statements", json=batch)
        assert response.status_code == 200, response.get_data(as_text=True)

    post_all(statements, transport, batch_size=100)


def problems(get: Any, history: Simulation, truth: dict[str, Any], as_of: int | None = None) -> list[str]:
    found: list[str] = []
    at = truth["at"]
    since = history.config.since.isoformat()
    pinned = {} if as_of is None else {"as_of": str(as_of)}
    for program in truth["programs"]:
        pid, name = program["id"], program["id"].rsplit("/", 1)[1]
        state = {"program": pid, "at": at, **pinned}
        ranged = {**state, "since": since, "until": at}

        gaps = {(ifi(g["agent"]), g["competency"]): [g["target"], g["evidenced"], g["claimed"], g["gap"]]
                for g in get("gaps", **state)["gaps"]}
        expected = {(p, c): v for p, cs in program["gaps"].items() for c, v in cs.items()}
        if gaps != expected:
            found.append(f"{name} gaps: {sorted(set(gaps.items()) ^ set(expected.items()))[:6]}")

        groups = {(f"program {g['competency']}" if g["kind"] == "program" else
                   f"{g['kind']} {g['group']} {g['competency']}"): [
                       g["people"], g["with_gap"], g["mean_target"], g["mean_evidenced"], g["mean_gap"]]
                  for g in get("gaps/groups", **state)["groups"]}
        if set(groups) != set(program["groups"]) or any(
                not all(same(x, y, "mean") for x, y in zip(program["groups"][k], v, strict=True))
                for k, v in groups.items()):
            found.append(f"{name} group gaps differ: {sorted(set(groups) ^ set(program['groups']))[:4]}")

        due = [(ifi(d["agent"]), d["competency"], d["streak"], d["interval_days"], d["due"])
               for d in get("reinforcement", **state)["due"]]
        wanted = [(d["person"], d["competency"], d["streak"], d["interval_days"], d["due"]) for d in program["due"]]
        if len(due) != len(wanted) or not all(
                a[:4] == b[:4] and same(b[4], a[4], "last_session") for a, b in zip(due, wanted, strict=False)):
            found.append(f"{name} reinforcement: {due} != {wanted}")

        found += _matching(name, get("matching", **state), program["matching"])

        funnel = {f["content"]: {k: v for k, v in f.items() if k != "content"}
                  for f in get("engagement/funnel", **ranged)["content"]}
        if funnel != program["funnel"]:
            found.append(f"{name} funnel: {funnel} != {program['funnel']}")
        timeline = {f"{b['content']} {b['start_seconds']:.1f}": [b["comments"], b["replies"]]
                    for b in get("engagement/timeline", **ranged, width="30")["buckets"]}
        if timeline != program["timeline"]:
            found.append(f"{name} timeline: {timeline} != {program['timeline']}")
        mentions = {f"{ifi(m['actor'])} {ifi(m['mentioned'])}": m["count"]
                    for m in get("engagement/mentions", **ranged)["mentions"]}
        if mentions != program["mentions"]:
            found.append(f"{name} mentions: {sorted(set(mentions.items()) ^ set(program['mentions'].items()))}")
        discussion = {d["content"]: {k: v for k, v in d.items() if k != "content"}
                      for d in get("engagement/discussion", **ranged)["content"]}
        if discussion != program["discussion"]:
            found.append(f"{name} discussion: {discussion} != {program['discussion']}")

        for o in get("outcomes", **state)["outcomes"]:
            want = program["outcomes"].get(o["group"])
            if want is None:
                found.append(f"{name} outcomes: unexpected group {o['group']}")
                continue
            found += [f"{name} outcomes {o['group']} {k}: {o[k]} != {v}" for k, v in want.items()
                      if not same(v, o[k], k)]
        if {o["group"] for o in get("outcomes", **state)["outcomes"]} != set(program["outcomes"]):
            found.append(f"{name} outcome groups differ")

        issues = sorted([i["statement"], i["rule"]] for i in get("profile-issues", **state)["issues"])
        if issues != program["issues"]:
            found.append(f"{name} issues: {issues} != {program['issues']}")
    return found


def _matching(name: str, answer: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Every suggestion holds every constraint; as many mentees as can be are matched."""
    found = []
    suggestions = answer["suggestions"]
    per_mentor: dict[str, int] = {}
    mentees = [ifi(s["mentee"]) for s in suggestions]
    if len(set(mentees)) != len(mentees):
        found.append(f"{name} matching: a mentee suggested twice")
    for s in suggestions:
        mentor, mentee = ifi(s["mentor"]), ifi(s["mentee"])
        per_mentor[mentor] = per_mentor.get(mentor, 0) + 1
        if mentee not in truth["unpaired"]:
            found.append(f"{name} matching: {mentee} is already paired")
        elif mentor not in truth["allowed"][mentee]:
            found.append(f"{name} matching: {mentor} -> {mentee} breaks a constraint (manager or direction)")
        if mentor in truth["managers"].get(mentee, []):
            found.append(f"{name} matching: {mentor} manages {mentee}")
        if [ifi(m) for m in s["constraints"]["managers_checked"]] != truth["managers"].get(mentee, []):
            found.append(f"{name} matching: managers of {mentee} {s['constraints']['managers_checked']}")
        rank = truth["rankings"].get(f"ranked {mentee}", {}).get(mentor)
        if s["mentee_rank"] != rank:
            found.append(f"{name} matching: {mentee} ranked {mentor} {rank}, the API says {s['mentee_rank']}")
        if s["constraints"]["capacity"] != truth["capacity"][mentor]:
            found.append(f"{name} matching: capacity of {mentor}")
    for mentor, n in per_mentor.items():
        if n > truth["free"].get(mentor, 0):
            found.append(f"{name} matching: {mentor} gets {n} mentees, {truth['free'].get(mentor)} places free")
    if len(suggestions) != truth["most"]:
        found.append(f"{name} matching: {len(suggestions)} suggestions, {truth['most']} mentees can be matched")
    if answer["direction"] != truth["direction"]:
        found.append(f"{name} matching: direction {answer['direction']}")
    if sorted([*mentees, *(ifi(u["agent"]) for u in answer["unmatched"])]) != truth["unpaired"]:
        found.append(f"{name} matching: suggested and unmatched are not the unpaired mentees")
    return found


def test_simulated_additions_have_what_the_comparison_needs(history: Simulation, truth: dict[str, Any]) -> None:
    """The fixed seed exercises every figure (else the comparison could pass for want of cases)."""
    programs = truth["programs"]
    assert all(p["matching"]["most"] > 0 for p in programs)
    assert any(p["matching"]["managers"][m] for p in programs for m in p["matching"]["unpaired"])
    assert {p["matching"]["direction"] for p in programs} == {"conventional", "reverse"}
    assert any(p["due"] for p in programs)
    assert all(p["funnel"] and p["timeline"] and p["mentions"] and p["discussion"] for p in programs)
    assert all({"mentored", "comparison"} <= set(p["outcomes"]) for p in programs)
    assert {r for p in programs for _, r in p["issues"]} == {"capacity", "level", "ranking-not-mentor"}
    assert any(a.voided for a in history.additions), "a voided assessment"


def test_every_program_figure_matches_the_ground_truth(
        history: Simulation, truth: dict[str, Any], client: Any, project: Any, get: Any) -> None:
    _post(client, history.statements)
    project()
    found = problems(get, history, truth)
    assert not found, f"{len(found)} figures differ from the ground truth:\n" + "\n".join(found)


def test_voiding_first_leaves_the_program_figures_as_the_truth(
        history: Simulation, truth: dict[str, Any], client: Any, project: Any, get: Any) -> None:
    """The voiding statements, posted and projected before everything else, still remove
    their targets' effect (the voided assessment among them)."""
    voiding = [s for s in history.statements if s["verb"]["id"].endswith("/voided")]
    rest = [s for s in history.statements if not s["verb"]["id"].endswith("/voided")]
    _post(client, voiding)
    project()
    _post(client, rest)
    project()
    found = problems(get, history, truth)
    assert not found, "\n".join(found)


def test_rebuild_of_the_programs_view_gives_the_same_answers(
        history: Simulation, truth: dict[str, Any], client: Any, project: Any, get: Any, app: Any) -> None:
    for start in range(0, len(history.statements), 97):
        _post(client, history.statements[start:start + 97])
        project()
    assert not problems(get, history, truth)
    app.extensions["lrs"].projections.rebuild("programs")
    assert not problems(get, history, truth)


def test_program_figures_read_as_of_a_log_position_match_the_history_posted_until_then(
        history: Simulation, client: Any, project: Any, get: Any, app: Any) -> None:
    """As of position P the programs view counts the statements at positions <= P, less those
    voided by then: the truth of the first P statements posted."""
    _post(client, history.statements)
    project()
    assert app.extensions["lrs"].projections.head() == len(history.statements)
    for position in (len(history.statements) // 2, len(history.statements) - 40):
        found = problems(get, history, history.additions_truth(posted=position), as_of=position)
        assert not found, f"as of {position}:\n" + "\n".join(found)
