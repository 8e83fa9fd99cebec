"""Fixtures of the stream tests: the shared NATS server, a stream of the test's own
(deleted afterwards), and readers of what the stream holds."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from nats.js.errors import NotFoundError

from lrs.services import Services
from lrs.settings import Settings
from lrs.stream.link import NatsLink, StoredMessage
from tests.support import nats


@pytest.fixture
def nats_url() -> str:
    return nats.require_shared()


@pytest.fixture
def stream_settings(settings: Settings, nats_url: str) -> Iterator[Settings]:
    """The test's settings with a stream and subject prefix of its own."""
    name, prefix = nats.unique_stream()
    yield dataclasses.replace(settings, nats_url=nats_url, nats_stream=name, nats_subject_prefix=prefix)
    delete_stream(nats_url, name)


@pytest.fixture
def stream_services(stream_settings: Settings) -> Iterator[Services]:
    built = Services.build(stream_settings)
    yield built
    built.close()


def delete_stream(url: str, name: str) -> None:
    link = NatsLink(url)
    try:
        link.run(_delete(link, name))
    except Exception:
        pass
    finally:
        link.close()


async def _delete(link: NatsLink, name: str) -> None:
    js = await link.jetstream()
    await js.delete_stream(name)


def stream_messages(url: str, name: str) -> list[StoredMessage]:
    """Every message the stream holds, in stream order (none while there is no stream)."""
    link = NatsLink(url)
    try:
        try:
            last = link.last_seq(name)
        except NotFoundError:
            return []
        found = [link.message(name, seq) for seq in range(1, last + 1)]
        return [m for m in found if m is not None]
    finally:
        link.close()
