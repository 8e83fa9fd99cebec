"""Personal values of stored statements encrypted per person (issue 19 point 1).

`Sealing.seal` turns each statement about to be stored into what its
``Statement.Stored`` event keeps: the *skeleton* (`xapi.personal.split`: the
statement with every personal value replaced by ``None``) and one *sealed share*
per person::

    {"person": <person id>, "paths": [[...], ...], "data": <base64 ciphertext>}

``data`` is AES-256-GCM under the person's data key of the JSON list of their
values; its associated data binds the statement id, the person id and the paths,
so a share cannot be moved to another statement, person or place unnoticed. The
event's bytes, which the audit hash chain covers, hold no identifier, name,
response or personal extension of anyone.

`Sealing.open` is the read side: the statement back from skeleton and shares
(`xapi.personal.merge`); a share whose key is destroyed (the person erased)
merges as the fixed anonymous Agent, and the erasure rule (`EventLog.redact`)
then hides or shows the statement. Events without shares (stores made before
encryption, issue 19 point 7) are their statement as stored.

Keys: a batch's keys are found (and the missing ones created) with one query
each, not one per person, and cached per process by the keyring. Key creation
commits in a transaction of its own, before the append: a key made for a
statement whose append then fails is a person with a key and no statement, which
is harmless. The keyring lives in ``lrs.privacy``, above the store; this module
knows it by the `Keyring` protocol only.

`Sealing.index_key` is what the index and the queries know a person by: their
person id (keyed hash), never the identifier.

Documents: the events of a State or Agent Profile document (``Document.Created``,
``Stored``, ``Merged``) keep their ``content`` sealed as ``sealed:1:<person
id>:<base64>`` (no base64 text has a colon), and the Created event its ``agent`` as
``{"sealed": <base64>, "person": <person id>}``; the associated data binds the
document id, its version, the field and the person id. `seal_documents` does it
before the append; `SealingMapper` opens them on every read of an event (a replay,
the audit feed, `lrs publish`), so the aggregate never sees a sealed value. A
destroyed key opens as ``content`` None (the document replays empty) and as the
anonymous Agent whose account name is the person id, which `lrs rebuild-index`
leaves out. The current-document table keeps the person id as the document's
agent and the content as it is, deleted with the person.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import orjson
from eventsourcing.persistence import Mapper, StoredEvent

from lrs.documents import Document
from lrs.store.database import Cursor, Database
from xapi import personal

Sealed = list[dict[str, Any]]
"""The sealed shares of one statement, as its event keeps them."""


class Keyring(Protocol):
    """What sealing needs of `lrs.privacy.keys.PersonKeyring`."""

    def person_id_of_key(self, canonical: str) -> str: ...

    def data_keys(self, person_ids: Sequence[str], cursor: Any, *, create: bool) -> dict[str, Any]: ...

    def seal(self, aead: Any, plaintext: bytes, associated: bytes) -> bytes: ...

    def unseal(self, aead: Any, ciphertext: bytes, associated: bytes) -> bytes: ...


SEALED_CONTENT = "sealed:1:"
"""How a document event's sealed content starts (never a base64 text)."""

_DOCUMENT_EVENTS: tuple[type, ...] = tuple(getattr(Document, name) for name in ("Created", "Stored", "Merged"))
"""The document events that carry content (the ``@event`` decorator makes the classes)."""


def erased_agent(person_id: str) -> dict[str, Any]:
    """What a document's Agent opens as once its person's key is destroyed: the
    anonymous Agent, named by the person id so a rebuild knows whose it was."""
    return {"objectType": "Agent", "account": {"homePage": personal.ANONYMOUS_ACCOUNT["homePage"],
                                               "name": person_id}}


def _document_associated(event: Any, field: str, person_id: str) -> bytes:
    return (b"lrs-document\x00" + str(event.originator_id).encode("ascii") + b"\x00"
            + str(event.originator_version).encode("ascii") + b"\x00" + field.encode("ascii")
            + b"\x00" + person_id.encode("ascii"))


def _associated(statement_id: str, person_id: str, paths: Sequence[Sequence[Any]]) -> bytes:
    return b"lrs-statement\x00" + statement_id.lower().encode("ascii") + b"\x00" + \
        person_id.encode("ascii") + b"\x00" + orjson.dumps(paths)


class Sealing:
    """Seals statements for their events and opens them again, on one store."""

    def __init__(self, keyring: Keyring, db: Database, personal_extensions: Sequence[str] = ()):
        self.keyring = keyring
        self.db = db
        self.personal_extensions = frozenset(personal_extensions)

    def index_key(self, canonical: str) -> str:
        """The person id of a canonical identifier (`xapi.identifiers.agent_key`)."""
        return self.keyring.person_id_of_key(canonical)

    def seal(self, statements: Sequence[Mapping[str, Any]]) -> list[tuple[dict[str, Any], Sealed]]:
        """(skeleton, sealed shares) of each statement, in order."""
        splits = [personal.split(s, self.personal_extensions) for s in statements]
        person_of = {share.key: self.index_key(share.key) for _, shares in splits for share in shares}
        if not person_of:
            return [(skeleton, []) for skeleton, _ in splits]
        # Known persons' keys are read (or cached) without a write transaction; only the
        # persons seen for the first time take one, to create theirs.
        wanted = list(dict.fromkeys(person_of.values()))
        with self.db.read() as read:
            keys = self.keyring.data_keys(wanted, read, create=False)
        missing = [p for p in wanted if keys.get(p) is None]
        if missing:
            with self.db.transaction(commit=True) as cur:
                keys.update(self.keyring.data_keys(missing, cur, create=True))
        sealed_all: list[tuple[dict[str, Any], Sealed]] = []
        for statement, (skeleton, shares) in zip(statements, splits, strict=True):
            sealed: Sealed = []
            for share in shares:
                person_id = person_of[share.key]
                aead = keys.get(person_id)
                if aead is None:
                    # Stored after the person's erasure: their values are not kept at all.
                    sealed.append({"person": person_id, "paths": share.paths, "data": None})
                    continue
                data = self.keyring.seal(aead, orjson.dumps(share.values),
                                  _associated(statement["id"], person_id, share.paths))
                sealed.append({"person": person_id, "paths": share.paths,
                               "data": base64.b64encode(data).decode("ascii")})
            sealed_all.append((skeleton, sealed))
        return sealed_all

    def seal_documents(self, events: Sequence[Any], person_of: Mapping[Any, str]) -> None:
        """Seal, in place and before their append, the content (and a Created event's
        Agent) of the document events whose document is a person's: ``person_of``
        maps a document id to its person id. A person erased already has no key: the
        event keeps nothing of the content (it replays as erased)."""
        wanted: list[Any] = [e for e in events if isinstance(e, _DOCUMENT_EVENTS)]
        wanted = [e for e in wanted if e.originator_id in person_of]
        if not wanted:
            return
        persons = list(dict.fromkeys(person_of[e.originator_id] for e in wanted))
        with self.db.read() as read:
            keys = self.keyring.data_keys(persons, read, create=False)
        missing = [p for p in persons if keys.get(p) is None]
        if missing:
            with self.db.transaction(commit=True) as cur:
                keys.update(self.keyring.data_keys(missing, cur, create=True))
        for event in wanted:
            person_id = person_of[event.originator_id]
            aead = keys.get(person_id)
            content = event.content
            if content is not None:
                sealed = None if aead is None else SEALED_CONTENT + person_id + ":" + base64.b64encode(
                    self.keyring.seal(aead, content.encode("ascii"),
                                      _document_associated(event, "content", person_id))).decode("ascii")
                object.__setattr__(event, "content", sealed)
            agent = getattr(event, "agent", None)
            if type(event).__name__ == "Created" and agent is not None:
                data = None if aead is None else base64.b64encode(self.keyring.seal(
                    aead, orjson.dumps(agent), _document_associated(event, "agent", person_id))).decode("ascii")
                object.__setattr__(event, "agent", {"sealed": data, "person": person_id})

    def open_document(self, event: Any) -> None:
        """Open a document event's sealed values in place (the event is this read's own)."""
        content = getattr(event, "content", None)
        agent = getattr(event, "agent", None)
        content = content if isinstance(content, str) and content.startswith(SEALED_CONTENT) else None
        agent = agent if isinstance(agent, dict) and "sealed" in agent else None
        if content is None and agent is None:
            return
        person_id = str(agent["person"]) if agent is not None else \
            str(content)[len(SEALED_CONTENT):].split(":", 1)[0]
        with self.db.read() as read:
            aead = self.keyring.data_keys([person_id], read, create=False).get(person_id)
        if content is not None:
            data = content.split(":", 3)[3]
            object.__setattr__(event, "content", None if aead is None else self.keyring.unseal(
                aead, base64.b64decode(data), _document_associated(event, "content", person_id)).decode("ascii"))
        if agent is not None:
            opened = erased_agent(person_id)
            if aead is not None and agent.get("sealed"):
                opened = orjson.loads(self.keyring.unseal(aead, base64.b64decode(agent["sealed"]),
                                                          _document_associated(event, "agent", person_id)))
            object.__setattr__(event, "agent", opened)

    def open(self, pairs: Sequence[tuple[Mapping[str, Any], Sealed]],
             cur: Cursor | None = None) -> list[dict[str, Any]]:
        """The statements of (skeleton, sealed shares) pairs, in order; ``cur`` reads
        the keys inside a caller's transaction (an erasure's)."""
        persons = [share["person"] for _, sealed in pairs for share in sealed if share.get("data")]
        keys: dict[str, Any] = {}
        if persons:
            if cur is None:
                with self.db.read() as read:
                    keys = self.keyring.data_keys(persons, read, create=False)
            else:
                keys = self.keyring.data_keys(persons, cur, create=False)
        return [open_statement(self.keyring, skeleton, sealed, keys) for skeleton, sealed in pairs]


def open_statement(keyring: Keyring, skeleton: Mapping[str, Any], sealed: Sealed,
                   keys: Mapping[str, Any]) -> dict[str, Any]:
    """One statement from its skeleton and shares, given the persons' AEADs (None or
    absent: erased)."""
    if not sealed:
        return dict(skeleton)
    shares: list[tuple[list[Any], list[Any] | None]] = []
    for share in sealed:
        paths = [tuple(p) for p in share["paths"]]
        aead = keys.get(share["person"])
        data = share.get("data")
        if aead is None or data is None:
            shares.append((paths, None))
            continue
        plain = keyring.unseal(aead, base64.b64decode(data),
                           _associated(skeleton["id"], share["person"], share["paths"]))
        shares.append((paths, orjson.loads(plain)))
    return personal.merge(skeleton, shares)


class SealingMapper(Mapper[Any]):
    """The library's mapper, and document events opened as they are read
    (`Sealing.open_document`) once the store has its sealing; statements are opened
    by `lrs.store.event_log.EventLog`, a batch's keys at once."""

    sealing: Sealing | None = None

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        event = super().to_domain_event(stored_event)
        if self.sealing is not None and isinstance(event, _DOCUMENT_EVENTS):
            self.sealing.open_document(event)
        return event
