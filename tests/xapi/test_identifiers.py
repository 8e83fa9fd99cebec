"""What a statement is found by: agent keys and index keys."""

from __future__ import annotations

from typing import Any

from tests import factories as f
from xapi.identifiers import agent_key, statement_index_keys

REF_ID = "0AF5B4C0-4B29-4D6A-9E08-2B5F0B1F7C3D"


def group(*members: dict, mbox: str | None = None) -> dict:
    doc: dict = {"objectType": "Group", "name": "Cohort 7", "member": list(members)}
    if mbox:
        doc["mbox"] = mbox
    return doc


def substatement(**overrides: object) -> dict:
    doc: dict[str, Any] = {
        "objectType": "SubStatement",
        "actor": f.agent("Sub Actor"),
        "verb": {"id": f.VERB_COMPLETED},
        "object": f.activity("sub/activity"),
        "context": {
            "instructor": f.agent("Sub Instructor"),
            "contextActivities": {
                "parent": [{"id": "https://lrs.example.org/activities/sub-parent"}]
            },
        },
    }
    doc.update(overrides)
    return doc


# ---------------------------------------------------------------- agent_key


def test_agent_key_of_mbox_lowercases_the_domain_only():
    # Data 2.4.2.3: the domain portion of an e-mail address is case insensitive
    assert (
        agent_key({"mbox": "mailto:Ada.Lovelace@Example.ORG"})
        == "mbox:mailto:Ada.Lovelace@example.org"
    )


def test_agent_key_of_mbox_lowercases_the_mailto_scheme():
    # Data 2.4.2.3 (mailto IRI); RFC 3986 3.1: schemes are case insensitive
    assert agent_key({"mbox": "MAILTO:ada@example.org"}) == "mbox:mailto:ada@example.org"


def test_agent_key_of_mbox_sha1sum_is_lowercase_hex():
    # Data 2.4.2.3: mbox_sha1sum is hex-encoded, hex is case insensitive
    sha1 = "CD9B00A5611F94EAA7B1661EDAB976068E364975"
    assert agent_key({"mbox_sha1sum": sha1}) == "mbox_sha1sum:" + sha1.lower()


def test_agent_key_of_openid_is_the_iri():
    # Data 2.4.2.3
    assert (
        agent_key({"openid": "https://id.example.org/ada"}) == "openid:https://id.example.org/ada"
    )


def test_agent_key_of_account_joins_home_page_and_name():
    # Data 2.4.2.4
    assert agent_key(f.account_agent("ada-42")) == "account:https://lms.example.org|ada-42"


def test_agent_key_encodes_a_bar_in_the_account_home_page():
    # Data 2.4.2.4: the key must split into homePage and name one way only
    key = agent_key({"account": {"homePage": "https://a.example.org/x|y", "name": "z"}})
    assert key == "account:https://a.example.org/x%7Cy|z"


def test_agent_key_of_identified_group_is_its_ifi():
    # Data 2.4.2.2: an Identified Group is identified by its IFI, not its members
    assert (
        agent_key(group(f.agent(), mbox="mailto:cohort7@example.org"))
        == "mbox:mailto:cohort7@example.org"
    )


def test_agent_key_of_anonymous_group_is_none():
    # Data 2.4.2.2: an Anonymous Group has no IFI
    assert agent_key(group(f.agent(), f.agent("Grace Mentor"))) is None


def test_agent_key_ignores_object_type_and_name():
    # Communication 2.1.3 agent: equal when the same IFI has equal values
    as_agent = {"objectType": "Agent", "name": "Ada", "mbox": "mailto:ada@example.org"}
    as_group = {"objectType": "Group", "mbox": "mailto:ada@example.org"}
    assert agent_key(as_agent) == agent_key(as_group)


# ------------------------------------------------------------- agent filter


def test_index_agents_include_the_actor():
    # Communication 2.1.3 agent: the Agent is the Actor
    keys = statement_index_keys(f.statement())
    assert "mbox:mailto:ada.mentee@example.org" in keys.agents


def test_index_agents_include_an_agent_object():
    # Communication 2.1.3 agent: the Agent is the Object
    doc = f.statement(object=f.agent("Grace Mentor"))
    assert "mbox:mailto:grace.mentor@example.org" in statement_index_keys(doc).agents


def test_index_agents_include_members_of_a_group_actor():
    # Communication 2.1.3 agent: Groups with members matching the Agent are a match
    doc = f.statement(actor=group(f.agent("Ada Mentee"), f.agent("Grace Mentor")))
    assert statement_index_keys(doc).agents == (
        "mbox:mailto:ada.mentee@example.org",
        "mbox:mailto:grace.mentor@example.org",
    )


def test_index_agents_include_an_identified_group_object_and_its_members():
    # Communication 2.1.3 agent: the Group by its IFI, and its members
    doc = f.statement(object=group(f.agent("Grace Mentor"), mbox="mailto:cohort7@example.org"))
    keys = statement_index_keys(doc).agents
    assert "mbox:mailto:cohort7@example.org" in keys
    assert "mbox:mailto:grace.mentor@example.org" in keys


def test_index_agents_exclude_instructor_team_and_authority():
    # Communication 2.1.3 agent: only Actor or Object without related_agents
    doc = f.statement(authority=f.agent("LRS Admin"))
    doc["context"]["team"] = group(f.agent("Team Mate"), mbox="mailto:team@example.org")
    assert statement_index_keys(doc).agents == ("mbox:mailto:ada.mentee@example.org",)


def test_index_agents_exclude_substatement_agents():
    # Communication 2.1.3 agent: a contained SubStatement counts only for related_agents
    doc = f.statement(object=substatement())
    assert statement_index_keys(doc).agents == ("mbox:mailto:ada.mentee@example.org",)


# ---------------------------------------------------- related_agents filter


def test_index_related_agents_include_authority_instructor_and_team():
    # Communication 2.1.3 related_agents: Actor, Object, Authority, Instructor, Team
    doc = f.statement(authority=f.agent("LRS Admin"))
    doc["context"]["team"] = group(mbox="mailto:team@example.org")
    assert statement_index_keys(doc).related_agents == (
        "mbox:mailto:ada.mentee@example.org",
        "mbox:mailto:grace.mentor@example.org",
        "mbox:mailto:lrs.admin@example.org",
        "mbox:mailto:team@example.org",
    )


def test_index_related_agents_include_members_of_an_oauth_authority_group():
    # Data 2.4.9: 3-legged OAuth authority is a Group of two Agents
    app = f.account_agent("oauth_consumer_x75db", "https://lrs.example.org/OAuth/token")
    doc = f.statement(authority=group(app, f.agent("Bob")))
    keys = statement_index_keys(doc).related_agents
    assert "account:https://lrs.example.org/OAuth/token|oauth_consumer_x75db" in keys
    assert "mbox:mailto:bob@example.org" in keys


def test_index_related_agents_include_substatement_agents():
    # Communication 2.1.3 related_agents: "or any of these properties in a contained SubStatement"
    doc = f.statement(object=substatement(object=f.agent("Sub Object")))
    keys = statement_index_keys(doc).related_agents
    assert {
        "mbox:mailto:sub.actor@example.org",
        "mbox:mailto:sub.object@example.org",
        "mbox:mailto:sub.instructor@example.org",
    } <= set(keys)


def test_index_related_agents_contain_the_agents():
    # Communication 2.1.3 related_agents applies the agent filter broadly
    doc = f.statement(object=f.agent("Grace Mentor"))
    keys = statement_index_keys(doc)
    assert set(keys.agents) <= set(keys.related_agents)


# --------------------------------------------------------- verb and activity


def test_index_verb_is_the_verb_id():
    # Communication 2.1.3 verb
    assert statement_index_keys(f.statement()).verb == f.VERB_ATTENDED


def test_index_activities_are_the_object_activity():
    # Communication 2.1.3 activity: the Object is an Activity with the id
    keys = statement_index_keys(f.statement())
    assert keys.activities == ("https://lrs.example.org/activities/sessions/2026-11-03",)


def test_index_activity_without_object_type_is_an_activity():
    # Data 2.4.4: without objectType the Object is an Activity
    doc = f.statement(object={"id": "https://lrs.example.org/activities/bare"})
    assert statement_index_keys(doc).activities == ("https://lrs.example.org/activities/bare",)


def test_index_activities_are_empty_when_the_object_is_not_an_activity():
    # Communication 2.1.3 activity: only an Activity Object matches
    doc = f.statement(object=f.agent("Grace Mentor"))
    assert statement_index_keys(doc).activities == ()


def test_index_related_activities_include_context_activities():
    # Communication 2.1.3 related_activities: "any of the context Activities"
    doc = f.statement()
    doc["context"]["contextActivities"]["category"] = [
        {"id": "https://lrs.example.org/profiles/mentoring"}
    ]
    assert statement_index_keys(doc).related_activities == (
        "https://lrs.example.org/activities/sessions/2026-11-03",
        "https://lrs.example.org/profiles/mentoring",
        f.PROGRAM,
    )


def test_index_related_activities_accept_a_single_context_activity_object():
    # Data 2.4.6.2: a contextActivities value may be a single Activity Object
    doc = f.statement()
    doc["context"]["contextActivities"] = {
        "parent": {"id": "https://lrs.example.org/activities/parent"}
    }
    assert (
        "https://lrs.example.org/activities/parent" in statement_index_keys(doc).related_activities
    )


def test_index_related_activities_include_substatement_activities():
    # Communication 2.1.3 related_activities: "any of those properties in a contained SubStatement"
    keys = statement_index_keys(f.statement(object=substatement()))
    assert "https://lrs.example.org/activities/sub/activity" in keys.related_activities
    assert "https://lrs.example.org/activities/sub-parent" in keys.related_activities


def test_index_activities_exclude_substatement_activities():
    # Communication 2.1.3 activity: the Object itself must be the Activity
    assert statement_index_keys(f.statement(object=substatement())).activities == ()


# ------------------------------------------- registration, refs and voiding


def test_index_registration_is_lowercased():
    # Communication 2.1.3 registration; RFC 4122: UUIDs are case insensitive on input
    doc = f.statement()
    doc["context"]["registration"] = REF_ID
    assert statement_index_keys(doc).registration == REF_ID.lower()


def test_index_registration_is_none_without_context():
    # Data 2.4.6: context is optional
    doc = f.statement()
    del doc["context"]
    assert statement_index_keys(doc).registration is None


def test_index_statement_ref_is_the_target_id():
    # Communication 2.1.3 Filter Conditions for StatementRefs
    doc = f.statement(object={"objectType": "StatementRef", "id": REF_ID})
    assert statement_index_keys(doc).statement_ref == REF_ID.lower()


def test_index_statement_ref_is_none_for_an_activity_object():
    # Communication 2.1.3: only a StatementRef Object targets a statement
    assert statement_index_keys(f.statement()).statement_ref is None


def test_index_context_statement_ref_is_not_a_target():
    # Communication 2.1.3: StatementRefs in context do not affect filtering
    doc = f.statement()
    doc["context"]["statement"] = {"objectType": "StatementRef", "id": REF_ID}
    assert statement_index_keys(doc).statement_ref is None


def test_index_voids_is_the_target_of_a_voiding_statement():
    # Data 2.3.2: the voided verb with a StatementRef Object
    assert statement_index_keys(f.voiding(REF_ID)).voids == REF_ID.lower()


def test_index_voids_is_none_for_other_verbs():
    # Data 2.3.2: only http://adlnet.gov/expapi/verbs/voided voids
    doc = f.statement(object={"objectType": "StatementRef", "id": REF_ID})
    assert statement_index_keys(doc).voids is None


def test_index_keys_are_sorted_without_repeats():
    # Rebuilding the index from the log must give identical rows
    doc = f.statement(
        object=f.agent("Ada Mentee"), actor=group(f.agent("Ada Mentee"), f.agent("Zed"))
    )
    assert statement_index_keys(doc).agents == (
        "mbox:mailto:ada.mentee@example.org",
        "mbox:mailto:zed@example.org",
    )
