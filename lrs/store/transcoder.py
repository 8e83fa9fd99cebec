"""How events are turned into bytes: orjson, tagging only top-level values.

The `eventsourcing` library's JSON transcoder parses every nested object
through a Python hook, and would decode any object shaped like
``{"_type_": ..., "_data_": ...}``, which a statement's extensions may well
contain. Event attributes here are JSON values (the statement) or a datetime or
UUID at the top level, so only the top level is tagged, in the library's
format, and nested content comes back exactly as it went in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import orjson
from eventsourcing.persistence import Transcoder


class EventStateTranscoder(Transcoder):
    def encode(self, obj: Any) -> bytes:
        return orjson.dumps({name: _tag(value) for name, value in obj.items()})

    def decode(self, data: bytes) -> Any:
        return {name: _untag(value) for name, value in orjson.loads(data).items()}


def _tag(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"_type_": "datetime_iso", "_data_": value.isoformat()}
    if isinstance(value, UUID):
        return {"_type_": "uuid_hex", "_data_": value.hex}
    return value


def _untag(value: Any) -> Any:
    if isinstance(value, dict) and len(value) == 2 and "_type_" in value and "_data_" in value:
        kind, data = value["_type_"], value["_data_"]
        if kind == "datetime_iso":
            return datetime.fromisoformat(data)
        if kind == "uuid_hex":
            return UUID(data)
    return value
