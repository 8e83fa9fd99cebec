"""The pure rules of the document resources: parameters, addresses, ETags, preconditions, merge."""

from __future__ import annotations

import hashlib

import orjson
import pytest

from tests import factories as f
from xapi.documents import (
    DocumentAddress,
    DocumentConflict,
    DocumentKind,
    DocumentScope,
    MergeRefused,
    PreconditionFailed,
    Preconditions,
    check_posted,
    etag_of,
    merge_json_documents,
    parse_document_request,
    parse_preconditions,
)
from xapi.errors import InvalidParameter
from xapi.versions import V1_0_3

ADA = f.agent()
REGISTRATION = "2F6F2A9E-0C39-4A8C-9C1E-51A2B1F0E001"
ETAG = '"' + "a" * 40 + '"'


def state_args(**values):
    base = {"activityId": f.SESSION, "agent": orjson.dumps(ADA).decode(), "stateId": "bookmark"}
    base.update(values)
    return {k: [v] for k, v in base.items() if v is not None}


def problems(kind, method, args):
    with pytest.raises(InvalidParameter) as raised:
        parse_document_request(kind, method, args)
    return [(e.path, e.rule) for e in raised.value.errors]


# --- parameters ----------------------------------------------------------------------


def test_documents_state_parameters_give_the_address():
    # Communication 2.3: activityId, agent, registration, stateId
    request = parse_document_request(
        DocumentKind.STATE, "PUT", state_args(registration=REGISTRATION)
    )
    scope = request.scope
    assert (scope.activity_id, scope.agent_key, scope.registration, request.document_id) == (
        f.SESSION,
        "mbox:mailto:ada.mentee@example.org",
        REGISTRATION.lower(),
        "bookmark",
    )


def test_documents_state_get_without_state_id_is_about_many():
    # Communication 2.3 Multiple Document GET
    request = parse_document_request(DocumentKind.STATE, "GET", state_args(stateId=None))
    assert request.document_id is None


def test_documents_head_takes_the_get_parameters():
    # Communication 1.1: HEAD as GET
    request = parse_document_request(
        DocumentKind.STATE, "HEAD", state_args(since="2026-11-03T10:00:00Z")
    )
    assert request.since is not None


def test_documents_profile_delete_needs_the_profile_id():
    # Communication 2.6 / 2.7: no multiple-document DELETE on profile resources
    args = {"activityId": [f.SESSION]}
    assert problems(DocumentKind.ACTIVITY_PROFILE, "DELETE", args) == [("profileId", "required")]


def test_documents_state_delete_without_state_id_is_about_many():
    # Communication 2.3 Multiple Document DELETE
    request = parse_document_request(DocumentKind.STATE, "DELETE", state_args(stateId=None))
    assert request.document_id is None


def test_documents_agent_profile_takes_no_activity_or_registration():
    # Communication 2.6 parameter table
    args = {
        "agent": [orjson.dumps(ADA).decode()],
        "profileId": ["p"],
        "activityId": [f.SESSION],
        "registration": [REGISTRATION],
    }
    assert problems(DocumentKind.AGENT_PROFILE, "GET", args) == [
        ("activityId", "unknown-parameter"),
        ("registration", "unknown-parameter"),
    ]


def test_documents_every_problem_is_reported():
    # Data 2.2: parameters validated as in statements; every error with its path
    args = state_args(activityId="no scheme", agent='{"mbox": "ada"}', registration="x", stateId="")
    assert sorted(problems(DocumentKind.STATE, "PUT", args)) == [
        ("activityId", "iri"),
        ("agent.mbox", "mbox-mailto-iri"),
        ("registration", "uuid"),
        ("stateId", "not-empty"),
    ]


def test_documents_agent_group_is_refused():
    # Communication 2.6: the agent parameter is not a Group
    args = state_args(agent=orjson.dumps(f.group(account_name="circle")).decode())
    assert problems(DocumentKind.STATE, "GET", args) == [("agent.objectType", "agent-not-group")]


def test_documents_since_is_only_for_get():
    # Communication 2.3: since belongs to the multiple-document GET
    args = state_args(since="2026-11-03T10:00:00Z")
    assert problems(DocumentKind.STATE, "POST", args) == [("since", "unknown-parameter")]


# --- addresses --------------------------------------------------------------------------


def address(**values):
    return parse_document_request(DocumentKind.STATE, "PUT", state_args(**values)).address


def test_documents_uuid_is_stable_for_an_address():
    # Issue: the aggregate id is a UUID5 of the document's address
    assert address().uuid == address().uuid
    assert address().uuid.version == 5


def test_documents_uuid_ignores_the_agent_name():
    # Communication 2.1.3: Agents are the same by their identifier
    renamed = orjson.dumps({"mbox": ADA["mbox"], "name": "Ada L."}).decode()
    assert address(agent=renamed).uuid == address().uuid


@pytest.mark.parametrize(
    "change",
    [
        {"registration": REGISTRATION},
        {"stateId": "other"},
        {"activityId": f.PROGRAM},
        {"agent": orjson.dumps(f.agent("Grace Mentor")).decode()},
    ],
)
def test_documents_uuid_differs_for_another_address(change):
    # Communication 2.3: each part of the address names a different document
    assert address(**change).uuid != address().uuid


def test_documents_uuid_differs_between_resources():
    # Communication 2.2: the three resources are separate stores
    state = DocumentAddress(DocumentScope(DocumentKind.STATE, f.SESSION), "agenda")
    profile = DocumentAddress(DocumentScope(DocumentKind.ACTIVITY_PROFILE, f.SESSION), "agenda")
    assert profile.uuid != state.uuid


# --- ETags and preconditions ------------------------------------------------------------


def test_documents_etag_is_the_quoted_sha1():
    # Communication 3.1: quoted hexadecimal SHA-1 of the contents, lowercase
    assert etag_of(b"abc") == '"' + hashlib.sha1(b"abc").hexdigest() + '"'


def pre(kind=DocumentKind.STATE, method="PUT", if_match=None, if_none_match=None):
    return parse_preconditions(kind, method, if_match, if_none_match, V1_0_3)


def test_documents_if_match_with_the_current_etag_holds():
    # Communication 3.1 / RFC 2616 14.24
    pre(if_match=ETAG).check(ETAG)


def test_documents_if_match_accepts_a_list_and_weak_or_unquoted_tags():
    # RFC 2616 14.24: a list of entity tags; read leniently
    pre(if_match=f'"{"b" * 40}", W/{ETAG}').check(ETAG)
    pre(if_match="A" * 40).check(ETAG)


def test_documents_if_match_with_another_etag_fails():
    # Communication 3.1: 412
    with pytest.raises(PreconditionFailed):
        pre(if_match='"' + "b" * 40 + '"').check(ETAG)


def test_documents_if_match_without_a_document_fails():
    # RFC 2616 14.24: no current entity
    with pytest.raises(PreconditionFailed):
        pre(if_match="*").check(None)


def test_documents_if_none_match_star_fails_on_an_existing_document():
    # Communication 3.1: If-None-Match: *
    with pytest.raises(PreconditionFailed):
        pre(if_none_match="*").check(ETAG)


def test_documents_if_none_match_star_holds_without_a_document():
    # Communication 3.1: If-None-Match: *
    pre(if_none_match="*").check(None)


def test_documents_state_put_without_preconditions_holds_on_an_existing_document():
    # Communication 3.1: the State resource permits PUT without concurrency headers (1.0.3)
    pre().check(ETAG)


def test_documents_profile_put_without_preconditions_conflicts_on_an_existing_document():
    # Communication 3.1: 409 Conflict
    with pytest.raises(DocumentConflict):
        pre(kind=DocumentKind.AGENT_PROFILE).check(ETAG)


def test_documents_profile_put_without_preconditions_is_refused_on_a_new_document():
    # Communication 3.1: the client MUST send a precondition (1.0.3 conformance XAPI-00273)
    with pytest.raises(InvalidParameter):
        pre(kind=DocumentKind.ACTIVITY_PROFILE).check(None)


def test_documents_profile_post_without_preconditions_holds():
    # Communication 3.1: POST SHOULD* carry one; it is not required
    pre(kind=DocumentKind.ACTIVITY_PROFILE, method="POST").check(ETAG)


def test_documents_empty_if_match_is_malformed():
    # RFC 2616 14.24: * or entity tags
    with pytest.raises(InvalidParameter):
        pre(if_match=" , ")


def test_documents_no_header_means_no_precondition_given():
    # Communication 3.1: the headers are optional except where the rules require them
    assert not Preconditions().given


# --- merge -------------------------------------------------------------------------------


def test_documents_merge_sets_posted_top_level_properties():
    # Communication 2.2 JSON Procedure example
    merged = merge_json_documents(
        b'{"x":"foo","y":"bar"}', "application/json", b'{"x":"bash","z":"faz"}', "application/json"
    )
    assert orjson.loads(merged) == {"x": "bash", "y": "bar", "z": "faz"}


def test_documents_merge_keeps_the_existing_order_then_new_properties():
    # Communication 2.2: any valid serialization; this one is stable for ETags
    merged = merge_json_documents(
        b'{"b":1,"a":2}', "application/json", b'{"c":3,"b":4}', "application/json"
    )
    assert merged == b'{"b":4,"a":2,"c":3}'


@pytest.mark.parametrize(
    "existing,existing_type,posted,posted_type,rule",
    [
        (b"{}", "application/json", b"abc", "text/plain", "merge-json-only"),
        (b"abc", "text/plain", b"{}", "application/json", "merge-json-only"),
        (b"{}", "application/json", b"{", "application/json", "json"),
        (b"{}", "application/json", b"[1]", "application/json", "json-object"),
        (b"{}", "application/json", b'{"a": NaN}', "application/json", "json"),
        (b"{}", "application/json", b'{"a": 1e999}', "application/json", "json"),
        (b"{}", "application/json", b"\xff", "application/json", "json"),
    ],
)
def test_documents_merge_refuses_what_is_not_two_json_objects(
    existing, existing_type, posted, posted_type, rule
):
    # Communication 2.2: 400 when either document is not an application/json JSON Object
    with pytest.raises(MergeRefused) as raised:
        merge_json_documents(existing, existing_type, posted, posted_type)
    assert raised.value.errors[0].rule == rule


def test_documents_posted_json_must_be_an_object():
    # Communication 2.2 (conformance XAPI-00314)
    with pytest.raises(MergeRefused):
        check_posted(b'{"a":1}[', "application/json")


def test_documents_posted_other_types_are_not_checked():
    # Communication 2.2: a POST to a missing document is a PUT
    check_posted(b"\x00", "application/octet-stream")
