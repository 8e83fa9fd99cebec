-- Erasures (issue 19 point 2): one row per erased person, written in the transaction
-- that appends the Erasure.Recorded event and destroys the person's key. No personal
-- data: `person` is the keyed hash (lrs.privacy.keys), `reason` as the requester gave it.
-- Derived from the log (the events hold the same), kept so that GET /admin/erasures and
-- every read that hides an erased person is one lookup.
CREATE TABLE IF NOT EXISTS lrs_erasure (
    erasure_id    TEXT PRIMARY KEY,
    person        TEXT NOT NULL UNIQUE,
    requested_by  TEXT NOT NULL,
    reason        TEXT NOT NULL,
    erased_at     TEXT NOT NULL,
    position      BIGINT NOT NULL
);
