"""The responses of the program endpoints (matching, gaps, reinforcement, engagement,
outcomes, profile issues) as marshmallow schemas; `lrs.api.coordinator.schemas` adds
them, and their endpoints, to the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields

from lrs.api.coordinator.schemas import AgentSchema, ProgramSchema, WindowSchema

_TIME = "RFC 3339 time, UTC"
_LEVEL = {"description": "a level from 0 (none) to 4 (expert)"}


class CoveredSchema(Schema):
    competency = fields.String(required=True)
    gap = fields.Integer(required=True, metadata={"description": "the mentee's gap: target − evidenced"})
    mentor_level = fields.Integer(required=True, metadata=_LEVEL)
    covered = fields.Integer(required=True, metadata={"description": "min(gap, mentor level − mentee level)"})


class ConstraintsSchema(Schema):
    capacity = fields.Integer(required=True)
    mentees_before = fields.Integer(required=True, metadata={"description": "the mentor's mentees already paired"})
    place = fields.Integer(required=True, metadata={"description": "which of the mentor's free places this takes"})
    managers_checked = fields.List(fields.Nested(AgentSchema), required=True, metadata={
        "description": "the mentee's managers within the levels checked: none is the mentor"})
    direction = fields.String(required=True, metadata={"enum": ["conventional", "reverse"]})
    mentor_seniority = fields.Integer(allow_none=True)
    mentee_seniority = fields.Integer(allow_none=True)


class SuggestionSchema(Schema):
    mentor = fields.Nested(AgentSchema, required=True)
    mentee = fields.Nested(AgentSchema, required=True)
    score = fields.Float(required=True)
    covers = fields.List(fields.Nested(CoveredSchema), required=True, metadata={
        "description": "the mentee's gaps the mentor's skills cover, the largest first"})
    mentee_rank = fields.Integer(allow_none=True, metadata={"description": "where the mentee ranked the mentor"})
    mentor_rank = fields.Integer(allow_none=True, metadata={"description": "where the mentor shortlisted the mentee"})
    mutual = fields.Boolean(required=True)
    constraints = fields.Nested(ConstraintsSchema, required=True)
    explanation = fields.String(required=True)


class UnmatchedSchema(Schema):
    agent = fields.Nested(AgentSchema, required=True)
    reason = fields.String(required=True)


class MatchingSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    direction = fields.String(required=True, metadata={"enum": ["conventional", "reverse"]})
    manager_levels = fields.Integer(required=True, metadata={"description": "0: every level up"})
    suggestions = fields.List(fields.Nested(SuggestionSchema), required=True)
    unmatched = fields.List(fields.Nested(UnmatchedSchema), required=True)


class GapSchema(Schema):
    agent = fields.Nested(AgentSchema, required=True)
    role = fields.String(allow_none=True)
    team = fields.String(allow_none=True)
    competency = fields.String(required=True)
    target = fields.Integer(required=True, metadata=_LEVEL)
    evidenced = fields.Integer(allow_none=True, metadata={"description": "the latest assessed level"})
    claimed = fields.Integer(allow_none=True, metadata={"description": "the latest claimed level (not evidence)"})
    gap = fields.Integer(required=True)
    last_evidence = fields.String(allow_none=True, metadata={"description": _TIME})


class GapListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    gaps = fields.List(fields.Nested(GapSchema), required=True, metadata={
        "description": "per person (key order) and competency, the largest gap first"})


class GroupGapSchema(Schema):
    kind = fields.String(required=True, metadata={"enum": ["program", "role", "team"]})
    group = fields.String(required=True)
    competency = fields.String(required=True)
    people = fields.Integer(required=True)
    with_gap = fields.Integer(required=True)
    mean_target = fields.Float(required=True)
    mean_evidenced = fields.Float(required=True)
    mean_gap = fields.Float(required=True)


class GroupGapListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    groups = fields.List(fields.Nested(GroupGapSchema), required=True)


class DueSchema(Schema):
    agent = fields.Nested(AgentSchema, required=True)
    competency = fields.String(required=True)
    target = fields.Integer(required=True)
    last_evidence = fields.String(required=True, metadata={"description": _TIME})
    streak = fields.Integer(required=True, metadata={"description": "latest assessments in a row at target"})
    interval_days = fields.Float(required=True)
    due = fields.String(required=True, metadata={"description": _TIME})
    overdue_days = fields.Integer(required=True)


class DueListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    due = fields.List(fields.Nested(DueSchema), required=True, metadata={"description": "longest overdue first"})


class FunnelSchema(Schema):
    content = fields.String(required=True)
    shares = fields.Integer(required=True)
    shared_to = fields.Integer(required=True)
    delivered = fields.Integer(required=True)
    started = fields.Integer(required=True)
    completed = fields.Integer(required=True)


class FunnelListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    content = fields.List(fields.Nested(FunnelSchema), required=True)


class TimeBucketSchema(Schema):
    content = fields.String(required=True)
    start_seconds = fields.Float(required=True)
    comments = fields.Integer(required=True)
    replies = fields.Integer(required=True)


class TimelineSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    width = fields.Float(required=True, metadata={"description": "seconds per bucket"})
    buckets = fields.List(fields.Nested(TimeBucketSchema), required=True)


class MentionSchema(Schema):
    actor = fields.Nested(AgentSchema, required=True)
    mentioned = fields.Nested(AgentSchema, required=True)
    count = fields.Integer(required=True)


class MentionListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    mentions = fields.List(fields.Nested(MentionSchema), required=True)


class DiscussionSchema(Schema):
    content = fields.String(required=True)
    comments = fields.Integer(required=True)
    replies = fields.Integer(required=True)
    participants = fields.Integer(required=True)
    mentions = fields.Integer(required=True)


class DiscussionListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    content = fields.List(fields.Nested(DiscussionSchema), required=True,
                          metadata={"description": "most discussed first"})


class OutcomeSchema(Schema):
    measure = fields.String(required=True)
    group = fields.String(required=True, metadata={"description": "mentored, comparison, or cohort YYYY-MM"})
    people = fields.Integer(required=True)
    before_measurements = fields.Integer(required=True)
    before_people = fields.Integer(required=True)
    before_mean = fields.Float(allow_none=True)
    after_measurements = fields.Integer(required=True)
    after_people = fields.Integer(required=True)
    after_mean = fields.Float(allow_none=True)
    change = fields.Float(allow_none=True, metadata={"description": "after_mean − before_mean; descriptive only"})


class OutcomeListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    program_start = fields.String(allow_none=True, metadata={"description": "the split of the comparison group"})
    outcomes = fields.List(fields.Nested(OutcomeSchema), required=True)


class MeasurementSchema(Schema):
    measure = fields.String(required=True)
    value = fields.Float(required=True)
    timestamp = fields.String(required=True, metadata={"description": _TIME})
    period = fields.String(allow_none=True)
    reporter = fields.Nested(AgentSchema, allow_none=True)


class MeasurementListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    agent = fields.Nested(AgentSchema, required=True)
    measurements = fields.List(fields.Nested(MeasurementSchema), required=True)


class IssueSchema(Schema):
    statement = fields.String(required=True)
    actor = fields.Nested(AgentSchema, required=True)
    rule = fields.String(required=True)
    message = fields.String(required=True)
    timestamp = fields.String(required=True, metadata={"description": _TIME})


class IssueListSchema(WindowSchema):
    program = fields.Nested(ProgramSchema, required=True)
    issues = fields.List(fields.Nested(IssueSchema), required=True, metadata={"description": "newest first"})


_STATE = ("program", "at", "as_of")
_RANGE = ("program", "since", "until", "at", "as_of")

ENDPOINTS: tuple[tuple[str, str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("/coordinator/matching", "Suggested pairs for a program's unpaired mentees, each explained",
     "MatchingSchema", _STATE, ("program",)),
    ("/coordinator/gaps", "Target vs evidenced level per mentee and competency, the largest gaps first",
     "GapListSchema", (*_STATE, "agent"), ("program",)),
    ("/coordinator/gaps/groups", "Gaps per competency over the program, each role and each team",
     "GroupGapListSchema", _STATE, ("program",)),
    ("/coordinator/reinforcement", "Who is due for reinforcement of what", "DueListSchema", _STATE, ("program",)),
    ("/coordinator/engagement/funnel", "Per content shared: shared to, delivered, started, completed",
     "FunnelListSchema", _RANGE, ("program",)),
    ("/coordinator/engagement/timeline", "Comments and replies by video time", "TimelineSchema",
     (*_RANGE, "width"), ("program",)),
    ("/coordinator/engagement/mentions", "Who mentions whom", "MentionListSchema", _RANGE, ("program",)),
    ("/coordinator/engagement/discussion", "The content that drives the most discussion",
     "DiscussionListSchema", _RANGE, ("program",)),
    ("/coordinator/outcomes", "Outcome measures of mentored people before and after joining, and of a "
     "comparison group", "OutcomeListSchema", _STATE, ("program",)),
    ("/coordinator/outcomes/person", "One person's outcome measurements", "MeasurementListSchema",
     (*_STATE, "agent"), ("program", "agent")),
    ("/coordinator/profile-issues", "Statements that almost follow the profile, with the rule each breaks",
     "IssueListSchema", _STATE, ("program",)),
)

SCHEMAS: dict[str, type[Schema]] = {
    cls.__name__: cls
    for cls in (
        CoveredSchema, ConstraintsSchema, SuggestionSchema, UnmatchedSchema, MatchingSchema, GapSchema,
        GapListSchema, GroupGapSchema, GroupGapListSchema, DueSchema, DueListSchema, FunnelSchema,
        FunnelListSchema, TimeBucketSchema, TimelineSchema, MentionSchema, MentionListSchema, DiscussionSchema,
        DiscussionListSchema, OutcomeSchema, OutcomeListSchema, MeasurementSchema, MeasurementListSchema,
        IssueSchema, IssueListSchema,
    )
}
