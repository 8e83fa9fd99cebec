"""docs/profile/mentoring.jsonld: the profile as an ADL xAPI Profiles 1.0 document, in
agreement with the vocabulary the views use (`projections.mentoring_profile`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from projections import programs_profile
from projections.mentoring_profile import Vocabulary

DOCUMENT = Path(__file__).parents[2] / "docs" / "profile" / "mentoring.jsonld"
VOCABULARY = Vocabulary()
MINTED = {**VOCABULARY.minted(), **programs_profile.Terms.of(VOCABULARY).minted()}
REGISTERED = {**VOCABULARY.registered(), **programs_profile.registered()}
PROGRAM_LESS = {f"{VOCABULARY.base}/templates/{name}" for name in (
    "skill-claimed", "skill-assessed", "role", "reports-to", "target", "outcome-measure")}
"""The additions' templates about a person in general (docs/profile, "Program additions"):
they name no program."""


@pytest.fixture(scope="module")
def profile() -> dict[str, Any]:
    return dict(orjson.loads(DOCUMENT.read_bytes()))


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_profile_has_the_required_properties(profile: dict[str, Any]) -> None:
    """xAPI Profiles 1.0 Part Two 6.0: @context, id, type Profile, conformsTo, prefLabel,
    definition, author, versions (with generatedAtTime)."""
    assert profile["@context"] == "https://w3id.org/xapi/profiles/context"
    assert (profile["id"], profile["type"]) == (VOCABULARY.base, "Profile")
    assert profile["conformsTo"] == "https://w3id.org/xapi/profiles#1.0"
    assert profile["prefLabel"]["en"] and profile["definition"]["en"]
    assert profile["author"]["type"] in ("Organization", "Person") and profile["author"]["name"]
    assert all(v["id"].startswith(profile["id"]) and v["generatedAtTime"] for v in profile["versions"])


def test_every_minted_iri_is_a_concept_of_its_kind_in_this_profile(profile: dict[str, Any]) -> None:
    """Part Two 7.0: each minted Verb, ActivityType and extension is a Concept with inScheme
    a version of this profile, a prefLabel and a definition."""
    versions = {v["id"] for v in profile["versions"]}
    concepts = {c["id"]: c for c in profile["concepts"]}
    for iri, kind in MINTED.items():
        concept = concepts[iri]
        assert concept["type"] == kind and concept["inScheme"] in versions
        assert concept["prefLabel"]["en"] and concept["definition"]["en"]
    assert set(concepts) == set(MINTED)


def test_every_iri_the_views_use_is_in_the_profile(profile: dict[str, Any]) -> None:
    """The views recognise nothing the profile does not name: registered IRIs are used in
    the Statement Templates."""
    named = set(strings(profile["templates"])) | {c["id"] for c in profile["concepts"]}
    rule_locations = " ".join(r["location"] for t in profile["templates"] for r in t.get("rules", []))
    for iri in [*MINTED, *REGISTERED]:
        assert iri in named or iri in rule_locations, iri


def test_each_statement_kind_has_a_template_with_rules(profile: dict[str, Any]) -> None:
    """Part Two 8.0: one StatementTemplate per row of the profile's tables (a verb each; video
    started has two verbs), each requiring the program in grouping unless it is about a
    person in general."""
    templates = profile["templates"]
    assert len({t["id"] for t in templates}) == len(templates) == 11 + 14
    versions = {v["id"] for v in profile["versions"]}
    for template in templates:
        assert template["type"] == "StatementTemplate" and template["inScheme"] in versions
        assert template["verb"] in {*MINTED, *REGISTERED}
        if template["id"] not in PROGRAM_LESS:
            assert template["contextGroupingActivityType"] == [VOCABULARY.program]
        assert all(r["location"].startswith("$.") and {"presence", "any", "all", "none"} & set(r)
                   for r in template["rules"])


def test_extension_schemas_are_json(profile: dict[str, Any]) -> None:
    """Part Two 7.2: inlineSchema is a string holding a JSON Schema."""
    for concept in profile["concepts"]:
        if "inlineSchema" in concept:
            assert isinstance(orjson.loads(concept["inlineSchema"]), dict)
