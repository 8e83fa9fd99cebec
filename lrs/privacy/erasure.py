"""Erasure of a person (issue 19 points 2, 3, 7): a command, an event, and what reads hide.

`Erasures.erase` validates the Agent as an xAPI Agent parameter (400 naming the
field), refuses a person this store never saw (404), and otherwise appends one
`lrs.domain.Erasure.Recorded` event (the person's keyed hash, who asked, why: no
personal data) whose transaction also

* destroys the person's data key (`PersonKeyring.destroy`: what was encrypted
  under it is unreadable from the commit on, crypto-shredding),
* records the erasure in ``lrs_erasure`` (what ``GET /admin/erasures`` lists),
* deletes the person's State and Agent Profile documents' current rows,
* rewrites the statement index, Activity definitions and Agents from the log
  through `Redactor` (exactly what ``lrs rebuild-index`` writes), and
* empties every asynchronous view and sets its position back to 0, so the
  projection runner replays the log into it through the same `Redactor`: the
  live view after an erasure *is* a replay, so a replay equals it by construction.

A second erasure of the same person is the first one (same id, nothing done).

`Redactor` is the one rule of what a read shows of erased persons; the event log
applies it to every statement it hands out (queries, views, rebuilds, replays):

* a statement whose **actor** or **object** is an erased person (Agent, or an
  identified Group by its own identifier) is not returned: it is their statement,
  and an xAPI statement cannot be shown without its actor. A voiding statement is
  the exception: it is kept (actor anonymised) so that what it voided stays voided;
* everywhere else (context instructor and team, contextAgents / contextGroups, Group
  members, a SubStatement's agents, the authority) the person is replaced by the
  fixed anonymous Agent `ERASED_AGENT` (a Group by `ERASED_GROUP`);
* a statement whose actor is the anonymous Agent itself (what an encrypted
  statement of an erased actor decodes to) is not returned either.

Stores created before encryption hold plaintext events the append-only log cannot
rewrite (docs/PRIVACY.md, "Stores created before encryption"): for them the
erasure is this redaction of every derived table and read, and the events remain
the one copy, which `lrs audit verify` still verifies.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from lrs.domain import Erasure
from lrs.privacy.keys import NoIdentifier, PersonKeyring
from lrs.store.database import Cursor, Database
from projections.view import Positioned
from xapi.errors import FieldError, InvalidParameter, RequestError
from xapi.identifiers import agent_key
from xapi.personal import ANONYMOUS_ACCOUNT
from xapi.validation import validate_agent

ERASED_HOME_PAGE = "https://lrs.invalid/erased"
ERASED_ACCOUNT = {"homePage": ERASED_HOME_PAGE, "name": "erased"}
ERASED_AGENT: dict[str, Any] = {"objectType": "Agent", "account": ERASED_ACCOUNT}
"""Who an erased person is shown as (``.invalid`` is reserved: no real home page)."""
ERASED_GROUP: dict[str, Any] = {"objectType": "Group", "account": ERASED_ACCOUNT}
"""An erased identified Group, where a Group is required (``context.team``)."""

VOIDED = "http://adlnet.gov/expapi/verbs/voided"


class UnknownPerson(RequestError):
    """No statement or document of this store ever named the person (404)."""

    status = 404


@dataclass(frozen=True)
class ErasureRecord:
    """One erasure as ``lrs_erasure`` keeps it: no personal data."""

    id: str
    person: str
    requested_by: str
    reason: str
    erased_at: str

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "person": self.person, "requested_by": self.requested_by,
                "reason": self.reason, "erased_at": self.erased_at}


@dataclass(frozen=True)
class Erased:
    """What `Erasures.erase` did."""

    record: ErasureRecord
    created: bool
    """False: the person was erased already (nothing was done now)."""
    key_destroyed: bool = False
    documents_deleted: int = 0
    statements_hidden: int = 0
    """Statements of the person (actor or object) that no read returns any more."""
    statements_anonymised: int = 0
    """Statements still returned, with the person replaced by the anonymous Agent."""

    def as_dict(self) -> dict[str, Any]:
        return {**self.record.as_dict(), "created": self.created, "key_destroyed": self.key_destroyed,
                "documents_deleted": self.documents_deleted, "statements_hidden": self.statements_hidden,
                "statements_anonymised": self.statements_anonymised}


def _is_erased_account(agent: Mapping[str, Any]) -> bool:
    account = agent.get("account")
    return isinstance(account, Mapping) and account.get("homePage") == ERASED_HOME_PAGE


class Redactor:
    """Hides and anonymises erased persons in statements (the module's rule)."""

    def __init__(self, keyring: PersonKeyring, db: Database):
        self.keyring = keyring
        self.db = db

    def persons(self, cur: Cursor | None = None) -> frozenset[str]:
        """The keyed hashes of every erased person."""
        if cur is None:
            with self.db.read() as read:
                return self.persons(read)
        return frozenset(str(r["person"]) for r in cur.execute("SELECT person FROM lrs_erasure").fetchall())

    def statements(self, entries: Sequence[Positioned]) -> list[Positioned]:
        """`entries` as a read shows them now (the event log's hook)."""
        if not entries:
            return []
        erased = self.persons()
        if not erased:
            return list(entries)
        return self.apply(entries, erased)[0]

    def apply(self, entries: Sequence[Positioned], erased: frozenset[str]) -> tuple[list[Positioned], int, int]:
        """The entries shown, and how many were hidden and anonymised."""
        kept: list[Positioned] = []
        hidden = anonymised = 0
        for position, statement in entries:
            if self._hidden(statement, erased):
                hidden += 1
                continue
            shown = self._anonymise(statement, erased)
            if shown is not statement:
                anonymised += 1
            kept.append((position, shown))
        return kept, hidden, anonymised

    # --- the rule ---
    def is_erased(self, agent: Any, erased: frozenset[str]) -> bool:
        if not isinstance(agent, Mapping):
            return False
        try:
            return self.keyring.person_id(agent) in erased
        except NoIdentifier:
            return False

    def _hidden(self, statement: Mapping[str, Any], erased: frozenset[str]) -> bool:
        if (statement.get("verb") or {}).get("id") == VOIDED:
            return False
        actor = statement.get("actor")
        if isinstance(actor, Mapping) and (_is_erased_account(actor) or self.is_erased(actor, erased)):
            return True
        obj = statement.get("object") or {}
        return obj.get("objectType") in ("Agent", "Group") and (
            _is_erased_account(obj) or self.is_erased(obj, erased))

    def _anonymise(self, statement: dict[str, Any], erased: frozenset[str]) -> dict[str, Any]:
        """The statement with every erased person replaced; the same object when none is named."""
        if not self._names_erased(statement, erased):
            return statement
        shown = copy.deepcopy(statement)
        self._replace_in(shown, erased)
        return shown

    def _names_erased(self, value: Any, erased: frozenset[str]) -> bool:
        if isinstance(value, Mapping):
            # The anonymous Agent: an encrypted statement's erased person, merged as such.
            if _is_erased_account(value) or self.is_erased(value, erased):
                return True
            return any(self._names_erased(v, erased) for k, v in value.items() if k in _AGENT_PLACES)
        if isinstance(value, list):
            return any(self._names_erased(v, erased) for v in value)
        return False

    def _replace_in(self, value: Any, erased: frozenset[str]) -> Any:
        """Replace erased persons among the agent places of `value`, in place."""
        if isinstance(value, list):
            for i, item in enumerate(value):
                value[i] = self._replace_in(item, erased)
            return value
        if not isinstance(value, dict):
            return value
        if self.is_erased(value, erased):
            return dict(ERASED_GROUP if value.get("objectType") == "Group" else ERASED_AGENT)
        for name in list(value):
            if name in _AGENT_PLACES:
                value[name] = self._replace_in(value[name], erased)
        return value


_AGENT_PLACES = frozenset({
    "actor", "object", "authority", "context", "instructor", "team", "member",
    "contextAgents", "contextGroups", "agent", "group",
})
"""The properties under which a statement names Agents and Groups (Data 2.4)."""


class Erasures:
    """The erasure command and its list, on one store."""

    def __init__(self, store: Any, keyring: PersonKeyring, forget_views: Callable[[Cursor], None]):
        """``store`` is the `LearningRecordStore`; ``forget_views`` empties every
        asynchronous view and sets it back to position 0 in the caller's transaction
        (`lrs.runner.ProjectionRunner.forget`)."""
        self.store = store
        self.keyring = keyring
        self.redactor = Redactor(keyring, store.db)
        self.forget_views = forget_views

    def list(self) -> list[ErasureRecord]:
        with self.store.db.read() as cur:
            rows = cur.execute(
                "SELECT erasure_id, person, requested_by, reason, erased_at FROM lrs_erasure "
                "ORDER BY position").fetchall()
        return [_record(r) for r in rows]

    def find(self, person: str) -> ErasureRecord | None:
        with self.store.db.read() as cur:
            row = cur.execute(
                "SELECT erasure_id, person, requested_by, reason, erased_at FROM lrs_erasure "
                "WHERE person = ?", (person,)).fetchone()
        return _record(row) if row is not None else None

    def erase(self, agent: Any, *, requested_by: str, reason: str = "") -> Erased:
        """Erase the person `agent` identifies (the module's docstring says what that is)."""
        errors = validate_agent(agent, "agent")
        if errors:
            raise InvalidParameter("the agent is not a valid Agent", errors)
        person = self.keyring.person_id(agent)
        if (found := self.find(person)) is not None:
            return Erased(found, created=False)
        plain = agent_key(agent)
        assert plain is not None, "a valid agent has an identifier"
        keys = (plain, person)
        if not self._seen(person, keys):
            raise UnknownPerson("this store never saw the agent",
                                [FieldError("agent", "unknown-person", "no statement or document names it")])
        erasure = Erasure(person=person, requested_by=requested_by, reason=reason)
        events = erasure.collect_events()
        erased_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        done: dict[str, Any] = {}

        def within(cur: Cursor, positions: Sequence[int]) -> None:
            done["key_destroyed"] = self.keyring.destroy(person, cur)
            cur.execute(
                "INSERT INTO lrs_erasure (erasure_id, person, requested_by, reason, erased_at, position) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (str(erasure.id), person, requested_by, reason, erased_at, positions[-1]))
            done["documents"] = self._delete_documents(cur, keys)
            # Who read whom keeps that someone read this person, not who they were.
            in_keys, params = cur.in_list(list(keys))
            cur.execute(f"UPDATE lrs_access_log SET person = ? WHERE person {in_keys}",
                        ["erased:" + person, *params])
            done["hidden"], done["anonymised"] = self._reindex(cur, self.redactor.persons(cur))
            self.forget_views(cur)

        try:
            self.store.events.put(events, in_transaction=within)
        except IntegrityError:
            # Erased by a concurrent request meanwhile: that one is this one.
            if (found := self.find(person)) is not None:
                return Erased(found, created=False)
            raise
        record = ErasureRecord(str(erasure.id), person, requested_by, reason, erased_at)
        return Erased(record, created=True, key_destroyed=done["key_destroyed"],
                      documents_deleted=done["documents"], statements_hidden=done["hidden"],
                      statements_anonymised=done["anonymised"])

    def skips_document(self) -> Callable[[str | None], bool]:
        """For `rebuild_documents`: whether a document's agent (its canonical key, or
        the keyed hash where the store keeps that) is an erased person."""
        erased = self.redactor.persons()

        def skip(document_agent_key: str | None) -> bool:
            if not document_agent_key:
                return False
            if document_agent_key.startswith(_ERASED_DOCUMENT_AGENT):
                return True  # its events opened without their key (`lrs.store.sealing.erased_agent`)
            if not erased:
                return False
            return (document_agent_key in erased
                    or self.keyring.person_id_of_key(document_agent_key) in erased)

        return skip

    # --- inside the erasure's transaction ---
    def _seen(self, person: str, keys: Sequence[str]) -> bool:
        with self.store.db.read() as cur:
            in_keys, params = cur.in_list(list(keys))
            if self.keyring.exists(person, cur):
                return True
            for sql in (f"SELECT 1 FROM xapi_statement_key WHERE kind = 1 AND key {in_keys} LIMIT 1",
                        f"SELECT 1 FROM xapi_document WHERE agent_key {in_keys} LIMIT 1",
                        f"SELECT 1 FROM xapi_statement WHERE authority_key {in_keys} LIMIT 1"):
                if cur.execute(sql, params).fetchone() is not None:
                    return True
        return False

    def _delete_documents(self, cur: Cursor, keys: Sequence[str]) -> int:
        """The person's State and Agent Profile documents (their events stay in the log,
        under the destroyed key once encrypted; `rebuild_documents` skips them)."""
        in_keys, params = cur.in_list(list(keys))
        row = cur.execute(f"SELECT COUNT(*) AS n FROM xapi_document WHERE agent_key {in_keys} "
                          "AND content IS NOT NULL", params).fetchone()
        cur.execute(f"DELETE FROM xapi_document WHERE agent_key {in_keys}", params)
        return int(row["n"])

    def _reindex(self, cur: Cursor, erased: frozenset[str]) -> tuple[int, int]:
        """The statement views written again from the log through the redactor."""
        from lrs.store.rebuilds import rewrite_statement_views

        return rewrite_statement_views(self.store, cur, lambda entries: self.redactor.apply(entries, erased))


_ERASED_DOCUMENT_AGENT = "account:" + ANONYMOUS_ACCOUNT["homePage"] + "|"
"""The canonical key of a document Agent opened without its person's key."""


def _record(row: Mapping[str, Any]) -> ErasureRecord:
    return ErasureRecord(str(row["erasure_id"]), str(row["person"]), str(row["requested_by"]),
                         str(row["reason"]), str(row["erased_at"]))
