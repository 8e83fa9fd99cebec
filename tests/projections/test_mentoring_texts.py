"""The texts of comments and feedback in the mentoring view (issue 10, items 2 and 5):
coordinators read what a person was told and said (`result.response`, Data 2.4.5),
as the view stood at any log position, and a voided statement's text is gone
(docs/profile/README.md, "Texts" and "Voiding")."""

from __future__ import annotations

from typing import Any

import pytest

from projections import mentoring_texts
from projections.mentoring_profile import TEXT_LIMIT, Kind, Vocabulary, read_statement
from projections.mentoring_texts import Said
from tests.projections import factories as f
from tests.projections.support import Figures, post, us

ADA, GRACE = f.key(f.ADA), f.key(f.GRACE)
V = Vocabulary()


class Texts(Figures):
    """`mentoring_texts` over one app's store, once the views caught up."""

    def feedback(self, agent: str, direction: mentoring_texts.Direction, limit: int = 100,
                 **window: Any) -> list[Said]:
        self.project()
        with self.services.store.db.read() as cur:
            return mentoring_texts.feedback(cur, self.window(**window), agent, direction, limit)

    def comments(self, agent: str, limit: int = 100, **window: Any) -> list[Said]:
        self.project()
        with self.services.store.db.read() as cur:
            return mentoring_texts.comments(cur, self.window(**window), agent, limit)


@pytest.fixture
def texts(app: Any, project: Any) -> Texts:
    return Texts(app, project)


# --- reading a statement (pure) -----------------------------------------------------


def test_a_comment_keeps_its_response_as_text() -> None:
    """A comment's fact keeps result.response; its mentions do not repeat it."""
    statement = f.comment(f.ADA, "2026-01-16T10:00:00Z", mentions=[f.GRACE], text="<b>Thanks</b>")
    comment, mention = read_statement(statement, V).facts
    assert (comment.kind, comment.text) == (Kind.COMMENT, "<b>Thanks</b>")
    assert (mention.kind, mention.text) == (Kind.MENTION, None)


def test_feedback_keeps_its_response_as_text() -> None:
    """A feedback's fact keeps result.response beside its rating."""
    (fact,) = read_statement(f.feedback(f.GRACE, f.ADA, "2026-01-12T12:00:00Z", rating=3, text="Well done"), V).facts
    assert (fact.kind, fact.value, fact.text) == (Kind.FEEDBACK, 3.0, "Well done")


def test_a_text_longer_than_the_limit_is_cut() -> None:
    """The views keep at most TEXT_LIMIT characters of a text."""
    long = "é" * (TEXT_LIMIT + 10)
    (fact,) = read_statement(f.feedback(f.GRACE, f.ADA, "2026-01-12T12:00:00Z", text=long), V).facts
    assert fact.text == "é" * TEXT_LIMIT


def test_no_response_is_no_text() -> None:
    """A comment without result.response has no text (and still counts as a comment)."""
    (fact,) = read_statement(f.comment(f.ADA, "2026-01-16T10:00:00Z", text=None), V).facts
    assert (fact.kind, fact.text) == (Kind.COMMENT, None)


def test_other_kinds_keep_no_text() -> None:
    """Only comments, replies and feedback keep a text, whatever result.response says."""
    statement = f.goal_set(f.ADA, "listen", "2026-01-10T00:00:00Z", result={"response": "a goal"})
    (fact,) = read_statement(statement, V).facts
    assert (fact.kind, fact.text) == (Kind.GOAL_SET, None)


# --- reading the view -------------------------------------------------------------


def test_feedback_received_with_giver_subject_rating_and_text(client: Any, texts: Texts) -> None:
    """The feedback an Agent received: from whom, about what, the rating and the text."""
    post(client, f.feedback(f.GRACE, f.ADA, "2026-01-12T12:00:00Z", rating=3, text="Try a <pause>."))
    (said,) = texts.feedback(ADA, "received")
    assert (said.actor, said.other, said.object, said.rating, said.text) == (
        GRACE, ADA, "https://lrs.example.org/sessions/s1", 3.0, "Try a <pause>.")
    assert said.timestamp_us == us("2026-01-12T12:00:00Z")
    assert texts.feedback(ADA, "given") == []


def test_feedback_given_is_the_actors(client: Any, texts: Texts) -> None:
    """The feedback an Agent gave: those where it is the actor, with or without a recipient."""
    post(client, f.feedback(f.ADA, f.GRACE, "2026-01-12T11:00:00Z", text="to Grace"),
         f.feedback(f.ADA, None, "2026-01-13T11:00:00Z", text="to nobody"))
    found = texts.feedback(ADA, "given")
    assert [(s.text, s.other) for s in found] == [("to nobody", None), ("to Grace", GRACE)]


def test_comments_and_replies_newest_first_with_their_texts(client: Any, texts: Texts) -> None:
    """An Agent's comments and replies, newest first by timestamp."""
    first = f.comment(f.ADA, "2026-01-16T10:00:00Z", text="first")
    post(client, first, f.comment(f.ADA, "2026-01-17T10:00:00Z", reply_to=first["id"], text="second"),
         f.comment(f.GRACE, "2026-01-18T10:00:00Z", text="Grace's"))
    found = texts.comments(ADA)
    assert [(s.kind, s.text) for s in found] == [(Kind.REPLY, "second"), (Kind.COMMENT, "first")]
    assert found[0].statement_id != found[1].statement_id


def test_limit_keeps_the_newest(client: Any, texts: Texts) -> None:
    """limit: only the newest texts."""
    post(client, *(f.comment(f.ADA, f"2026-01-1{day}T10:00:00Z", text=f"day {day}") for day in range(1, 6)))
    assert [s.text for s in texts.comments(ADA, limit=2)] == ["day 5", "day 4"]


def test_the_date_range_applies_to_texts(client: Any, texts: Texts) -> None:
    """since (inclusive) and until (exclusive) bound the statements' timestamps."""
    post(client, *(f.comment(f.ADA, f"2026-01-1{day}T10:00:00Z", text=f"day {day}") for day in range(1, 6)))
    found = texts.comments(ADA, since="2026-01-12T10:00:00Z", until="2026-01-14T10:00:00Z")
    assert [s.text for s in found] == ["day 3", "day 2"]


def test_a_voided_comments_text_is_gone(client: Any, texts: Texts) -> None:
    """Voiding removes the text with the fact (Data 2.3.2), as of the voiding on."""
    kept, voided = f.comment(f.ADA, "2026-01-16T10:00:00Z", text="kept"), f.comment(
        f.ADA, "2026-01-17T10:00:00Z", text="secret")
    post(client, kept, voided)
    before = texts.position_of(voided)
    post(client, f.voiding(voided["id"]))
    assert [s.text for s in texts.comments(ADA)] == ["kept"]
    assert [s.text for s in texts.comments(ADA, as_of=before)] == ["secret", "kept"]


def test_a_voided_feedbacks_text_is_gone_even_if_voided_first(client: Any, texts: Texts) -> None:
    """A feedback whose voiding statement arrived first never shows its text."""
    voided = f.feedback(f.GRACE, f.ADA, "2026-01-12T12:00:00Z", text="never shown")
    post(client, f.voiding(voided["id"]))
    post(client, voided)
    assert texts.feedback(ADA, "received") == []


def test_as_of_a_position_before_a_text_does_not_show_it(client: Any, texts: Texts) -> None:
    """as_of: the texts as the view stood at a log position."""
    first, second = f.comment(f.ADA, "2026-01-16T10:00:00Z", text="one"), f.comment(
        f.ADA, "2026-01-17T10:00:00Z", text="two")
    post(client, first)
    post(client, second)
    assert [s.text for s in texts.comments(ADA, as_of=texts.position_of(first))] == ["one"]
    assert [s.text for s in texts.comments(ADA)] == ["two", "one"]


def test_texts_are_per_program(client: Any, texts: Texts) -> None:
    """A program's texts are those of statements grouped under it."""
    post(client, f.comment(f.ADA, "2026-01-16T10:00:00Z", text="here"),
         f.comment(f.ADA, "2026-01-17T10:00:00Z", text="elsewhere", program=f.OTHER_PROGRAM))
    assert [s.text for s in texts.comments(ADA)] == ["here"]
    assert [s.text for s in texts.comments(ADA, program=f.OTHER_PROGRAM)] == ["elsewhere"]
