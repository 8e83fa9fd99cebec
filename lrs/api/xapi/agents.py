"""The Agents resource (Communication 2.4): the Person object of an Agent."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, Response, request

from lrs.api.http import json_response
from lrs.api.xapi.auth import READ_ALL, require
from lrs.api.xapi.http import XAPIDependencies, xapi_version
from xapi.persons import parse_agents_request

READ = READ_ALL
"""Communication 2.4: combining identifiers SHOULD need increased permissions:
the scopes that read every statement."""


def register(bp: Blueprint, lrs: XAPIDependencies) -> None:
    bp.add_url_rule("/agents", "get_agents", partial(get_person, lrs), methods=["GET", "HEAD"])


def get_person(lrs: XAPIDependencies) -> Response:
    """The Person: the Agent's identifier, the one linked to it, and the names known for them."""
    principal = lrs.authenticate()
    xapi_version()
    require(principal, READ)
    agent = parse_agents_request(dict(request.args.lists()))
    return json_response(lrs.store.queries.person(agent))
