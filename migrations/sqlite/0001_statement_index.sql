-- The statement query index: derived from the event store, written in the
-- same transaction as each append, and rebuildable from the events alone.

-- One row per stored statement; `position` is the event's notification id.
CREATE TABLE IF NOT EXISTS xapi_statement (
    position       INTEGER PRIMARY KEY,
    statement_id   TEXT    NOT NULL UNIQUE,
    stored_us      INTEGER NOT NULL,          -- `stored`, microseconds since the epoch
    authority_key  TEXT,                      -- IFI key of the authority (statements/read/mine)
    statement_ref  TEXT,                      -- id targeted by a StatementRef object
    voids          TEXT,                      -- id voided by this (voiding) statement
    voided         INTEGER NOT NULL DEFAULT 0 -- 1 once a voiding statement targets it
);
CREATE INDEX IF NOT EXISTS xapi_statement_stored ON xapi_statement (stored_us, position);
CREATE INDEX IF NOT EXISTS xapi_statement_ref ON xapi_statement (statement_ref) WHERE statement_ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS xapi_statement_voids ON xapi_statement (voids) WHERE voids IS NOT NULL;
CREATE INDEX IF NOT EXISTS xapi_statement_authority ON xapi_statement (authority_key, position);

-- What each statement can be found by (agent, verb, activity, registration, ...),
-- including what it inherits from the statements it targets (Communication 2.1.3).
CREATE TABLE IF NOT EXISTS xapi_statement_key (
    kind      INTEGER NOT NULL,
    key       TEXT    NOT NULL,
    position  INTEGER NOT NULL,
    direct    INTEGER NOT NULL,                 -- 0: found only by related_agents/related_activities
    PRIMARY KEY (kind, key, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS xapi_statement_key_position ON xapi_statement_key (position);

-- Credentials for HTTP authentication: the secret is only kept as a salted hash.
CREATE TABLE IF NOT EXISTS lrs_credential (
    key          TEXT PRIMARY KEY,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,               -- JSON array of xAPI scopes
    label        TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
);
