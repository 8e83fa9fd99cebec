"""Size limits of multipart/mixed requests: 413 (Communication 1.5.2, 3.2)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from lrs.settings import Settings
from tests import factories as f
from tests.http.support import STATEMENTS, event_count

MAX_ATTACHMENT = 2048
MAX_REQUEST = 8192


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """A store that takes attachments of up to 2 KiB in requests of up to 8 KiB."""
    return Settings(
        database_url=database_url,
        data_dir=str(tmp_path),
        public_url="http://lrs.test",
        max_attachment_bytes=MAX_ATTACHMENT,
        max_request_bytes=MAX_REQUEST,
    )


def stored(app, content: bytes) -> bool:
    sha2 = hashlib.sha256(content).hexdigest()
    return sha2 in app.extensions["lrs"].store.queries.attachment_contents([sha2])


def test_attachments_limits_attachment_at_the_limit_is_accepted(client, app):
    # Communication 1.5.2: the LRS accepts what its configuration allows
    content = os.urandom(MAX_ATTACHMENT)
    statement = f.statement(attachments=[f.attached(content)])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(content)))
    assert response.status_code == 200, response.get_json()
    assert stored(app, content)


def test_attachments_limits_attachment_over_the_limit_is_413(client, app):
    # Communication 1.5.2: an LRS MAY reject Statements larger than it is configured to
    # allow; 3.2: 413 Request Entity Too Large
    content = os.urandom(MAX_ATTACHMENT + 1)
    statement = f.statement(attachments=[f.attached(content)])
    response = client.post(STATEMENTS, **f.multipart_request(statement, f.part(content)))
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["path"] == "part[1]"
    assert event_count(app) == 0
    assert not stored(app, content)


def test_attachments_limits_request_over_the_limit_is_413(client, app):
    # Communication 3.2: 413 for a request larger than the LRS is configured to allow
    contents = [os.urandom(MAX_ATTACHMENT) for _ in range(4)]
    statement = f.statement(attachments=[f.attached(c) for c in contents])
    response = client.post(
        STATEMENTS, **f.multipart_request(statement, *(f.part(c) for c in contents))
    )
    assert response.status_code == 413
    assert "error" in response.get_json()
    assert event_count(app) == 0
    assert not any(stored(app, c) for c in contents)


def test_attachments_limits_put_attachment_over_the_limit_is_413(client, app):
    # Communication 1.5.2 / 3.2: the same limits on PUT
    content = os.urandom(MAX_ATTACHMENT + 1)
    statement = f.statement(attachments=[f.attached(content)])
    response = client.put(
        STATEMENTS, query_string={"statementId": statement["id"]},
        **f.multipart_request(statement, f.part(content)),
    )
    assert response.status_code == 413
    assert event_count(app) == 0


def test_attachments_limits_statement_part_is_bounded_by_the_request_limit(client, app):
    # The first part is not an attachment: only the request limit applies to it
    statement = f.statement(attachments=[f.attachment(description={"en-US": "x" * MAX_ATTACHMENT})])
    response = client.post(STATEMENTS, **f.multipart_request(statement))
    assert response.status_code == 200, response.get_json()
