"""The Activities resource (Communication 2.5): an Activity with its canonical definition."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from lrs.api.http import json_response
from lrs.api.xapi.auth import READ_ALL, require
from lrs.api.xapi.http import XAPIDependencies, xapi_version
from xapi.canonical import parse_activity_request

READ = READ_ALL | {"define"}
"""Definitions come from statements: who may read statements, or define Activities."""


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    bp.add_url_rule("/activities", "get_activity", partial(get_activity, lrs), methods=["GET", "HEAD"])


def get_activity(lrs: XAPIDependencies) -> Response:
    """The Activity, with the definition merged from every statement that gave one
    (an Activity object with only its id when none did)."""
    principal = lrs.authenticate()
    xapi_version()
    require(principal, READ)
    activity_id = parse_activity_request(dict(request.args.lists()))
    return json_response(lrs.store.queries.activity(activity_id))
