"""What an auditor can ask of the LRS: the ordered history, the chain's
verification, signed checkpoints, one statement's history.

The pieces live in small modules: `lrs.audit.chain` (the hash chain, written in
the append's transaction, and its verification), `lrs.audit.checkpoint` (signed
heads), `lrs.audit.feed` (the history feed), `lrs.audit.replay` (views rebuilt
from the log and compared). This module puts them together over one store for
the HTTP API (`lrs.api.audit`) and the CLI (``lrs audit ...``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from lrs.audit import chain as audit_chain
from lrs.audit import checkpoint as audit_checkpoint
from lrs.audit import feed as audit_feed
from lrs.audit.chain import Verification
from lrs.audit.checkpoint import CheckpointError, CheckpointKey
from lrs.settings import Settings
from lrs.store.application import LearningRecordStore
from xapi.prepare import from_epoch_us

Progress = Callable[[int], None]


class Audit:
    """The audit operations over one store."""

    def __init__(self, store: LearningRecordStore, settings: Settings):
        self.store = store
        self.settings = settings

    @property
    def events_table(self) -> str:
        return self.store.event_log.table

    # --- the chain -----------------------------------------------------------------

    def backfill(self, progress: Progress | None = None) -> int:
        """Chain the events stored before the chain existed; how many were chained."""
        return audit_chain.backfill(self.store.db, self.events_table, progress)

    def event_count(self) -> int:
        return audit_chain.count_events(self.store.db, self.events_table)

    def verify(
        self,
        checkpoint: str | None = None,
        public_key_file: str | None = None,
        progress: Progress | None = None,
    ) -> Verification:
        """Recompute the chain from the stored events; with a checkpoint (its JSON
        or JWS), also check that the chain passes through that exact head.
        `CheckpointError` when the checkpoint cannot be read or its signature fails."""
        claims = None
        if checkpoint is not None:
            claims = audit_checkpoint.read(checkpoint, self._verifying_key(public_key_file))
        seen: dict[str, str] = {}
        target = claims["position"] if claims is not None else None

        def expect(position: int, recomputed: str) -> None:
            if position == target:
                seen["hash"] = recomputed

        result = audit_chain.verify(self.store.db, self.events_table, progress=progress,
                                    expect=expect if claims is not None else None)
        if claims is not None:
            result.checkpoint = _checkpoint_outcome(claims, result, seen.get("hash"))
        return result

    def checkpoint(self, now: datetime | None = None) -> dict[str, Any]:
        """The current head, signed. `CheckpointError` when no key is configured."""
        key = self._signing_key()
        with self.store.db.read() as cur:
            head = audit_chain.current_head(cur)
            events = audit_chain.count_between(cur, 0, head.position)
        return audit_checkpoint.make(head, events, key, self.settings.public_url, now)

    def _signing_key(self) -> CheckpointKey:
        key = audit_checkpoint.signing_key(
            self.settings.audit_checkpoint_key, self.settings.audit_checkpoint_key_file
        )
        if key is None:
            raise CheckpointError(
                "no checkpoint key is configured: set LRS_AUDIT_CHECKPOINT_KEY (a secret of at "
                "least 32 bytes) or LRS_AUDIT_CHECKPOINT_KEY_FILE (a PEM private key)"
            )
        return key

    def _verifying_key(self, public_key_file: str | None) -> CheckpointKey:
        if public_key_file:
            return audit_checkpoint.public_key_file(public_key_file)
        return self._signing_key()

    # --- the feed and a statement's history -------------------------------------------

    def events(self, f: audit_feed.FeedFilter) -> Iterator[dict[str, Any]]:
        return audit_feed.feed(self.store, f)

    def statement_history(self, statement_id: str) -> dict[str, Any] | None:
        """Every event that touched one statement: its own (stored), the statements
        that void it, and those that refer to it with a StatementRef; None when
        the LRS has none of these."""
        statement_id = statement_id.lower()
        with self.store.db.read() as cur:
            rows = cur.execute(
                "SELECT position, statement_id, stored_us, authority_key, statement_ref, voids, voided "
                "FROM xapi_statement WHERE statement_id = ? OR statement_ref = ? ORDER BY position",
                (statement_id, statement_id),
            ).fetchall()
        if not rows:
            return None
        entries = audit_feed.events_at(self.store, [int(r["position"]) for r in rows])
        voided = False
        history = []
        for row in rows:
            position = int(row["position"])
            entry = entries.get(position)
            statement = entry["statement"] if entry else {}
            item: dict[str, Any] = {
                "position": position,
                "statement_id": row["statement_id"],
                "stored": from_epoch_us(int(row["stored_us"])).isoformat(),
                "authority": statement.get("authority"),
                "timestamp": entry["timestamp"] if entry else None,
                "hash": entry["hash"] if entry else None,
            }
            if row["statement_id"] == statement_id:
                item["event"] = "stored"
                voided = bool(row["voided"])
            elif row["voids"] is not None:
                item["event"] = "voided-by"
            else:
                item["event"] = "referenced-by"
            history.append(item)
        return {"statement_id": statement_id, "voided": voided, "history": history}


def _checkpoint_outcome(
    claims: dict[str, Any], result: Verification, recomputed: str | None
) -> dict[str, Any]:
    outcome: dict[str, Any] = {
        "position": claims["position"],
        "hash": claims["hash"],
        "time": claims.get("time"),
    }
    position = int(claims["position"])
    if recomputed is not None:
        ok = recomputed == claims["hash"]
        outcome["ok"] = ok
        outcome["message"] = (
            "the store's chain passes through the checkpoint's head" if ok else
            f"the chain recomputed from the stored events has hash {recomputed} at position "
            f"{position}, not the checkpoint's: events up to it were changed and the chain rewritten"
        )
    elif result.problem is not None and result.problem.position <= position:
        outcome["ok"] = False
        outcome["message"] = (
            f"the chain breaks at position {result.problem.position}, before the checkpoint's head"
        )
    else:
        outcome["ok"] = False
        outcome["message"] = (
            f"the store holds no event at the checkpoint's position {position} (its chain ends at "
            f"{result.head.position} or skips it): events were removed"
        )
    outcome["checked_at"] = datetime.now(UTC).isoformat()
    return outcome
