"""Statement comparison (Data 2.3.1), as used for existing ids and signatures."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from tests import factories as f
from xapi.equivalence import as_sent, statements_equivalent
from xapi.prepare import assigned_properties, prepare
from xapi.versions import V1_0_3


def pair(**overrides: object) -> tuple[dict, dict]:
    """A statement and an independent copy of it."""
    a = f.statement(**overrides)
    return a, copy.deepcopy(a)


def substatement() -> dict:
    return {
        "objectType": "SubStatement",
        "actor": f.agent("Sub Actor"),
        "verb": {"id": f.VERB_COMPLETED, "display": {"en-US": "completed"}},
        "object": f.activity("sub/activity"),
        "timestamp": "2026-12-01T09:00:00.000Z",
    }


def group(*members: dict) -> dict:
    return {"objectType": "Group", "name": "Cohort 7", "member": list(members)}


def test_identical_statements_are_equivalent():
    # Data 2.3.1 Statement Comparison Requirements
    assert statements_equivalent(*pair())


def test_a_statement_is_equivalent_to_its_stored_form():
    # Communication 2.1.2: a re-sent statement matches the one the LRS stored
    a = f.statement()
    del a["timestamp"]
    stored = prepare(
        a,
        authority=f.agent("LRS"),
        stored=datetime(2026, 11, 25, 16, 20, tzinfo=UTC),
        version=V1_0_3,
    )
    assert statements_equivalent(a, stored)


def _stored_at(statement: dict, minute: int) -> dict:
    return prepare(statement, authority=f.agent("LRS"),
                   stored=datetime(2026, 11, 25, 16, minute, tzinfo=UTC), version=V1_0_3)


def test_two_stored_forms_of_one_statement_sent_without_timestamp_differ():
    # Data 2.3.1: why a retry is compared as sent: the LRS gave each its own timestamp
    a = f.statement()
    del a["timestamp"]
    assert not statements_equivalent(_stored_at(a, 20), _stored_at(a, 21))


def test_a_stored_statement_as_sent_is_equivalent_to_the_retry_as_sent():
    # Data 2.3.1: what the LRS assigned (timestamp, version, stored, authority) is ignored
    a = f.statement()
    del a["timestamp"]
    first = _stored_at(a, 20)
    assert assigned_properties(a) == ["timestamp", "version"]
    assert statements_equivalent(as_sent(first, assigned_properties(a)), a)
    assert as_sent(first, assigned_properties(a)).keys() == a.keys()


def test_a_stored_statement_as_sent_keeps_what_the_client_sent():
    # Data 2.3.1: a timestamp both sides sent is compared
    a = f.statement()
    first = _stored_at(a, 20)
    retry = {**a, "timestamp": "2026-11-03T10:16:00.000Z"}
    assert not statements_equivalent(as_sent(first, assigned_properties(a)), retry)


# ------------------------------------------------ properties the LRS assigns


def test_a_different_authority_is_ignored():
    # Data 2.3.1: assignments during LRS processing ("authority")
    a, b = pair(authority=f.agent("One"))
    b["authority"] = f.agent("Two")
    assert statements_equivalent(a, b)


def test_a_different_stored_is_ignored():
    # Data 2.3.1: assignments during LRS processing ("stored")
    a, b = pair(stored="2026-11-25T16:20:01.000Z")
    b["stored"] = "2027-01-01T00:00:00.000Z"
    assert statements_equivalent(a, b)


def test_a_version_absent_on_one_side_is_ignored():
    # Data 2.3.1 / 2.4.10: the LRS sets version when it is absent
    a, b = pair()
    b["version"] = "1.0.0"
    assert statements_equivalent(a, b)


def test_different_versions_on_both_sides_differ():
    # Data 2.4.10: the LRS retains a given version, so it cannot have caused the difference
    a, b = pair(version="1.0.0")
    b["version"] = "1.0.3"
    assert not statements_equivalent(a, b)


def test_an_id_absent_on_one_side_is_ignored():
    # Data 2.3.1 / 2.4.1: the LRS assigns an id when it is absent
    a, b = pair()
    del a["id"]
    assert statements_equivalent(a, b)


def test_different_ids_differ():
    # Data 2.3.1: a given id is not the LRS's to change
    a, b = pair()
    b["id"] = "0af5b4c0-4b29-4d6a-9e08-2b5f0b1f7c3d"
    assert not statements_equivalent(a, b)


def test_the_case_of_an_id_is_ignored():
    # Data 2.3.1 case sensitivity; RFC 4122: UUIDs are case insensitive on input
    a, b = pair()
    b["id"] = a["id"].upper()
    assert statements_equivalent(a, b)


# ----------------------------------------------------------------- timestamps


def test_a_timestamp_in_another_zone_is_the_same_instant():
    # Data 2.3.1: serialization of Timestamp data
    a, b = pair(timestamp="2026-11-03T10:15:00.000Z")
    b["timestamp"] = "2026-11-03T11:15:00+01:00"
    assert statements_equivalent(a, b)


def test_a_different_timestamp_instant_differs():
    # Data 2.3.1: only the serialization may change, not the point in time
    a, b = pair(timestamp="2026-11-03T10:15:00.000Z")
    b["timestamp"] = "2026-11-03T10:15:01.000Z"
    assert not statements_equivalent(a, b)


def test_timestamp_digits_beyond_milliseconds_are_ignored():
    # Data 4.5: a Timestamp MAY be truncated to 3 decimal digits
    a, b = pair(timestamp="2026-11-03T10:15:00.123456Z")
    b["timestamp"] = "2026-11-03T10:15:00.123Z"
    assert statements_equivalent(a, b)


def test_a_timestamp_absent_on_one_side_is_ignored():
    # Data 2.3.1 / 2.4.7: the LRS sets timestamp when it is absent
    a, b = pair()
    del a["timestamp"]
    assert statements_equivalent(a, b)


# ------------------------------------------------------ verbs and activities


def test_the_verb_display_is_ignored():
    # Data 2.3.1: the "display" property of the Verb is not part of the Statement
    a, b = pair()
    b["verb"]["display"] = {"de-DE": "nahm teil"}
    assert statements_equivalent(a, b)


def test_a_different_verb_id_differs():
    # Data 2.3.1: the Verb id is part of the Statement
    a, b = pair()
    b["verb"]["id"] = f.VERB_COMPLETED
    assert not statements_equivalent(a, b)


def test_the_activity_definition_is_ignored():
    # Data 2.3.1: Activity Definitions referenced by a Statement are not part of it
    a, b = pair()
    del b["object"]["definition"]
    assert statements_equivalent(a, b)


def test_a_context_activity_definition_is_ignored():
    # Data 2.3.1: Activity Definitions referenced by a Statement are not part of it
    a, b = pair()
    b["context"]["contextActivities"]["grouping"][0]["definition"] = {
        "name": {"en-US": "Programme"}
    }
    assert statements_equivalent(a, b)


def test_an_omitted_activity_object_type_is_ignored():
    # Data 2.4.4: without objectType the Object is an Activity
    a, b = pair()
    del b["object"]["objectType"]
    assert statements_equivalent(a, b)


def test_a_different_activity_id_differs():
    # Data 2.3.1: the Activity id is part of the Statement
    a, b = pair()
    b["object"]["id"] = "https://lrs.example.org/activities/other"
    assert not statements_equivalent(a, b)


def test_a_single_context_activity_equals_a_list_of_one():
    # Data 2.4.6.2: the LRS MUST return a single Activity Object as an array of length one
    a, b = pair()
    b["context"]["contextActivities"]["grouping"] = a["context"]["contextActivities"]["grouping"][0]
    assert statements_equivalent(a, b)


def test_the_order_of_context_activities_counts():
    # Data 2.3.1: only Group members are listed as un-ordered
    a, b = pair()
    first, second = {"id": "https://lrs.example.org/a/1"}, {"id": "https://lrs.example.org/a/2"}
    a["context"]["contextActivities"]["other"] = [first, second]
    b["context"]["contextActivities"]["other"] = [second, first]
    assert not statements_equivalent(a, b)


# ------------------------------------------------------------ agents, groups


def test_the_order_of_group_members_is_ignored():
    # Data 2.3.1: the list of Agents in a Group is not an ordered list
    a, b = pair(actor=group(f.agent("Ada"), f.agent("Grace")))
    b["actor"]["member"].reverse()
    assert statements_equivalent(a, b)


def test_different_group_members_differ():
    # Data 2.3.1: Group members are part of the Statement
    a, b = pair(actor=group(f.agent("Ada"), f.agent("Grace")))
    b["actor"]["member"][1] = f.agent("Alan")
    assert not statements_equivalent(a, b)


def test_the_case_of_the_mbox_domain_is_ignored():
    # Data 2.3.1: the domain portion of an e-mail address is case insensitive
    a, b = pair()
    b["actor"]["mbox"] = "mailto:ada.mentee@EXAMPLE.org"
    assert statements_equivalent(a, b)


def test_the_case_of_the_mbox_local_part_counts():
    # Data 2.2: values are case sensitive unless specified otherwise
    a, b = pair()
    b["actor"]["mbox"] = "mailto:Ada.Mentee@example.org"
    assert not statements_equivalent(a, b)


def test_the_case_of_an_mbox_sha1sum_is_ignored():
    # Data 2.3.1 case sensitivity: hex digits are case insensitive
    a, b = pair(actor={"mbox_sha1sum": "cd9b00a5611f94eaa7b1661edab976068e364975"})
    b["actor"]["mbox_sha1sum"] = b["actor"]["mbox_sha1sum"].upper()
    assert statements_equivalent(a, b)


def test_an_omitted_agent_object_type_is_ignored():
    # Data 2.4.2.1: objectType Agent is optional for the Actor
    a, b = pair()
    del b["actor"]["objectType"]
    assert statements_equivalent(a, b)


def test_a_different_agent_name_differs():
    # Communication 2.1.3 format: Agents are returned exactly as received
    a, b = pair()
    b["actor"]["name"] = "Ada L."
    assert not statements_equivalent(a, b)


# ---------------------------------------------------------- result, context


def test_the_result_duration_is_compared_as_a_string():
    # Data 2.3.1: Result Duration is considered a string for Statement comparison
    a, b = pair()
    b["result"]["duration"] = "PT0.75H"
    assert not statements_equivalent(a, b)


def test_duration_digits_beyond_hundredths_of_a_second_are_ignored():
    # Data 4.6: precision beyond 0.01 second SHOULD* NOT be included in the comparison
    a, b = pair()
    a["result"]["duration"] = "PT1M4.5678S"
    b["result"]["duration"] = "PT1M4.56S"
    assert statements_equivalent(a, b)


def test_a_different_score_differs():
    # Data 2.3.1: the Result is part of the Statement
    a, b = pair()
    b["result"]["score"]["raw"] = 8
    assert not statements_equivalent(a, b)


def test_numbers_compare_by_value():
    # Data 2.2: numbers are processed as numbers; 9 and 9.0 are the same value
    a, b = pair()
    b["result"]["score"]["raw"] = 9.0
    assert statements_equivalent(a, b)


def test_a_boolean_is_not_equal_to_a_number():
    # Data 2.2: a different data type is a different value
    a, b = pair()
    a["result"]["extensions"] = {"https://lrs.example.org/ext/flag": True}
    b["result"]["extensions"] = {"https://lrs.example.org/ext/flag": 1}
    assert not statements_equivalent(a, b)


def test_a_different_extension_value_differs():
    # Data 2.3.1: extensions are part of the Statement
    a, b = pair()
    a["context"]["extensions"] = {"https://lrs.example.org/ext/room": "A1"}
    b["context"]["extensions"] = {"https://lrs.example.org/ext/room": "A2"}
    assert not statements_equivalent(a, b)


def test_a_missing_result_differs():
    # Data 2.3.1: removing a property is a difference
    a, b = pair()
    del b["result"]
    assert not statements_equivalent(a, b)


def test_the_case_of_the_registration_is_ignored():
    # Data 2.3.1 case sensitivity; RFC 4122
    a, b = pair()
    b["context"]["registration"] = a["context"]["registration"].upper()
    assert statements_equivalent(a, b)


def test_the_case_of_the_context_language_is_ignored():
    # Data 2.3.1 case sensitivity; RFC 5646: language tags are case insensitive
    a, b = pair()
    b["context"]["language"] = "en-us"
    assert statements_equivalent(a, b)


def test_the_case_of_a_statement_ref_id_is_ignored():
    # Data 2.3.1 case sensitivity; RFC 4122
    a, b = pair(object={"objectType": "StatementRef", "id": "0af5b4c0-4b29-4d6a-9e08-2b5f0b1f7c3d"})
    b["object"]["id"] = b["object"]["id"].upper()
    assert statements_equivalent(a, b)


# --------------------------------------------------------------- attachments


def test_attachments_are_ignored():
    # Data 2.3.1: Attachments are not part of Statements; Data 2.6: the JWS payload
    # is the statement before its signature attachment was added
    a, b = pair()
    b["attachments"] = [
        {
            "usageType": "http://adlnet.gov/expapi/attachments/signature",
            "display": {"en-US": "Signature"},
            "contentType": "application/octet-stream",
            "length": 4235,
            "sha2": "dc9589e454ff375dd5dfd6f556d2583e231e8cafe55ef40102ddd988b79f86f0",
        }
    ]
    assert statements_equivalent(a, b)


# -------------------------------------------------------------- SubStatement


def test_a_substatement_verb_display_is_ignored():
    # Data 2.4.4.3: a SubStatement is compared as a Statement
    a, b = pair(object=substatement())
    b["object"]["verb"]["display"] = {"fr-FR": "a terminé"}
    assert statements_equivalent(a, b)


def test_a_substatement_timestamp_in_another_zone_is_the_same_instant():
    # Data 2.3.1: serialization of Timestamp data, inside a SubStatement too
    a, b = pair(object=substatement())
    b["object"]["timestamp"] = "2026-12-01T10:00:00+01:00"
    assert statements_equivalent(a, b)


def test_a_substatement_timestamp_absent_on_one_side_differs():
    # Data 2.4.7: the LRS never assigns a SubStatement's timestamp
    a, b = pair(object=substatement())
    del b["object"]["timestamp"]
    assert not statements_equivalent(a, b)


def test_a_different_substatement_actor_differs():
    # Data 2.4.4.3: the SubStatement is part of the Statement
    a, b = pair(object=substatement())
    b["object"]["actor"] = f.agent("Someone Else")
    assert not statements_equivalent(a, b)


def test_a_substatement_group_member_order_is_ignored():
    # Data 2.3.1: un-ordered lists, inside a SubStatement too
    sub = substatement()
    sub["actor"] = group(f.agent("Ada"), f.agent("Grace"))
    a, b = pair(object=sub)
    b["object"]["actor"]["member"].reverse()
    assert statements_equivalent(a, b)
