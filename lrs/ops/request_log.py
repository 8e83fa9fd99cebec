"""Logs as one JSON object per line on stderr, and request ids.

Every log record of the LRS (loggers under ``lrs``) becomes one line:
``{"time", "level", "logger", "message", ...}`` plus the record's structured
fields (``extra={"fields": {...}}``) and, for an exception, its traceback.
Nothing here logs request bodies or headers; the callers pass only what may be
read by whoever reads the logs (never a secret, a token or a statement).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson

LOGGER = "lrs"
REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id(given: str | None) -> str:
    """The client's ``X-Request-ID`` when it is a plain token (letters, digits,
    ``._:-``, at most 128), so that it cannot forge log lines or headers; a new
    random id otherwise."""
    if given is not None:
        given = given.strip()
        if _REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


class JSONFormatter(logging.Formatter):
    """A record as one JSON line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = "".join(traceback.format_exception(*record.exc_info))
        return orjson.dumps(line, default=str).decode()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test may capture it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def configure_logging(level: str) -> None:
    """JSON lines on stderr for the ``lrs`` loggers, at `level`. Idempotent: a
    second app in the same process replaces the handler, never adds one."""
    logger = logging.getLogger(LOGGER)
    for handler in [h for h in logger.handlers if isinstance(h, _StderrHandler)]:
        logger.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JSONFormatter())
    logger.addHandler(handler)
    logger.setLevel(level)


def fields(**values: Any) -> dict[str, Any]:
    """``extra=`` for a structured record: ``log.info("request", extra=fields(status=200))``."""
    return {"fields": {k: v for k, v in values.items() if v is not None}}
