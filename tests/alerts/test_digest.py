"""The daily digest (issue 21 point 8): one e-mail a day per coordinator, of their programs
only, through a real SMTP server (aiosmtpd), on both stores."""

from __future__ import annotations

from typing import Any

import pytest

from lrs.alerts.worker import AlertWorker
from lrs.grants import ProgramGrant
from tests.alerts.conftest import Clock, Mailbox
from tests.projections import factories as f
from tests.projections.support import post


@pytest.fixture
def two_programs(client: Any) -> None:
    """Grace mentors Ada in PROGRAM, Alan mentors Bob in OTHER_PROGRAM; both pairs' last
    session is on 2026-01-10."""
    other = f.OTHER_PROGRAM
    post(client,
         f.enrolment(f.GRACE, "mentor"), f.enrolment(f.ADA, "mentee"), f.pairing(f.GRACE, f.ADA),
         f.session(f.ADA, f.GRACE, "2026-01-10T10:00:00Z"),
         f.enrolment(f.ALAN, "mentor", program=other), f.enrolment(f.BOB, "mentee", program=other),
         f.pairing(f.ALAN, f.BOB, program=other), f.session(f.BOB, f.ALAN, "2026-01-10T10:00:00Z", program=other))


@pytest.fixture
def people(app: Any) -> Any:
    accounts = app.extensions["lrs"].accounts
    accounts.create("carol", display_name="Carol Coordinator", role="coordinator",
                    programs=ProgramGrant(frozenset({f.PROGRAM})), email="carol@example.org")
    accounts.create("dan", display_name="Dan Admin", role="admin", email="dan@example.org")
    accounts.create("erin", display_name="Erin Without Address", role="coordinator")
    return accounts


@pytest.fixture
def digests(app: Any, project: Any, digest_config: Any, clock: Clock) -> Any:
    built = AlertWorker(app.extensions["lrs"], digest_config, clock=clock)

    def tick() -> Any:
        project()
        return built.tick()

    return tick


def test_the_digest_lists_only_the_coordinators_programs(
        two_programs: None, people: Any, digests: Any, clock: Clock, mailbox: Mailbox) -> None:
    clock.set("2026-01-25T07:00:00Z")  # both pairs at risk
    assert sorted(digests().digests) == ["carol", "dan"]
    [carol] = mailbox.to("carol@example.org")
    text = carol.get_content()
    assert "Grace Mentor and Ada Mentee" in text and "Reverse mentoring 2026" in text
    assert "Bob" not in text and "Alan" not in text and "graduate-mentoring" not in text
    assert carol["Subject"] == "Mentoring pairs on 2026-01-25: 1 at risk, 0 recovered, 0 inactive"
    assert carol["From"] == "lrs@lrs.test"
    [dan] = mailbox.to("dan@example.org")
    assert "Ada Mentee" in dan.get_content() and "Bob Mentee" in dan.get_content()
    assert len(mailbox.messages) == 2  # erin has no address


def test_the_digest_is_sent_once_a_day_from_the_digest_hour(
        two_programs: None, people: Any, digests: Any, clock: Clock, mailbox: Mailbox) -> None:
    clock.set("2026-01-25T06:59:59Z")
    assert digests().digests == []
    clock.set("2026-01-25T07:00:00Z")
    digests()
    clock.set("2026-01-25T18:00:00Z")
    assert digests().digests == []
    assert len(mailbox.to("carol@example.org")) == 1
    clock.set("2026-01-26T07:30:00Z")
    assert "carol" in digests().digests and len(mailbox.to("carol@example.org")) == 2


def test_the_digest_lists_recovered_and_inactive_pairs(
        two_programs: None, people: Any, digests: Any, clock: Clock, mailbox: Mailbox, client: Any) -> None:
    clock.set("2026-01-25T06:00:00Z")
    digests()  # both at risk, before the digest hour
    post(client, f.session(f.ADA, f.GRACE, "2026-01-25T09:00:00Z"))
    clock.set("2026-01-26T06:00:00Z")
    digests()  # Grace and Ada recovered
    clock.set("2026-01-26T07:00:00Z")
    digests()
    [dan] = mailbox.to("dan@example.org")
    assert dan["Subject"] == "Mentoring pairs on 2026-01-26: 1 at risk, 1 recovered, 0 inactive"
    recovered = dan.get_content().split("Recovered in the last 24 hours (1):")[1].split("Inactive")[0]
    assert "Grace Mentor and Ada Mentee" in recovered
    clock.set("2026-02-12T07:00:00Z")  # Bob: 33 days without activity
    digests()
    assert "0 recovered, 1 inactive" in mailbox.to("dan@example.org")[-1]["Subject"]


def test_an_smtp_server_down_then_up_gets_the_digest_once(
        two_programs: None, people: Any, digests: Any, clock: Clock, mailbox: Mailbox) -> None:
    mailbox.stop()
    clock.set("2026-01-25T07:00:00Z")
    assert digests().digests == []
    mailbox.start()
    clock.set("2026-01-25T07:01:00Z")
    assert sorted(digests().digests) == ["carol", "dan"]
    clock.set("2026-01-25T07:02:00Z")
    assert digests().digests == []
    assert len(mailbox.messages) == 2


def test_a_restart_sends_no_digest_again(two_programs: None, people: Any, app: Any, digests: Any,
                                         digest_config: Any, clock: Clock, mailbox: Mailbox) -> None:
    clock.set("2026-01-25T07:00:00Z")
    digests()
    again = AlertWorker(app.extensions["lrs"], digest_config, clock=clock)
    assert again.tick().digests == [] and len(mailbox.messages) == 2


def test_a_disabled_account_gets_no_digest(two_programs: None, people: Any, digests: Any, clock: Clock,
                                           mailbox: Mailbox) -> None:
    people.disable("carol")
    clock.set("2026-01-25T07:00:00Z")
    assert digests().digests == ["dan"]


def test_no_digest_is_sent_while_the_view_lags_the_log(two_programs: None, people: Any, app: Any,
                                                       digest_config: Any, clock: Clock, mailbox: Mailbox) -> None:
    """A digest goes once a day: it waits for statuses that show every statement."""
    worker = AlertWorker(app.extensions["lrs"], digest_config, clock=clock)  # the runner has not caught up
    clock.set("2026-01-25T07:00:00Z")
    assert worker.tick().digests == [] and mailbox.messages == []
