"""The Result and its Score (Data 2.4.5)."""

from __future__ import annotations

from typing import Any, TypeGuard

from marshmallow import validates_schema

from xapi.schemas.base import Object, Problems, XAPISchema
from xapi.schemas.primitives import Boolean, Duration, Extensions, Number, String


def _number(value: Any) -> TypeGuard[int | float]:
    return type(value) is int or type(value) is float


class ScoreSchema(XAPISchema):
    """Data 2.4.5.1: scaled in [-1, 1]; min < max; raw within [min, max]."""

    scaled = Number()
    raw = Number()
    min = Number()
    max = Number()

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def ranges(self, data: Any, original: dict[str, Any], **kwargs: Any) -> None:
        problems = Problems()
        scaled, raw = original.get("scaled"), original.get("raw")
        low, high = original.get("min"), original.get("max")
        if _number(scaled) and not -1 <= scaled <= 1:
            problems.add(("scaled",), "score-range", "must be between -1 and 1 inclusive")
        if _number(low) and _number(high) and not low < high:
            problems.add(("min",), "score-range", "must be less than max")
        if _number(raw):
            if _number(low) and raw < low:
                problems.add(("raw",), "score-range", "must not be less than min")
            if _number(high) and raw > high:
                problems.add(("raw",), "score-range", "must not be greater than max")
        problems.raise_any()


class ResultSchema(XAPISchema):
    """Data 2.4.5: a measured outcome."""

    score = Object(ScoreSchema())
    success = Boolean()
    completion = Boolean()
    response = String()
    duration = Duration()
    extensions = Extensions()


RESULT = ResultSchema()
