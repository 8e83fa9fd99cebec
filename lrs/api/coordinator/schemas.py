"""The coordinator API's responses as marshmallow schemas, and its OpenAPI document.

Every JSON answer is dumped through its schema, and the OpenAPI document is
generated from the same schemas (apispec's marshmallow plugin), so the two
cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from marshmallow import Schema, fields

from lrs.api.coordinator.params import DEFAULT_LIMIT, IRI, MAX_LIMIT, MAX_POSITION

_TIME = "RFC 3339 time, UTC"


class AccountSchema(Schema):
    homePage = fields.String(required=True)
    name = fields.String(required=True)


class AgentSchema(Schema):
    """An xAPI Agent: one identifier, and the latest name seen (display only)."""

    objectType = fields.Constant("Agent")
    name = fields.String()
    mbox = fields.String()
    mbox_sha1sum = fields.String()
    openid = fields.String()
    account = fields.Nested(AccountSchema)


class ProgramSchema(Schema):
    id = fields.String(required=True, metadata={"description": "the program Activity's IRI"})
    name = fields.String(allow_none=True)


class WindowSchema(Schema):
    """What every answer was computed for."""

    since = fields.String(allow_none=True, metadata={"description": _TIME})
    until = fields.String(allow_none=True, metadata={"description": _TIME})
    at = fields.String(required=True, metadata={"description": "the reference instant, " + _TIME})
    as_of = fields.Integer(
        allow_none=True, metadata={"description": "log position the view was read as of (null: latest)"}
    )


class ProgramListSchema(Schema):
    programs = fields.List(fields.Nested(ProgramSchema), required=True)
    as_of = fields.Integer(allow_none=True)


class MenteeProgressSchema(Schema):
    agent = fields.Nested(AgentSchema, required=True)
    mentors = fields.List(fields.Nested(AgentSchema), required=True)
    sessions = fields.Integer(required=True)
    session_seconds = fields.Float(required=True)
    last_session = fields.String(allow_none=True, metadata={"description": _TIME})
    videos_started = fields.Integer(required=True)
    videos_completed = fields.Integer(required=True)
    watch_seconds = fields.Float(required=True)
    comments = fields.Integer(required=True)
    goals_set = fields.Integer(required=True)
    goals_met = fields.Integer(required=True)
    goals_open = fields.Integer(required=True)
    goals_overdue = fields.Integer(required=True)
    mean_days_to_goal = fields.Float(allow_none=True)
    feedback_given = fields.Integer(required=True)
    feedback_received = fields.Integer(required=True)
    mean_rating_received = fields.Float(allow_none=True)
    last_activity = fields.String(allow_none=True, metadata={"description": _TIME})
    days_since_last_activity = fields.Integer(allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["on_track", "at_risk", "inactive"]})


class MentorContributionSchema(Schema):
    agent = fields.Nested(AgentSchema, required=True)
    mentees = fields.List(fields.Nested(AgentSchema), required=True)
    sessions_held = fields.Integer(required=True)
    hours = fields.Float(required=True)
    comments = fields.Integer(required=True)
    replies = fields.Integer(required=True)
    feedback_given = fields.Integer(required=True)
    feedback_received = fields.Integer(required=True)
    mentee_goals_met = fields.Integer(required=True)
    mean_rating_received = fields.Float(allow_none=True)


class WeekRatingSchema(Schema):
    week = fields.String(required=True, metadata={"description": "Monday starting the ISO week, YYYY-MM-DD"})
    mean_rating = fields.Float(required=True)
    ratings = fields.Integer(required=True)


class PairAtRiskSchema(Schema):
    mentor = fields.Nested(AgentSchema, required=True)
    mentee = fields.Nested(AgentSchema, required=True)
    reasons = fields.List(fields.String(metadata={"enum": ["no_session", "overdue_goal"]}), required=True)
    last_session = fields.String(allow_none=True, metadata={"description": _TIME})
    goals_overdue = fields.Integer(required=True)


class WeekSchema(Schema):
    week = fields.String(required=True, metadata={"description": "Monday starting the ISO week, YYYY-MM-DD"})
    sessions = fields.Integer(required=True)
    video_statements = fields.Integer(required=True)
    comments = fields.Integer(required=True)
    feedback = fields.Integer(required=True)
    goals_set = fields.Integer(required=True)
    goals_met = fields.Integer(required=True)


class ProgramSummarySchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    mentors = fields.Integer(required=True)
    mentees = fields.Integer(required=True)
    pairs = fields.Integer(required=True)
    active_pairs = fields.Integer(required=True)
    sessions = fields.Integer(required=True)
    sessions_per_pair_per_month = fields.Float(allow_none=True)
    goals_set = fields.Integer(required=True)
    goals_met = fields.Integer(required=True)
    goal_attainment_rate = fields.Float(allow_none=True)
    median_days_to_goal = fields.Float(allow_none=True)
    feedback_count = fields.Integer(required=True)
    mean_rating = fields.Float(allow_none=True)
    rating_trend = fields.List(fields.Nested(WeekRatingSchema), required=True)
    pairs_at_risk = fields.List(fields.Nested(PairAtRiskSchema), required=True)


class MenteeSchema(WindowSchema, MenteeProgressSchema):
    program = fields.Nested(ProgramSchema, required=True)


class MentorSchema(WindowSchema, MentorContributionSchema):
    program = fields.Nested(ProgramSchema, required=True)


class MenteeListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    mentees = fields.List(fields.Nested(MenteeProgressSchema), required=True)
    more = fields.String(required=True, metadata={"description": "URL of the next page; empty on the last"})


class MentorListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    mentors = fields.List(fields.Nested(MentorContributionSchema), required=True)
    more = fields.String(required=True, metadata={"description": "URL of the next page; empty on the last"})


class WeeklySeriesSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    weeks = fields.List(fields.Nested(WeekSchema), required=True)


class CohortSchema(Schema):
    month = fields.String(required=True, metadata={"description": "YYYY-MM of the mentees' first enrolment"})
    mentees = fields.Integer(required=True)
    pairs = fields.Integer(required=True)
    active_pairs = fields.Integer(required=True)
    pairs_at_risk = fields.Integer(required=True)
    sessions = fields.Integer(required=True)
    goals_set = fields.Integer(required=True)
    goals_met = fields.Integer(required=True)
    goal_attainment_rate = fields.Float(required=True, allow_none=True)
    mean_rating = fields.Float(required=True, allow_none=True)
    weekly_sessions = fields.List(fields.Integer(), required=True,
                                  metadata={"description": "sessions in each week of weeks"})


class CohortListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    weeks = fields.List(fields.String(), required=True, metadata={"description": "the Mondays of the series"})
    cohorts = fields.List(fields.Nested(CohortSchema), required=True)


class PairsAtRiskSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    pairs_at_risk = fields.List(fields.Nested(PairAtRiskSchema), required=True)


class SaidSchema(Schema):
    """One comment, reply or feedback, with its text."""

    statement = fields.String(required=True, metadata={"description": "the statement's id"})
    kind = fields.String(required=True, metadata={"enum": ["comment", "reply", "feedback"]})
    timestamp = fields.String(required=True, metadata={"description": _TIME})
    actor = fields.Nested(AgentSchema, required=True, metadata={"description": "who said it"})
    recipient = fields.Nested(AgentSchema, allow_none=True,
                              metadata={"description": "the feedback's recipient (null: none named, or a comment)"})
    about = fields.String(allow_none=True, metadata={"description": "the Activity it is about"})
    rating = fields.Float(allow_none=True, metadata={"description": "the feedback's rating, 1 to 5"})
    text = fields.String(allow_none=True, metadata={
        "description": "result.response, at most 2000 characters (longer texts are cut); untrusted text"})


class FeedbackListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    agent = fields.Nested(AgentSchema, required=True)
    feedback = fields.List(fields.Nested(SaidSchema), required=True, metadata={"description": "newest first"})


class CommentListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    agent = fields.Nested(AgentSchema, required=True)
    comments = fields.List(fields.Nested(SaidSchema), required=True, metadata={"description": "newest first"})


class FieldErrorSchema(Schema):
    path = fields.String(required=True)
    rule = fields.String(required=True)
    message = fields.String(required=True)


class ErrorSchema(Schema):
    error = fields.String(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema))


# --- the OpenAPI document ---------------------------------------------------------

_INSTANT = {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "string", "format": "date"}]}
"""An RFC 3339 time or a date (its midnight, UTC): what `params.parse` accepts."""

_PARAMETERS: dict[str, dict[str, Any]] = {
    "program": {"description": "the program Activity's IRI",
                "schema": {"type": "string", "format": "iri", "pattern": f"^{IRI.pattern}$"}},
    "agent": {
        "description": "an xAPI Agent as JSON, with one identifier (like the xAPI agent parameter)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Agent"}}},
    },
    "since": {"description": "only statements timestamped at or after this (RFC 3339 time or YYYY-MM-DD)",
              "schema": _INSTANT},
    "until": {"description": "only statements timestamped before this, later than since "
                             "(RFC 3339 time or YYYY-MM-DD)", "schema": _INSTANT},
    "at": {"description": "the reference instant (default: now); statements timestamped later do not count",
           "schema": _INSTANT},
    "as_of": {"description": "read the view as it stood at this log position, or at the last position "
                             "stored at or before this RFC 3339 time",
              "schema": {"oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_POSITION}, *_INSTANT["oneOf"]]}},
    "limit": {"description": "most items per page (of texts: the newest)",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    "after": {"description": "cursor: give the more link instead of setting it",
              "schema": {"type": "string", "minLength": 1}},
    "width": {"description": "seconds of video per bucket",
              "schema": {"type": "integer", "minimum": 1, "maximum": 86400, "default": 30}},
}

ENDPOINTS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    # (path, summary, schema, parameters, required parameters)
    ("/coordinator/programs", "The programs named by profile statements", "ProgramListSchema",
     ("as_of",), ()),
    ("/coordinator/program", "A program's tracking summary", "ProgramSummarySchema",
     ("program", "since", "until", "at", "as_of"), ("program",)),
    ("/coordinator/program/mentees", "The mentees of a program with their progress", "MenteeListSchema",
     ("program", "since", "until", "at", "as_of", "limit", "after"), ("program",)),
    ("/coordinator/program/mentors", "The mentors of a program with their contribution", "MentorListSchema",
     ("program", "since", "until", "at", "as_of", "limit", "after"), ("program",)),
    ("/coordinator/program/weekly", "A program's weekly activity series", "WeeklySeriesSchema",
     ("program", "since", "until", "at", "as_of"), ("program",)),
    ("/coordinator/program/cohorts", "A program's cohorts (mentees by enrolment month) on its main figures",
     "CohortListSchema", ("program", "since", "until", "at", "as_of"), ("program",)),
    ("/coordinator/program/pairs-at-risk", "A program's pairs at risk, with their reasons",
     "PairsAtRiskSchema", ("program", "since", "until", "at", "as_of"), ("program",)),
    ("/coordinator/mentee", "One mentee's progress in a program", "MenteeSchema",
     ("program", "agent", "since", "until", "at", "as_of"), ("program", "agent")),
    ("/coordinator/mentor", "One mentor's contribution in a program", "MentorSchema",
     ("program", "agent", "since", "until", "at", "as_of"), ("program", "agent")),
    ("/coordinator/feedback/received", "The feedback an Agent received in a program, with its texts",
     "FeedbackListSchema", ("program", "agent", "since", "until", "at", "as_of", "limit"), ("program", "agent")),
    ("/coordinator/feedback/given", "The feedback an Agent gave in a program, with its texts",
     "FeedbackListSchema", ("program", "agent", "since", "until", "at", "as_of", "limit"), ("program", "agent")),
    ("/coordinator/comments", "The comments and replies an Agent posted in a program, with their texts",
     "CommentListSchema", ("program", "agent", "since", "until", "at", "as_of", "limit"), ("program", "agent")),
)

SCHEMAS: dict[str, type[Schema]] = {
    cls.__name__: cls
    for cls in (
        AgentSchema, ProgramSchema, ProgramListSchema, MenteeProgressSchema, MentorContributionSchema,
        WeekRatingSchema, PairAtRiskSchema, WeekSchema, ProgramSummarySchema, MenteeSchema, MentorSchema,
        MenteeListSchema, MentorListSchema, WeeklySeriesSchema, PairsAtRiskSchema, SaidSchema,
        FeedbackListSchema, CommentListSchema, ErrorSchema, CohortSchema, CohortListSchema,
    )
}


def openapi_document(version: str = "1.0.0") -> dict[str, Any]:
    """OpenAPI 3 for the coordinator API, from the response schemas (with the program
    endpoints', `lrs.api.coordinator.program_schemas`, which builds on these)."""
    from lrs.api.coordinator import program_schemas
    spec = APISpec(
        title="LRS coordinator API",
        version=version,
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Mentoring figures per program, mentee and mentor (docs/profile/README.md). "
                             "Every list answers text/csv on Accept: text/csv."},
    )
    spec.components.security_scheme("basic", {"type": "http", "scheme": "basic"})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for name, schema in {**SCHEMAS, **program_schemas.SCHEMAS}.items():
        spec.components.schema(name.removesuffix("Schema"), schema=schema)
    error = {"description": "error", "content": {"application/json": {"schema": "ErrorSchema"}}}
    for path, summary, response, parameters, required in (*ENDPOINTS, *program_schemas.ENDPOINTS):
        spec.path(path=path, operations={"get": {
            "summary": summary,
            "security": [{"basic": []}, {"bearer": []}],
            "parameters": [
                {"in": "query", "name": name, "required": name in required, **_PARAMETERS[name]}
                for name in parameters
            ],
            "responses": {
                "200": {"description": "OK", "content": {
                    "application/json": {"schema": response},
                    "text/csv": {"schema": {"type": "string"}},
                }},
                "400": {**error, "description": "invalid parameters"},
                "401": {**error, "description": "no or invalid credentials"},
                "403": {**error, "description": "the credential lacks the scope coordinator/read"},
                "404": {**error, "description": "no such program, mentee or mentor"},
            },
        }})
    return spec.to_dict()
