"""Agents, Groups and Account objects (Data 2.4.2, 2.4.9)."""

from __future__ import annotations

from typing import Any

from marshmallow import validates_schema

from xapi.schemas.base import Dispatch, ListOf, Object, Problems, Violation, XAPISchema
from xapi.schemas.primitives import IRI, IRL, Mailto, ObjectType, Sha1, String

IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def count_ifis(original: dict[str, Any]) -> int:
    """How many Inverse Functional Identifiers an Agent or Group carries (Data 2.4.2.3)."""
    return sum(1 for key in IFIS if key in original)


class AccountSchema(XAPISchema):
    """Data 2.4.2.4: a user account on an existing system."""

    homePage = IRL(required=True)
    name = String(required=True)


class AgentSchema(XAPISchema):
    """Data 2.4.2.1: an Agent, identified by exactly one IFI."""

    objectType = ObjectType("Agent")
    name = String()
    mbox = Mailto()
    mbox_sha1sum = Sha1()
    openid = IRI()
    account = Object(AccountSchema())

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def exactly_one_ifi(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        found = count_ifis(original)
        if found != 1:
            problems = Problems()
            problems.add(
                (),
                "exactly-one-ifi",
                f"an Agent must have exactly one of {', '.join(IFIS)} (found {found})",
            )
            problems.raise_any()


AGENT = AgentSchema()

# A Group's members are Agents; objectType defaults to Agent (Data 2.4.2.2).
MEMBER = Dispatch(
    {None: AGENT, "Agent": AGENT},
    refused={"Group": Violation("group-member-agent", "a Group's members must be Agents, not Groups")},
)


class GroupSchema(XAPISchema):
    """Data 2.4.2.2: an Anonymous Group (member list) or Identified Group (one IFI)."""

    objectType = ObjectType("Group", required=True)
    name = String()
    member = ListOf(MEMBER)
    mbox = Mailto()
    mbox_sha1sum = Sha1()
    openid = IRI()
    account = Object(AccountSchema())

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def identified_or_listed(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        found = count_ifis(original)
        problems = Problems()
        if found > 1:
            problems.add(
                (),
                "exactly-one-ifi",
                f"an Identified Group must have exactly one of {', '.join(IFIS)} (found {found})",
            )
        elif found == 0 and "member" not in original:
            problems.add(("member",), "required", "an Anonymous Group must list its members")
        problems.raise_any()


GROUP = GroupSchema()


class IdentifiedGroupSchema(GroupSchema):
    """A Group that stands for its members by an IFI (the `agent` query parameter)."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def identified(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        if count_ifis(original) == 0:
            problems = Problems()
            problems.add((), "exactly-one-ifi", "an Identified Group must have one IFI")
            problems.raise_any()


class OAuthGroupSchema(GroupSchema):
    """Data 2.4.9: a Group authority is the pairing of an OAuth consumer and a user."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def two_agents(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        problems = Problems()
        if count_ifis(original):
            problems.add(
                (), "authority-group", "a Group authority must be an Anonymous Group (no IFI)"
            )
        members = original.get("member")
        if type(members) is list and len(members) != 2:
            problems.add(
                ("member",),
                "authority-group",
                f"a Group authority must have exactly two Agents (found {len(members)})",
            )
        problems.raise_any()


def actor_field(**kwargs: Any) -> Dispatch:
    """An Agent (objectType optional) or a Group (objectType "Group")."""
    return Dispatch({None: AGENT, "Agent": AGENT, "Group": GROUP}, **kwargs)


def authority_field(**kwargs: Any) -> Dispatch:
    """Data 2.4.9: an Agent, or a Group of exactly two Agents (3-legged OAuth)."""
    return Dispatch({None: AGENT, "Agent": AGENT, "Group": OAuthGroupSchema()}, **kwargs)


def identified_actor_field(**kwargs: Any) -> Dispatch:
    """An Agent or an Identified Group (Communication 2.1.3 `agent` parameter)."""
    return Dispatch({None: AGENT, "Agent": AGENT, "Group": IdentifiedGroupSchema()}, **kwargs)
