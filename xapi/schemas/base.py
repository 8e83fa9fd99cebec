"""The marshmallow plumbing shared by every schema of a statement.

Each rule violation travels through marshmallow as a `Violation`: a message
string that also carries the rule's kebab-case name, so marshmallow's nested
error dict can be flattened into `FieldError(path, rule, message)` without a
second description of the rules. Schemas here only *check*: they return the
input unchanged and never build a deserialized copy worth keeping.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields
from marshmallow.decorators import VALIDATES_SCHEMA
from marshmallow.error_store import merge_errors
from marshmallow.exceptions import SCHEMA
from marshmallow.utils import missing

from xapi.errors import FieldError, join_path


class Violation(str):
    """An error message that knows the name of the rule it reports."""

    rule: str

    def __new__(cls, rule: str, message: str) -> Violation:
        self = super().__new__(cls, message)
        self.rule = rule
        return self

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (self.rule, str(self))

    def format(self, *args: Any, **kwargs: Any) -> Violation:  # type: ignore[override]
        # marshmallow formats its own messages (required, null) before raising.
        return Violation(self.rule, str.format(self, *args, **kwargs))


REQUIRED = Violation("required", "is required")
NULL = Violation("null-value", "must not be null")
UNKNOWN = Violation("unknown-property", "is not allowed here")
NOT_OBJECT = Violation("type", "must be a JSON object")
NOT_ARRAY = Violation("type", "must be a JSON array")


class Problems:
    """Errors found by a schema-level rule, keyed by their relative path.

    ``problems.add(("context", "revision"), "rule", "message")`` records an
    error two levels down; `raise_any` hands them all to marshmallow at once.
    """

    __slots__ = ("tree",)

    def __init__(self) -> None:
        self.tree: dict[Any, Any] = {}

    def add(self, where: tuple[str | int, ...], rule: str, message: str) -> None:
        node = self.tree
        for key in where[:-1]:
            child = node.get(key)
            if child is None:
                child = node[key] = {}
            elif isinstance(child, list):  # errors of the object itself go under _schema
                child = node[key] = {SCHEMA: child}
            node = child
        leaf = where[-1] if where else SCHEMA
        violation = Violation(rule, message)
        existing = node.get(leaf)
        if existing is None:
            node[leaf] = [violation]
        elif isinstance(existing, list):
            existing.append(violation)
        else:
            existing.setdefault(SCHEMA, []).append(violation)

    def raise_any(self) -> None:
        if self.tree:
            raise ValidationError(self.tree)


class XAPISchema(Schema):
    """A JSON object of the specification: unknown keys are errors (Data 2.2).

    `check` gives the same errors as marshmallow's `Schema.validate` (a test
    holds them equal) for a JSON object, but visits only the keys present and
    builds no deserialized copy: a statement has ~60 declared properties of
    which ~20 are used, and `validate` costs twice as much.
    """

    class Meta:
        unknown = RAISE

    error_messages = {"unknown": UNKNOWN, "type": NOT_OBJECT}  # noqa: RUF012 (marshmallow reads it per class)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._by_key: dict[str, fields.Field] = {
            field.data_key or name: field for name, field in self.load_fields.items()
        }
        self._required = tuple(
            (key, field.error_messages["required"])
            for key, field in self._by_key.items()
            if field.required
        )
        # The @validates_schema hooks, as marshmallow itself resolved them.
        self._schema_rules = tuple(
            (getattr(self, name), options.get("pass_original", False), options["skip_on_field_errors"])
            for name, many, options in self._hooks[VALIDATES_SCHEMA]
            if not many
        )

    def check(self, value: dict[str, Any]) -> dict[Any, Any]:
        """marshmallow's nested error dict for the JSON object `value` (empty when valid)."""
        errors: dict[Any, Any] = {}
        by_key = self._by_key
        for key, raw in value.items():
            field = by_key.get(key)
            if field is None:
                errors[key] = [UNKNOWN]
                continue
            try:
                field.deserialize(raw, key, value)
            except ValidationError as error:
                errors[key] = error.messages
        for key, message in self._required:
            if key not in value:
                errors[key] = [message]
        field_errors = bool(errors)
        for rule, pass_original, skip_on_field_errors in self._schema_rules:
            if field_errors and skip_on_field_errors:
                continue
            try:
                if pass_original:
                    rule(value, value, partial=None, many=False, unknown=RAISE)
                else:
                    rule(value, partial=None, many=False, unknown=RAISE)
            except ValidationError as error:
                errors = merge_errors(errors, error.normalized_messages())
        return errors


class XField(fields.Field):
    """A field whose errors name their rule; null is never a valid value."""

    default_error_messages = {"required": REQUIRED, "null": NULL}  # noqa: RUF012 (marshmallow merges it per class)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", False)
        super().__init__(**kwargs)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        # Field.deserialize, minus the per-call validator plumbing these fields don't use.
        if value is missing:
            if self.required:
                raise self.make_error("required")
            return missing
        if value is None:
            raise self.make_error("null")
        output = self._deserialize(value, attr, data, **kwargs)
        if self.validators:
            self._validate(output)
        return output


class Object(XField):
    """A nested JSON object validated by one schema."""

    def __init__(self, schema: XAPISchema, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.schema = schema

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(NOT_OBJECT)
        errors = self.schema.check(value)
        if errors:
            raise ValidationError(errors)
        return value


class Dispatch(XField):
    """A nested JSON object whose ``objectType`` selects the schema that checks it.

    `schemas` maps each accepted objectType to its schema; the key ``None`` is
    the schema used when objectType is absent (omit it to require objectType).
    `refused` gives a dedicated violation for a recognised but forbidden
    objectType (a Group among Group members, a SubStatement in a SubStatement).
    """

    def __init__(
        self,
        schemas: Mapping[str | None, XAPISchema],
        *,
        refused: Mapping[str, Violation] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.schemas = dict(schemas)
        self.refused = dict(refused or {})
        accepted = ", ".join(f'"{k}"' for k in self.schemas if k is not None)
        self.unknown_type = Violation("object-type", f"must be one of {accepted} (case-sensitive)")
        self.missing_type = Violation("required", "objectType is required here")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not dict:
            raise ValidationError(NOT_OBJECT)
        kind = value.get("objectType")
        if kind is None:
            if "objectType" in value:
                raise ValidationError({"objectType": [NULL]})
            schema = self.schemas.get(None)
            if schema is None:
                raise ValidationError({"objectType": [self.missing_type]})
        else:
            if type(kind) is not str:
                raise ValidationError({"objectType": [self.unknown_type]})
            schema = self.schemas.get(kind)
            if schema is None:
                raise ValidationError({"objectType": [self.refused.get(kind, self.unknown_type)]})
        errors = schema.check(value)
        if errors:
            raise ValidationError(errors)
        return value


class ListOf(XField):
    """A JSON array whose items are all checked by one field."""

    def __init__(self, inner: XField, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.inner = inner

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if type(value) is not list:
            raise ValidationError(NOT_ARRAY)
        inner = self.inner
        errors: dict[int, Any] = {}
        for index, item in enumerate(value):
            try:
                inner.deserialize(item)
            except ValidationError as error:
                errors[index] = error.messages
        if errors:
            raise ValidationError(errors)
        return value


class Forbidden(XField):
    """A property that must not appear at all, whatever its value."""

    def __init__(self, rule: str, message: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.violation = Violation(rule, message)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        if value is missing:
            return missing
        raise ValidationError(self.violation)


def flatten(messages: Any, path: str = "") -> Iterator[FieldError]:
    """Turn marshmallow's nested error messages into `FieldError`s with JSON paths."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            yield from flatten(sub, path if key == SCHEMA else join_path(path, key))
    elif isinstance(messages, list):
        for message in messages:
            yield from flatten(message, path)
    else:
        yield FieldError(path, getattr(messages, "rule", "invalid"), str(messages))
