"""The erasure event's stored topic and id (issue 19): fixed once events are stored."""

from eventsourcing.utils import get_topic

from lrs.domain import Erasure


def test_erasure_event_topic_is_lrs_domain_erasure_recorded() -> None:
    assert get_topic(Erasure.Recorded) == "lrs.domain:Erasure.Recorded"


def test_second_erasure_of_a_person_has_the_same_id() -> None:
    first = Erasure(person="ab" * 32, requested_by="credential:x", reason="left")
    again = Erasure(person="ab" * 32, requested_by="account:y", reason="asked twice")
    other = Erasure(person="cd" * 32)
    assert first.id == again.id != other.id


def test_erasure_event_holds_only_the_keyed_hash_who_and_why() -> None:
    erasure = Erasure(person="ab" * 32, requested_by="credential:x", reason="left")
    (recorded,) = erasure.collect_events()
    state = {k for k in recorded.__dict__ if not k.startswith("originator") and k != "timestamp"}
    assert state == {"person", "requested_by", "reason"}
