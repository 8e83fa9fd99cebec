"""The Verb (Data 2.4.3)."""

from __future__ import annotations

from xapi.schemas.base import XAPISchema
from xapi.schemas.primitives import IRI, LanguageMap

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
"""The one Verb the specification reserves (Data 2.3.2)."""


class VerbSchema(XAPISchema):
    """Data 2.4.3: an IRI and its display names."""

    id = IRI(required=True)
    display = LanguageMap()


VERB = VerbSchema()
