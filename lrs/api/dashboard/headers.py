"""Security headers on every dashboard response.

Names, activity names and comment texts come from anyone who can post a
statement, so besides escaping everything the pages forbid what an injected
fragment could do: no inline script or style (``script-src 'self'``, no
``'unsafe-inline'``), no plugins, no framing, no form posts elsewhere, no
fetches to other origins.
"""

from __future__ import annotations

from flask import Response

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers[name] = value
    if response.mimetype == "text/html" or response.mimetype == "application/json":
        # Figures and names of people: never kept by shared caches or the back button.
        response.headers["Cache-Control"] = "no-store"
    return response
