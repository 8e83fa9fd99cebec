"""Person objects from the Agents seen in statements (Communication 2.4)."""

from __future__ import annotations

import hashlib

import pytest

from tests import factories as f
from xapi.errors import InvalidParameter
from xapi.persons import agents_in, identifier, mbox_sha1, parse_agents_request, person

ADA = f.agent()


def test_persons_agents_in_a_statement():
    # Communication 2.4: every Agent the LRS sees: actor, instructor, authority, members
    statement = f.statement(actor=f.group(), authority=f.account_agent("lrs-client"))
    names = [a.get("name") for a in agents_in(statement)]
    assert names == ["Ada Mentee", "Grace Mentor", None, "Grace Mentor"]


def test_persons_agents_in_a_sub_statement():
    # Data 2.4.4.3: a SubStatement's actor is an Agent too
    planned = f.substatement(actor=f.agent("Linus Mentee"))
    assert "Linus Mentee" in [a.get("name") for a in agents_in(f.statement(object=planned))]


def test_persons_identifier_is_the_ifi_alone():
    # Data 2.4.2.3: one identifying property
    assert identifier({**ADA, "objectType": "Agent"}) == {"mbox": ADA["mbox"]}


def test_persons_mbox_sha1_is_of_the_mailto_iri():
    # Data 2.4.2.3: mbox_sha1sum is the SHA-1 of the mailto IRI
    assert mbox_sha1(ADA["mbox"]) == hashlib.sha1(ADA["mbox"].encode()).hexdigest()


def test_persons_person_puts_the_requested_agent_first():
    # Communication 2.4: arrays of values, each once
    known = [
        ("Ada L.", {"mbox": ADA["mbox"]}),
        ("Ada Mentee", {"mbox": ADA["mbox"]}),
        ("", {"mbox_sha1sum": "a" * 40}),
    ]
    assert person(ADA, known) == {
        "objectType": "Person",
        "name": ["Ada Mentee", "Ada L."],
        "mbox": [ADA["mbox"]],
        "mbox_sha1sum": ["a" * 40],
    }


def test_persons_person_of_an_unknown_agent_has_only_its_information():
    # Communication 2.4: the Person then only includes the requested Agent's information
    assert person({"openid": "https://id.example.org/ada"}, []) == {
        "objectType": "Person",
        "openid": ["https://id.example.org/ada"],
    }


def test_persons_request_refuses_a_group():
    # Communication 2.4: not a Group
    with pytest.raises(InvalidParameter):
        parse_agents_request({"agent": ['{"objectType": "Group", "mbox": "mailto:c@example.org"}']})
