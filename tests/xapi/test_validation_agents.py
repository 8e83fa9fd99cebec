"""Agents, Groups, IFIs and Accounts (Data 2.4.2) and the `agent` parameter."""

from __future__ import annotations

from tests import factories
from tests.xapi import spec_examples
from tests.xapi.support import found
from xapi.validation import validate_agent, validate_statement


def with_actor(actor: object) -> list:
    return validate_statement(factories.statement(actor=actor))


def test_agent_with_mbox_is_valid():
    # Data 2.4.2.1
    assert with_actor(factories.agent()) == []


def test_agent_identified_by_account_is_valid():
    # Data 2.4.2.4 Example
    assert with_actor(spec_examples.account_agent()) == []


def test_agent_with_mbox_sha1sum_is_valid():
    # Data 2.4.2.3
    assert with_actor({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee9"}) == []


def test_agent_with_openid_is_valid():
    # Data 2.4.2.3
    assert with_actor({"openid": "http://toby.openid.example.org/"}) == []


def test_agent_objecttype_is_optional_for_the_actor():
    # Data 2.4.2.1: objectType is optional except when the Agent is the Object
    assert with_actor({"mbox": "mailto:ada@example.org"}) == []


def test_agent_without_ifi_is_rejected():
    # Data 2.4.2.1: an Agent MUST be identified by one IFI
    assert found(with_actor({"objectType": "Agent", "name": "Ada"})) == {("actor", "exactly-one-ifi")}


def test_agent_with_two_ifis_is_rejected():
    # Data 2.4.2.1: an Agent MUST NOT include more than one IFI
    actor = {"mbox": "mailto:ada@example.org", "openid": "http://ada.openid.example.org/"}
    assert found(with_actor(actor)) == {("actor", "exactly-one-ifi")}


def test_agent_objecttype_in_wrong_case_is_rejected():
    # Data 2.2: the case of enumerated values must match exactly
    actor = {"objectType": "agent", "mbox": "mailto:ada@example.org"}
    assert found(with_actor(actor)) == {("actor.objectType", "object-type")}


def test_agent_objecttype_must_be_a_string():
    # Data 2.2: wrong data type
    actor = {"objectType": 7, "mbox": "mailto:ada@example.org"}
    assert found(with_actor(actor)) == {("actor.objectType", "object-type")}


def test_agent_name_must_be_a_string():
    # Data 2.4.2.1: name is a String
    actor = {"name": 42, "mbox": "mailto:ada@example.org"}
    assert found(with_actor(actor)) == {("actor.name", "type")}


def test_agent_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    actor = {"mbox": "mailto:ada@example.org", "email": "ada@example.org"}
    assert found(with_actor(actor)) == {("actor.email", "unknown-property")}


def test_agent_with_null_name_is_rejected():
    # Data 2.2: null values
    actor = {"mbox": "mailto:ada@example.org", "name": None}
    assert found(with_actor(actor)) == {("actor.name", "null-value")}


def test_mbox_without_mailto_scheme_is_rejected():
    # Data 2.4.2.3: mbox is a mailto IRI
    assert found(with_actor({"mbox": "ada@example.org"})) == {("actor.mbox", "mbox-mailto-iri")}


def test_mbox_without_an_email_address_is_rejected():
    # Data 2.4.2.3: "mailto:email address"
    assert found(with_actor({"mbox": "mailto:ada.example.org"})) == {("actor.mbox", "mbox-mailto-iri")}


def test_mbox_sha1sum_must_be_40_hex_digits():
    # Data 2.4.2.3: the hex-encoded SHA1 of a mailto IRI
    errors = with_actor({"mbox_sha1sum": "ebd31e95054c018b10727ccffd2ef2ec3a016ee"})
    assert found(errors) == {("actor.mbox_sha1sum", "mbox-sha1sum")}


def test_mbox_sha1sum_must_be_a_string():
    # Data 2.2: wrong data type
    assert found(with_actor({"mbox_sha1sum": {"key": "value"}})) == {("actor.mbox_sha1sum", "type")}


def test_openid_without_scheme_is_rejected():
    # Data 2.2: IRIs without a scheme
    assert found(with_actor({"openid": "open.id.com/testUser"})) == {("actor.openid", "iri")}


def test_account_without_homepage_is_rejected():
    # Data 2.4.2.4: homePage is required
    actor = {"account": {"name": "ada-42"}}
    assert found(with_actor(actor)) == {("actor.account.homePage", "required")}


def test_account_without_name_is_rejected():
    # Data 2.4.2.4: name is required
    actor = {"account": {"homePage": "https://lms.example.org"}}
    assert found(with_actor(actor)) == {("actor.account.name", "required")}


def test_account_homepage_must_be_an_irl():
    # Data 2.4.2.4: homePage is an IRL
    actor = {"account": {"homePage": "lms.example.org", "name": "ada-42"}}
    assert found(with_actor(actor)) == {("actor.account.homePage", "irl")}


def test_account_name_must_be_a_string():
    # Data 2.4.2.4: name is a String
    actor = {"account": {"homePage": "https://lms.example.org", "name": 42}}
    assert found(with_actor(actor)) == {("actor.account.name", "type")}


def test_account_with_unknown_property_is_rejected():
    # Data 2.2: keys not allowed by the specification
    actor = {"account": {"homePage": "https://lms.example.org", "name": "ada-42", "id": "42"}}
    assert found(with_actor(actor)) == {("actor.account.id", "unknown-property")}


def test_identified_group_with_members_is_valid():
    # Data Appendix B, Object is Group
    assert with_actor(spec_examples.group_object()) == []


def test_identified_group_without_members_is_valid():
    # Data 2.4.2.2: member is optional for an Identified Group
    assert with_actor({"objectType": "Group", "mbox": "mailto:mentors@example.org"}) == []


def test_anonymous_group_with_members_is_valid():
    # Data 2.4.2.2
    group = {"objectType": "Group", "member": [factories.agent(), factories.account_agent()]}
    assert with_actor(group) == []


def test_anonymous_group_without_member_is_rejected():
    # Data 2.4.2.2: an Anonymous Group MUST include a "member" property
    assert found(with_actor({"objectType": "Group", "name": "Mentors"})) == {("actor.member", "required")}


def test_group_member_must_be_an_array():
    # Data 2.4.2.2: member is an Array of Agent Objects
    group = {"objectType": "Group", "member": factories.agent()}
    assert found(with_actor(group)) == {("actor.member", "type")}


def test_group_member_must_not_be_a_group():
    # Data 2.4.2.2: a Group MUST NOT contain Group Objects in "member"
    inner = {"objectType": "Group", "mbox": "mailto:inner@example.org"}
    group = {"objectType": "Group", "member": [factories.agent(), inner]}
    assert found(with_actor(group)) == {("actor.member[1].objectType", "group-member-agent")}


def test_group_member_agent_needs_an_ifi():
    # Data 2.4.2.1, applied to members
    group = {"objectType": "Group", "member": [{"name": "Nobody"}]}
    assert found(with_actor(group)) == {("actor.member[0]", "exactly-one-ifi")}


def test_group_member_mbox_errors_carry_the_member_index():
    # Data 2.4.2.3, applied to members
    group = {"objectType": "Group", "member": [factories.agent(), {"mbox": "bob@example.org"}]}
    assert found(with_actor(group)) == {("actor.member[1].mbox", "mbox-mailto-iri")}


def test_identified_group_with_two_ifis_is_rejected():
    # Data 2.4.2.2: an Identified Group MUST include exactly one IFI
    group = {"objectType": "Group", "mbox": "mailto:g@example.org", "openid": "http://g.example.org/"}
    assert found(with_actor(group)) == {("actor", "exactly-one-ifi")}


def test_group_objecttype_in_wrong_case_is_rejected():
    # Data 2.2: the case of enumerated values must match exactly
    group = {"objectType": "group", "member": [factories.agent()]}
    assert found(with_actor(group)) == {("actor.objectType", "object-type")}


def test_group_without_objecttype_is_checked_as_an_agent():
    # Data 2.4.2.2: objectType "Group" is required; without it the Actor is an Agent
    errors = with_actor({"member": [factories.agent()]})
    assert found(errors) == {("actor.member", "unknown-property"), ("actor", "exactly-one-ifi")}


def test_agent_parameter_accepts_an_agent():
    # Communication 2.1.3: agent is an Agent or Identified Group
    assert validate_agent({"mbox": "mailto:ada@example.org"}) == []


def test_agent_parameter_accepts_an_identified_group():
    # Communication 2.1.3: agent is an Agent or Identified Group
    group = {"objectType": "Group", "account": {"homePage": "https://lms.example.org", "name": "g"}}
    assert validate_agent(group) == []


def test_agent_parameter_rejects_an_anonymous_group():
    # Communication 2.1.3: an Anonymous Group has no identity to query by
    group = {"objectType": "Group", "member": [factories.agent()]}
    assert found(validate_agent(group)) == {("agent", "exactly-one-ifi")}


def test_agent_parameter_errors_are_prefixed_with_the_given_path():
    # Data 2.2: parameters are validated like the same types in Statements
    assert found(validate_agent({"mbox": "ada@example.org"}, path="params.agent")) == {
        ("params.agent.mbox", "mbox-mailto-iri")
    }


def test_agent_parameter_must_be_an_object():
    # Communication 2.1.3: agent is a JSON object
    assert found(validate_agent("mailto:ada@example.org")) == {("agent", "type")}


def test_agent_parameter_must_not_be_null():
    # Data 2.2: null values
    assert found(validate_agent(None)) == {("agent", "null-value")}
