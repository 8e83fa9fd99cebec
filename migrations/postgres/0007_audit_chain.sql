-- Tamper evidence (docs/AUDIT.md): one row per event of the event store, written
-- by the recorder in the same transaction as the append (lrs.audit_chain).
-- hash = SHA-256 of the previous row's hash (by position), the position, the
-- event's originator id and version, its topic and its stored state bytes.
-- Not derived data that can be rebuilt: rebuilding it would erase the evidence.
-- Stores created before this table are chained by `lrs audit backfill` (run by
-- `lrs migrate` and `lrs serve`) or by their next append.
CREATE TABLE IF NOT EXISTS lrs_audit_chain (
    position            BIGINT PRIMARY KEY,      -- the event's log position (notification id)
    originator_id       TEXT    NOT NULL,       -- the aggregate id, dashed lowercase UUID
    originator_version  BIGINT NOT NULL,
    hash                TEXT    NOT NULL        -- lowercase hex SHA-256
);
