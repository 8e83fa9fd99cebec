"""The format parameter and the language of canonical statements."""

from __future__ import annotations

import copy

import pytest

from tests import factories as f
from xapi.formats import best_language, format_statement, parse_accept_language

SHA1 = "cd9b00a5611f94eaa7b1661edab976068e364975"


def choice_activity() -> dict:
    return {
        "objectType": "Activity",
        "id": "https://lrs.example.org/activities/quiz/q1",
        "definition": {
            "name": {"en-US": "Question 1", "fr-FR": "Question 1 (fr)"},
            "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
            "interactionType": "choice",
            "correctResponsesPattern": ["golf"],
            "choices": [
                {"id": "golf", "description": {"en-US": "Golf", "fr-FR": "Le golf"}},
                {"id": "tetris", "description": {"en-US": "Tetris", "fr-FR": "Le tetris"}},
            ],
        },
    }


def substatement() -> dict:
    return {
        "objectType": "SubStatement",
        "actor": {"objectType": "Group", "name": "Cohort 7", "mbox": "mailto:cohort7@example.org"},
        "verb": {
            "id": f.VERB_COMPLETED,
            "display": {"en-GB": "completed", "en-US": "completed (US)"},
        },
        "object": f.activity("sub/activity"),
    }


def anonymous_group() -> dict:
    return {
        "objectType": "Group",
        "name": "Pair",
        "member": [f.agent("Ada Mentee"), {"name": "Grace", "mbox_sha1sum": SHA1}],
    }


# ------------------------------------------------------------ Accept-Language


def test_accept_language_absent_gives_no_preference():
    # RFC 2616 14.4: without the header all languages are equally acceptable
    assert parse_accept_language(None) == []


def test_accept_language_is_ordered_by_quality():
    # RFC 2616 14.4 (Communication 2.1.3 language filtering)
    assert parse_accept_language("fr;q=0.5, en-GB, de;q=0.8") == ["en-GB", "de", "fr"]


def test_accept_language_keeps_the_sent_order_for_equal_quality():
    # RFC 2616 14.4
    assert parse_accept_language("es, en-US;q=0.9, en;q=0.9") == ["es", "en-US", "en"]


def test_accept_language_drops_unacceptable_languages():
    # RFC 2616 14.4: q=0 means "not acceptable"
    assert parse_accept_language("en, fr;q=0") == ["en"]


def test_accept_language_skips_malformed_entries():
    # The header only steers a choice: a bad entry does not fail the request
    assert parse_accept_language("en-GB;q=abc, not a tag, , de;q=1.5, fr") == ["fr"]


# ----------------------------------------------------------------------- exact


def test_exact_returns_the_statement_as_stored():
    # Communication 2.1.3 format exact: populated exactly as received
    doc = f.statement()
    assert format_statement(doc, "exact", ["fr"]) is doc


def test_an_unknown_format_is_an_error():
    # Communication 2.1.3: format is one of ids, exact, canonical
    with pytest.raises(ValueError):
        format_statement(f.statement(), "full", [])


# ------------------------------------------------------------------------- ids


def test_ids_keeps_an_agents_object_type_and_ifi():
    # Communication 2.1.3 format ids: the minimum information to identify Agents
    assert format_statement(f.statement(), "ids")["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:ada.mentee@example.org",
    }


def test_ids_keeps_an_identified_groups_object_type_and_ifi_only():
    # Communication 2.1.3 format ids (conformance XAPI-00171: exactly two properties)
    group = {**anonymous_group(), "openid": "https://id.example.org/pair"}
    assert format_statement(f.statement(actor=group), "ids")["actor"] == {
        "objectType": "Group",
        "openid": "https://id.example.org/pair",
    }


def test_ids_reduces_an_anonymous_groups_members_to_ids():
    # Communication 2.1.3 format ids: for Anonymous Groups, what identifies each member
    assert format_statement(f.statement(actor=anonymous_group()), "ids")["actor"] == {
        "objectType": "Group",
        "member": [
            {"objectType": "Agent", "mbox": "mailto:ada.mentee@example.org"},
            {"mbox_sha1sum": SHA1},
        ],
    }


def test_ids_keeps_only_an_activitys_id():
    # Communication 2.1.3 format ids (conformance XAPI-00171: exactly one property)
    assert format_statement(f.statement(), "ids")["object"] == {
        "id": "https://lrs.example.org/activities/sessions/2026-11-03"
    }


def test_ids_keeps_only_a_verbs_id():
    # Data 2.4.3: with format ids the LRS SHOULD* NOT include the display property
    assert format_statement(f.statement(), "ids")["verb"] == {"id": f.VERB_ATTENDED}


def test_ids_reduces_context_agents_and_activities():
    # Communication 2.1.3 format ids: every Agent, Group and Activity Object
    doc = f.statement()
    doc["context"]["team"] = anonymous_group()
    doc["context"]["contextActivities"]["parent"] = f.activity()
    context = format_statement(doc, "ids")["context"]
    assert context["instructor"] == {
        "objectType": "Agent",
        "mbox": "mailto:grace.mentor@example.org",
    }
    assert context["team"]["member"][1] == {"mbox_sha1sum": SHA1}
    assert context["contextActivities"] == {
        "grouping": [{"id": f.PROGRAM}],
        "parent": {"id": "https://lrs.example.org/activities/sessions/2026-11-03"},
    }


def test_ids_keeps_the_rest_of_the_context():
    # Communication 2.1.3 format ids concerns Agent, Activity, Verb and Group Objects only
    doc = f.statement()
    context = format_statement(doc, "ids")["context"]
    kept = ("registration", "language", "platform")
    assert {name: context[name] for name in kept} == {name: doc["context"][name] for name in kept}


def test_ids_reduces_the_authority():
    # Data 2.4.9: the authority is an Agent or Group
    doc = f.statement(
        authority={"objectType": "Group", "member": [f.account_agent(), f.agent("Bob")]}
    )
    assert format_statement(doc, "ids")["authority"] == {
        "objectType": "Group",
        "member": [
            {
                "objectType": "Agent",
                "account": {"homePage": "https://lms.example.org", "name": "ada-42"},
            },
            {"objectType": "Agent", "mbox": "mailto:bob@example.org"},
        ],
    }


def test_ids_applies_inside_a_substatement():
    # Communication 2.1.3 format ids (conformance XAPI-00171 uses a SubStatement)
    sub = format_statement(f.statement(object=substatement()), "ids")["object"]
    assert sub == {
        "objectType": "SubStatement",
        "actor": {"objectType": "Group", "mbox": "mailto:cohort7@example.org"},
        "verb": {"id": f.VERB_COMPLETED},
        "object": {"id": "https://lrs.example.org/activities/sub/activity"},
    }


def test_ids_keeps_a_statement_ref_and_the_result():
    # Communication 2.1.3 format ids: StatementRefs and Results are not reduced
    ref = {"objectType": "StatementRef", "id": "0af5b4c0-4b29-4d6a-9e08-2b5f0b1f7c3d"}
    doc = f.statement(object=ref)
    formatted = format_statement(doc, "ids")
    assert (formatted["object"], formatted["result"]) == (ref, doc["result"])


def test_ids_does_not_change_the_stored_statement():
    # Data 2.3.1: statements are immutable; formatting is a view
    doc = f.statement(actor=anonymous_group(), object=substatement())
    before = copy.deepcopy(doc)
    format_statement(doc, "ids")
    assert doc == before


# ------------------------------------------------------------------- canonical


def test_canonical_keeps_one_verb_display_language():
    # Communication 2.1.3 language filtering (conformance XAPI-00172)
    doc = f.statement(
        verb={"id": f.VERB_ATTENDED, "display": {"en-US": "attended", "en-GB": "attended (GB)"}}
    )
    assert format_statement(doc, "canonical", ["en-GB"])["verb"] == {
        "id": f.VERB_ATTENDED,
        "display": {"en-GB": "attended (GB)"},
    }


def test_canonical_keeps_one_language_in_activity_name_and_description():
    # Communication 2.1.3: the LRS MUST return only one language in each of these maps
    definition = format_statement(f.statement(), "canonical", ["fr-FR"])["object"]["definition"]
    assert definition["name"] == {"fr-FR": "Séance de mentorat"}
    assert definition["description"] == {"en-US": "Mentoring session between a mentor and a mentee"}


def test_canonical_keeps_the_rest_of_the_definition():
    # Communication 2.1.3 format canonical (conformance XAPI-00169)
    definition = format_statement(f.statement(object=choice_activity()), "canonical", ["fr"])[
        "object"
    ]["definition"]
    assert definition["interactionType"] == "choice"
    assert definition["correctResponsesPattern"] == ["golf"]


def test_canonical_keeps_one_language_in_interaction_components():
    # Communication 2.1.3: "and various interaction components"
    definition = format_statement(f.statement(object=choice_activity()), "canonical", ["fr"])[
        "object"
    ]["definition"]
    assert definition["choices"] == [
        {"id": "golf", "description": {"fr-FR": "Le golf"}},
        {"id": "tetris", "description": {"fr-FR": "Le tetris"}},
    ]


def test_canonical_applies_to_context_activities():
    # Communication 2.1.3 language filtering (conformance XAPI-00172 checks a category)
    doc = f.statement()
    doc["context"]["contextActivities"]["category"] = [f.activity("profiles/mentoring")]
    formatted = format_statement(doc, "canonical", ["fr-FR"])
    assert formatted["context"]["contextActivities"]["category"][0]["definition"]["name"] == {
        "fr-FR": "Séance de mentorat"
    }


def test_canonical_applies_inside_a_substatement():
    # Communication 2.1.3 format canonical (conformance XAPI-00169 uses a SubStatement)
    sub = format_statement(f.statement(object=substatement()), "canonical", ["en-GB"])["object"]
    assert sub["verb"]["display"] == {"en-GB": "completed"}
    assert sub["object"]["definition"]["name"] == {"en-US": "Mentoring session"}


def test_canonical_keeps_one_language_in_attachment_display_and_description():
    # Communication 2.1.3: the LRS SHOULD* return one language in each map it makes canonical
    attachment = {
        "usageType": "https://lrs.example.org/attachments/certificate",
        "display": {"en-US": "Certificate", "fr-FR": "Certificat"},
        "description": {"en-US": "Completion certificate", "fr-FR": "Certificat de réussite"},
        "contentType": "application/pdf",
        "length": 12345,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a",
    }
    formatted = format_statement(f.statement(attachments=[attachment]), "canonical", ["fr-FR"])
    assert formatted["attachments"][0]["display"] == {"fr-FR": "Certificat"}
    assert formatted["attachments"][0]["description"] == {"fr-FR": "Certificat de réussite"}


def test_canonical_returns_agents_and_groups_as_exact():
    # Communication 2.1.3 format canonical: "return the original Agent and Group Objects"
    doc = f.statement(actor=anonymous_group())
    formatted = format_statement(doc, "canonical", ["fr"])
    assert (formatted["actor"], formatted["context"]["instructor"]) == (
        doc["actor"],
        doc["context"]["instructor"],
    )


def test_canonical_uses_the_definition_the_lrs_knows():
    # Communication 2.1.3: Activity Objects populated with the canonical definition
    known = {
        "name": {"en-US": "Mentoring session (corrected)"},
        "type": "http://adlnet.gov/expapi/activities/meeting",
    }
    activity_id = "https://lrs.example.org/activities/sessions/2026-11-03"
    formatted = format_statement(
        f.statement(), "canonical", ["en"], activity_definitions={activity_id: known}
    )
    assert formatted["object"]["definition"] == known


def test_canonical_falls_back_to_some_language_when_none_is_acceptable():
    # Communication 2.1.3: only one language is returned, even when none matches
    formatted = format_statement(f.statement(), "canonical", ["ja"])
    assert formatted["verb"]["display"] == {"en-US": "attended"}


def test_canonical_does_not_change_the_stored_statement():
    # Data 2.3.1: statements are immutable; formatting is a view
    doc = f.statement(object=substatement())
    before = copy.deepcopy(doc)
    format_statement(doc, "canonical", ["fr"])
    assert doc == before


# --------------------------------------------------------------- best_language


def test_best_language_prefers_the_same_tag():
    # RFC 2616 14.4: the language-range equals the tag
    assert best_language(["en", "en-GB", "en-US"], ["en-GB"]) == "en-GB"


def test_best_language_takes_a_more_specific_tag():
    # RFC 2616 14.4: "en" matches "en-US"
    assert best_language(["fr-FR", "en-US"], ["en"]) == "en-US"


def test_best_language_takes_a_less_specific_tag():
    # RFC 4647 3.4 lookup: "en-GB" falls back to "en"
    assert best_language(["fr", "en"], ["en-GB"]) == "en"


def test_best_language_follows_the_quality_order():
    # RFC 2616 14.4: the most wanted acceptable language
    assert best_language(["fr-FR", "de-DE"], ["de", "fr"]) == "de-DE"


def test_best_language_prefers_an_acceptable_language_to_a_regional_sibling():
    # RFC 2616 14.4: "en-GB, fr" does not say en-US is acceptable, but fr is
    assert best_language(["en-US", "fr"], ["en-GB", "fr"]) == "fr"


def test_best_language_takes_a_regional_sibling_before_an_arbitrary_language():
    # Communication 2.1.3: an English reader asking for en-GB gets English
    assert best_language(["fr-FR", "en-US"], ["en-GB"]) == "en-US"


def test_best_language_ignores_case():
    # RFC 5646 2.1.1: tags are case insensitive
    assert best_language(["fr-FR", "EN-gb"], ["en-GB"]) == "EN-gb"


def test_best_language_wildcard_takes_any_language():
    # RFC 2616 14.4: "*" matches every tag
    assert best_language(["fr-FR", "de-DE"], ["ja", "*"]) == "fr-FR"
