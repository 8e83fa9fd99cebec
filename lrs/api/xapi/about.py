"""The About resource (Communication 2.8): open to anyone, no version header needed."""

from __future__ import annotations

from flask import Blueprint, Response

from lrs.api.http import json_response
from xapi.versions import about_versions


def register(bp: Blueprint) -> None:
    @bp.route("/about", methods=["GET", "HEAD"])
    def about() -> Response:
        return json_response({"version": about_versions(), "extensions": {}})
