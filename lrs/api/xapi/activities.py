"""The Activities resource (Communication 2.5): an Activity with its canonical definition."""

from __future__ import annotations

from flask import Blueprint, Response, request

from lrs.api.http import json_response, services
from lrs.api.xapi.auth import READ_ALL, authenticate, require
from lrs.api.xapi.http import xapi_version
from xapi.canonical import parse_activity_request

READ = READ_ALL | {"define"}
"""Definitions come from statements: who may read statements, or define Activities."""


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/activities", "get_activity", get_activity, methods=["GET", "HEAD"])


def get_activity() -> Response:
    """The Activity, with the definition merged from every statement that gave one
    (an Activity object with only its id when none did)."""
    principal = authenticate()
    xapi_version()
    require(principal, READ)
    activity_id = parse_activity_request(dict(request.args.lists()))
    return json_response(services().store.activity(activity_id))
