-- Statement forwarding to other LRSs (issue 23): one row per forwarder, each a durable
-- consumer of the stream named after it; its progress as the forwarder last wrote it.
CREATE TABLE IF NOT EXISTS lrs_forwarder (
    name          TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    auth_key      TEXT NOT NULL,
    -- the target's secret, needed in clear to authenticate there; never listed
    auth_secret   TEXT NOT NULL,
    verbs         TEXT NOT NULL,
    activities    TEXT NOT NULL,
    xapi_version  TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    position      INTEGER NOT NULL DEFAULT 0,
    delivered     INTEGER NOT NULL DEFAULT 0,
    lag           INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    last_error_at TEXT,
    updated_at    TEXT
);

-- What a target answered for single statements that were not simply accepted: a 409
-- (it holds that id already: counted as delivered) or a refusal (the dead letters).
CREATE TABLE IF NOT EXISTS lrs_forwarding_record (
    forwarder     TEXT NOT NULL,
    position      INTEGER NOT NULL,
    statement_id  TEXT NOT NULL,
    outcome       TEXT NOT NULL,
    status        INTEGER NOT NULL,
    answer        TEXT NOT NULL,
    recorded_at   TEXT NOT NULL,
    PRIMARY KEY (forwarder, position)
);
