"""A small program whose every figure is computed by hand (in the tests' docstrings).

Grace mentors Ada (enrolled, paired); Alan holds a session with Bob without
being enrolled or paired (the pair exists through the session only). The
reference instant is ``AT``, a Sunday night: 2026-03-01T00:00:00Z.
"""

from __future__ import annotations

from typing import Any

from tests.projections import factories as f

AT = "2026-03-01T00:00:00Z"


def statements() -> dict[str, dict[str, Any]]:
    ada_comment = f.comment(f.ADA, "2026-01-16T10:00:00Z")
    return {
        "grace_enrolled": f.enrolment(f.GRACE, "mentor", "2026-01-05T09:00:00Z"),
        "ada_enrolled": f.enrolment(f.ADA, "mentee", "2026-01-05T09:00:00Z"),
        "bob_enrolled": f.enrolment(f.BOB, "mentee", "2026-01-05T09:00:00Z"),
        "grace_ada": f.pairing(f.GRACE, f.ADA, "2026-01-05T10:00:00Z"),
        "goal_listen": f.goal_set(f.ADA, "listen", "2026-01-10T10:00:00Z", "2026-02-15"),
        "goal_speak": f.goal_set(f.ADA, "speak", "2026-01-11T10:00:00Z", "2026-02-20"),
        "session_1": f.session(f.ADA, f.GRACE, "2026-01-12T10:00:00Z", "PT1H"),
        "feedback_ada_1": f.feedback(f.ADA, f.GRACE, "2026-01-12T11:00:00Z", rating=5),
        "feedback_grace": f.feedback(f.GRACE, f.ADA, "2026-01-12T12:00:00Z", rating=3),
        "goal_write": f.goal_set(f.ADA, "write", "2026-01-12T13:00:00Z", "2026-04-01"),
        "video_start": f.video_started(f.ADA, "intro", "2026-01-13T10:00:00Z"),
        "video_watch_1": f.video_watched(f.ADA, "intro", "2026-01-13T10:10:00Z", "PT10M", 0.5),
        "video_watch_2": f.video_watched(f.ADA, "intro", "2026-01-14T10:05:00Z", "PT5M", 1.0),
        "video_done": f.video_completed(f.ADA, "intro", "2026-01-14T10:05:01Z"),
        "video_play": f.video_started(f.ADA, "feedback", "2026-01-15T10:00:00Z",
                                      verb="https://w3id.org/xapi/video/verbs/played"),
        "ada_comment": ada_comment,
        "ada_reply": f.comment(f.ADA, "2026-01-17T10:00:00Z", reply_to=ada_comment["id"]),
        "grace_reply": f.comment(f.GRACE, "2026-01-18T10:00:00Z", reply_to=ada_comment["id"], mentions=[f.ADA]),
        "session_bob": f.session(f.BOB, f.ALAN, "2026-01-20T10:00:00Z", "PT45M"),
        "goal_listen_met": f.goal_met(f.ADA, "listen", "2026-01-20T10:00:00Z"),
        "goal_read_met": f.goal_met(f.ADA, "read", "2026-01-25T10:00:00Z"),
        "session_2": f.session(f.ADA, f.GRACE, "2026-02-20T10:00:00Z", "PT30M"),
        "feedback_ada_2": f.feedback(f.ADA, f.GRACE, "2026-02-20T11:00:00Z", rating=4),
    }
