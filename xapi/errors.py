"""Errors the xAPI rules report, independent of HTTP.

Every rule violation is a `FieldError`: the JSON path of the offending value,
the name of the rule it breaks and a human message. The resources turn these
into a 400 body of the form ``{"error": ..., "errors": [...]}``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldError:
    """One violated rule at one place in a document."""

    path: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "rule": self.rule, "message": self.message}


class RequestError(Exception):
    """A refused request: its status, a message and every broken rule with its path.

    The root of the LRS's one error family. The spec rules raise `XAPIError`
    and its kinds; the HTTP layer raises `lrs.api.errors.HTTPError` for what
    is not a rule of the specification (401, 403, 404, 409, 413). One set of
    handlers (`lrs.api.errors`) answers every one with the same JSON body.
    """

    status = 400

    def __init__(self, message: str, errors: list[FieldError] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = list(errors or [])
        self.headers: dict[str, str] = {}
        """Response headers the refusal needs (``WWW-Authenticate``, ``Retry-After``)."""


class XAPIError(RequestError):
    """A request that breaks a rule of the specification (answered with 400
    unless a kind below says otherwise)."""


class InvalidStatement(XAPIError):
    """A statement (or batch) that fails validation."""


class InvalidParameter(XAPIError):
    """A query parameter or header that breaks a rule."""


def join_path(prefix: str, name: str | int) -> str:
    """JSON path of a child: ``join_path("context", "instructor") == "context.instructor"``.

    List indexes are written in brackets: ``member[0]``.
    """
    if isinstance(name, int):
        return f"{prefix}[{name}]"
    return f"{prefix}.{name}" if prefix else name
