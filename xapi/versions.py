"""The one place where xAPI versions are told apart.

A request's ``X-Experience-API-Version`` header selects an `XAPIVersion`;
everything that differs between versions is a field of that object, so the
validator and the resources ask it instead of comparing version strings.
Only 1.0.3 is served for now; 2.0.0 will be a second instance.
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
    """What a statement's own ``version`` property may hold (Data 2.4.10)."""

    default_statement_version: str
    """Set on a stored statement that has no ``version``."""

    alternate_request_syntax: bool
    """Whether the alternate request syntax (Communication 1.3) is allowed."""

    state_concurrency_control: bool
    """Whether a PUT to an existing State document without If-Match/If-None-Match
    is a 409, as for profile documents (2.0 puts State under concurrency
    control; 1.0.3 Communication 3.1 exempts it)."""

    profile_put_requires_precondition: bool
    """Whether a PUT to a new profile document without If-Match/If-None-Match is a
    400 (the client MUST send one, Communication 3.1; the 1.0.3 conformance suite
    checks it, XAPI-00273; 2.0 accepts it)."""


V1_0_3 = XAPIVersion(
    name="1.0.3",
    # Communication 3.3: 1.0.0 and patch versions of 1.0 are accepted.
    accepts_header=re.compile(r"^1\.0(\.[0-9]+)?$"),
    statement_version_pattern=re.compile(r"^1\.0(\.[0-9]+)?$"),
    default_statement_version="1.0.0",
    alternate_request_syntax=True,
    state_concurrency_control=False,
    profile_put_requires_precondition=True,
)

SUPPORTED: tuple[XAPIVersion, ...] = (V1_0_3,)
VERSION_HEADER = "X-Experience-API-Version"


def negotiate(header_value: str | None) -> XAPIVersion:
    """The rules selected by a request's version header (Communication 3.3)."""
    if header_value is None or header_value.strip() == "":
        raise InvalidParameter(
            f"the {VERSION_HEADER} header is required",
            [FieldError(VERSION_HEADER, "version-header-required", "missing header")],
        )
    value = header_value.strip()
    for version in SUPPORTED:
        if version.accepts_header.match(value):
            return version
    raise InvalidParameter(
        f"unsupported xAPI version {value!r}; supported: "
        + ", ".join(v.name for v in SUPPORTED),
        [FieldError(VERSION_HEADER, "version-unsupported", f"{value!r} is not supported")],
    )


def about_versions() -> list[str]:
    return [v.name for v in SUPPORTED]
