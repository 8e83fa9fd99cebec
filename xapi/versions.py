"""The one place where xAPI versions are told apart.

A request's ``X-Experience-API-Version`` header selects an `XAPIVersion`
(`negotiate`): 1.0.0-1.0.3 select the 1.0.3 rules, ``2.0`` and ``2.0.0`` the
rules of xAPI 2.0.0 (IEEE 9274.1.1); anything else is a 400. Everything that
differs between the two is a field of that object, so the validator, the
preparation of statements, the formats and the resources ask it instead of
comparing version strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from xapi.errors import FieldError, InvalidParameter


@dataclass(frozen=True)
class XAPIVersion:
    """The rules of one version of the specification."""

    name: str
    """The version answered in ``X-Experience-API-Version`` (latest patch)."""

    accepts_header: re.Pattern[str]
    """Request header values that select these rules."""

    statement_version_pattern: re.Pattern[str]
    """What a statement's own ``version`` property may hold (Data 2.4.10; 9274.1.1 4.2.4.3)."""

    default_statement_version: str
    """Set on a stored statement that has no ``version``."""

    alternate_request_syntax: bool
    """Whether the alternate request syntax (Communication 1.3) is allowed;
    2.0 removed it (the 2.0 conformance suite expects a 4xx)."""

    state_concurrency_control: bool
    """Whether a PUT to an existing State document without If-Match/If-None-Match
    is a 409, as for profile documents (2.0 puts State under concurrency
    control, 9274.1.1 4.1.4; 1.0.3 Communication 3.1 exempts it)."""

    profile_put_requires_precondition: bool
    """Whether a PUT to a new profile document without If-Match/If-None-Match is a
    400 (the client MUST send one, Communication 3.1; the 1.0.3 conformance suite
    checks it, XAPI-00273; 2.0 accepts it)."""

    context_agents: bool
    """Whether ``context.contextAgents`` and ``context.contextGroups`` exist
    (9274.1.1 4.2.2.5; under 1.0.3 they are unknown properties, hence errors)."""

    timestamps_to_utc: bool
    """Whether statement timestamps with an offset are stored converted to UTC
    (9274.1.1 4.2.7: "shall convert"; 1.0.3 keeps them as sent)."""

    duration_digits: int | None
    """Decimal digits of seconds a stored ``result.duration`` keeps, truncated
    (9274.1.1 4.2.7: 0.01 s); None: stored as sent (1.0.3)."""

    immutability_ignores_version: bool
    """Whether a statement's ``version`` is left out of the comparison of two
    statements with one id (9274.1.1 4.2 Statement Immutability lists it; 1.0.3
    compares it when both sides have one, Data 2.3.1)."""

    def accepts_statement_version(self, value: str) -> bool:
        return self.statement_version_pattern.fullmatch(value) is not None


V1_0_3 = XAPIVersion(
    name="1.0.3",
    # Communication 3.3: 1.0.0 and patch versions of 1.0 are accepted.
    accepts_header=re.compile(r"^1\.0(\.[0-9]+)?$"),
    statement_version_pattern=re.compile(r"^1\.0(\.[0-9]+)?$"),
    default_statement_version="1.0.0",
    alternate_request_syntax=True,
    state_concurrency_control=False,
    profile_put_requires_precondition=True,
    context_agents=False,
    timestamps_to_utc=False,
    duration_digits=None,
    immutability_ignores_version=False,
)

V2_0_0 = XAPIVersion(
    name="2.0.0",
    # 9274.1.1 4.1.7: "2.0" is "2.0.0"; later 2.x patches are not defined yet.
    accepts_header=re.compile(r"^2\.0(\.0)?$"),
    # 9274.1.1 4.2.4.3 and the 2.0 conformance suite (XAPI-00101, -00332): a
    # statement may say 1.0.x or 2.0.0.
    statement_version_pattern=re.compile(r"^(1\.0(\.[0-9]+)?|2\.0\.0)$"),
    default_statement_version="2.0.0",
    alternate_request_syntax=False,
    state_concurrency_control=True,
    profile_put_requires_precondition=False,
    context_agents=True,
    timestamps_to_utc=True,
    duration_digits=2,
    immutability_ignores_version=True,
)

SUPPORTED: tuple[XAPIVersion, ...] = (V1_0_3, V2_0_0)
VERSION_HEADER = "X-Experience-API-Version"


def negotiate(header_value: str | None) -> XAPIVersion:
    """The rules selected by a request's version header (Communication 3.3; 9274.1.1 4.1.7)."""
    if header_value is None or header_value.strip() == "":
        raise InvalidParameter(
            f"the {VERSION_HEADER} header is required",
            [FieldError(VERSION_HEADER, "version-header-required", "missing header")],
        )
    value = header_value.strip()
    found = find(value)
    if found is not None:
        return found
    raise InvalidParameter(
        f"unsupported xAPI version {value!r}: send 1.0.0 to 1.0.3 (answered under 1.0.3) "
        "or 2.0.0",
        [FieldError(VERSION_HEADER, "version-unsupported", f"{value!r} is not supported")],
    )


def find(value: str | None) -> XAPIVersion | None:
    """The rules a header value selects, or None (no error: for lenient callers)."""
    if value is None:
        return None
    for version in SUPPORTED:
        if version.accepts_header.match(value.strip()):
            return version
    return None


def unversioned(name: str) -> XAPIVersion:
    """The version named in answers to requests that select none (a setting).

    Both conformance suites send such requests (XAPI-00331) and expect their own
    version back, 1.0.3 and 2.0.0, so no single answer satisfies both."""
    found = find(name)
    if found is None or found.name != name:
        raise ValueError(f"not a version this LRS serves: {name!r} (use 1.0.3 or 2.0.0)")
    return found


def about_versions() -> list[str]:
    """Communication 2.8 / 9274.1.1 4.1.6.7: the latest patch of each version served."""
    return [v.name for v in SUPPORTED]
