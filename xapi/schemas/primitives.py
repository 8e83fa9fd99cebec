"""Fields for the special data types of Data 2.2 and 4.x.

Every field checks the JSON type strictly (a string is never a number, a
boolean is never a number) and then the format, with precompiled patterns.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any

from marshmallow import ValidationError

from xapi.schemas.base import NOT_OBJECT, NULL, Violation, XField

# --- patterns ---------------------------------------------------------------

# Data 2.2 / 4.3: an absolute IRI, i.e. with a scheme (RFC 3987 section 2.2),
# best effort: no whitespace, controls or characters IRIs exclude.
IRI_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]+")

# Data 2.4.1 / 4.4: the standard string form 8-4-4-4-12 (no braces, no urn:uuid:).
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")

# Data 2.4.2.3: "mailto:" followed by an email address.
_MAILTO = re.compile(r"mailto:[^\s@<>\"()\[\],;:]+@[^\s@<>\"()\[\],;:]+")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}")

# Data 4.2 / RFC 5646 section 2.1 (case-insensitive).
_LANGUAGE_TAG = re.compile(
    r"""
    (?:
      (?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})   # language (+ extlang)
      (?:-[a-z]{4})?                                        # script
      (?:-(?:[a-z]{2}|[0-9]{3}))?                           # region
      (?P<variants>(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*)
      (?P<extensions>(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*)
      (?:-x(?:-[a-z0-9]{1,8})+)?                            # private use
    | x(?:-[a-z0-9]{1,8})+                                  # private use only
    | en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo
    | i-navajo|i-pwn|i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de
    | art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang
    )
    """,
    re.IGNORECASE | re.VERBOSE | re.ASCII,  # ASCII: no "K" (Kelvin sign) for "k"
)

# Data 4.5: ISO 8601 combined date and time, extended or basic format, with an
# optional time zone designator.
_TIMESTAMP = re.compile(
    r"""
    (?P<year>\d{4})(?P<dash>-?)(?P<month>\d{2})(?P=dash)(?P<day>\d{2})
    T
    (?P<hour>\d{2})(?P<colon>:?)(?P<minute>\d{2})
    (?:(?P=colon)(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?
    (?P<zone>Z|(?P<sign>[+-])(?P<zh>\d{2})(?::?(?P<zm>\d{2}))?)?
    """,
    re.VERBOSE | re.ASCII,  # ASCII: \d is 0-9 only
)

# Data 4.6: ISO 8601:2004 4.4.3.2 (PnYnMnDTnHnMnS or PnW); 4.4.3.3 is refused.
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"P(?:(?P<weeks>{_NUM})W"
    rf"|(?=\d|T\d)(?:(?P<Y>{_NUM})Y)?(?:(?P<Mo>{_NUM})M)?(?:(?P<D>{_NUM})D)?"
    rf"(?:T(?=\d)(?:(?P<H>{_NUM})H)?(?:(?P<Mi>{_NUM})M)?(?:(?P<S>{_NUM})S)?)?)",
    re.ASCII,
)
_DURATION_PARTS = ("Y", "Mo", "D", "H", "Mi", "S")

# RFC 2046 media type, best effort: type/subtype with optional parameters.
_TOKEN = r"[A-Za-z0-9!#$&^_.+\-]+"
_MEDIA_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(?:\s*;.*)?", re.DOTALL)


def is_iri(value: str) -> bool:
    return IRI_PATTERN.fullmatch(value) is not None


def is_uuid(value: str) -> bool:
    return _UUID.fullmatch(value) is not None


def is_language_tag(value: str) -> bool:
    match = _LANGUAGE_TAG.fullmatch(value)
    if match is None:
        return False
    # RFC 5646 2.2.5 / 2.2.6: a variant or an extension singleton appears once.
    variants = match.group("variants")
    if variants and _has_duplicates(variants[1:].lower().split("-")):
        return False
    extensions = match.group("extensions")
    if extensions:
        singletons = [part for part in extensions[1:].lower().split("-") if len(part) == 1]
        if _has_duplicates(singletons):
            return False
    return True


def _has_duplicates(items: list[str]) -> bool:
    return len(set(items)) != len(items)


def is_timestamp(value: str) -> bool:
    match = _TIMESTAMP.fullmatch(value)
    if match is None or bool(match["dash"]) != bool(match["colon"]):
        return False  # basic and extended formats are not mixed
    sign, zh, zm = match.group("sign", "zh", "zm")
    try:
        tz = None
        if sign:
            if zm is not None and int(zm) > 59:
                return False
            offset = timedelta(hours=int(zh), minutes=int(zm or 0))
            # ISO 8601 writes a zero offset as +00:00; -00:00 means "unknown" (RFC 3339).
            if sign == "-" and not offset:
                return False
            tz = timezone(-offset if sign == "-" else offset)
        datetime(
            int(match["year"]), int(match["month"]), int(match["day"]),
            int(match["hour"]), int(match["minute"]), int(match["second"] or 0), tzinfo=tz,
        )
    except ValueError:  # out of range: month 13, 30 February, hour 24, offset > 24h...
        return False
    return True


def is_duration(value: str) -> bool:
    match = _DURATION.fullmatch(value)
    if match is None:
        return False
    if match["weeks"] is not None:
        return True
    # Only the lowest-order component present may carry a decimal fraction.
    present = [part for part in match.group(*_DURATION_PARTS) if part is not None]
    return not any("." in part or "," in part for part in present[:-1])


# --- fields -------------------------------------------------------------------


class String(XField):
    """A JSON string."""

    not_string = Violation("type", "must be a string")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not str:
            raise ValidationError(self.not_string)
        return value


class Pattern(String):
    """A JSON string with a particular format (Data 2.2: format-following values)."""

    rule = "format"
    message = "has the wrong format"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.violation = Violation(self.rule, self.message)

    def matches(self, value: str) -> bool:
        raise NotImplementedError

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not str:
            raise ValidationError(self.not_string)
        if not self.matches(value):
            raise ValidationError(self.violation)
        return value


class IRI(Pattern):
    rule = "iri"
    message = "must be an absolute IRI with a scheme"

    def matches(self, value: str) -> bool:
        return IRI_PATTERN.fullmatch(value) is not None


class IRL(IRI):
    rule = "irl"
    message = "must be an absolute IRL with a scheme"


class UUID(Pattern):
    rule = "uuid"
    message = "must be a UUID in standard string form (8-4-4-4-12 hex digits)"

    def matches(self, value: str) -> bool:
        return _UUID.fullmatch(value) is not None


class Mailto(Pattern):
    rule = "mbox-mailto-iri"
    message = 'must be a "mailto:" IRI of an email address'

    def matches(self, value: str) -> bool:
        return _MAILTO.fullmatch(value) is not None


class Sha1(Pattern):
    rule = "mbox-sha1sum"
    message = "must be a hex-encoded SHA-1 hash (40 hex digits)"

    def matches(self, value: str) -> bool:
        return _SHA1.fullmatch(value) is not None


class LanguageTag(Pattern):
    rule = "language-tag"
    message = "must be an RFC 5646 language tag"

    def matches(self, value: str) -> bool:
        return is_language_tag(value)


class Timestamp(Pattern):
    rule = "iso8601-timestamp"
    message = "must be an ISO 8601 date and time (e.g. 2013-05-18T05:32:34.804+00:00)"

    def matches(self, value: str) -> bool:
        return is_timestamp(value)


class Duration(Pattern):
    rule = "iso8601-duration"
    message = "must be an ISO 8601 duration (PnYnMnDTnHnMnS or PnW)"

    def matches(self, value: str) -> bool:
        return is_duration(value)


class MediaType(Pattern):
    rule = "media-type"
    message = "must be an Internet Media Type (type/subtype)"

    def matches(self, value: str) -> bool:
        return _MEDIA_TYPE.fullmatch(value) is not None


class Version(Pattern):
    """A statement's ``version``, checked against the served version's pattern."""

    rule = "statement-version"
    message = "is not a version this LRS accepts for statements"

    def __init__(self, pattern: re.Pattern[str] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pattern = pattern

    def matches(self, value: str) -> bool:
        return self.pattern is not None and self.pattern.fullmatch(value) is not None


class Choice(String):
    """A string restricted to enumerated values, matched case-sensitively (Data 2.2)."""

    def __init__(self, choices: tuple[str, ...], rule: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.choices = frozenset(choices)
        listed = ", ".join(f'"{choice}"' for choice in choices)
        self.violation = Violation(
            rule, f"must be {listed}" if len(choices) == 1 else f"must be one of {listed} (case-sensitive)"
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not str:
            raise ValidationError(self.not_string)
        if value not in self.choices:
            raise ValidationError(self.violation)
        return value


class ObjectType(Choice):
    """The ``objectType`` property of one kind of object."""

    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__((name,), "object-type", **kwargs)


class Boolean(XField):
    """A JSON boolean (never the strings "true"/"false")."""

    violation = Violation("type", "must be a boolean")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value is not True and value is not False:
            raise ValidationError(self.violation)
        return value


class Number(XField):
    """A JSON number: an int or a finite float, never a bool or a string."""

    violation = Violation("type", "must be a number")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        kind = type(value)
        if kind is int or (kind is float and math.isfinite(value)):
            return value
        raise ValidationError(self.violation)


class NonNegativeInteger(XField):
    """A JSON integer >= 0."""

    violation = Violation("type", "must be an integer")
    negative = Violation("non-negative", "must not be negative")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not int:
            raise ValidationError(self.violation)
        if value < 0:
            raise ValidationError(self.negative)
        return value


class LanguageMap(XField):
    """Data 4.2: an object keyed by RFC 5646 language tags with string values."""

    bad_value = Violation("type", "must be a string")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(NOT_OBJECT)
        errors: dict[str, list[Violation]] = {}
        for tag, text in value.items():
            if type(text) is not str:
                errors[tag] = [NULL if text is None else self.bad_value]
            if not is_language_tag(tag):
                errors.setdefault(tag, []).append(
                    Violation("language-tag", f"{tag!r} is not an RFC 5646 language tag")
                )
        if errors:
            raise ValidationError(errors)
        return value


class Extensions(XField):
    """Data 4.1: an object keyed by IRIs; the values are free-form JSON (null included)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(NOT_OBJECT)
        errors = {
            key: [Violation("iri", f"extension key {key!r} must be an absolute IRI")]
            for key in value
            if IRI_PATTERN.fullmatch(key) is None
        }
        if errors:
            raise ValidationError(errors)
        return value


__all__ = [
    "IRI", "IRL", "UUID", "Boolean", "Choice", "Duration", "Extensions", "LanguageMap",
    "LanguageTag", "Mailto", "MediaType", "NonNegativeInteger", "Number", "ObjectType",
    "Sha1", "String", "Timestamp", "Version", "is_duration", "is_iri",
    "is_language_tag", "is_timestamp", "is_uuid",
]
