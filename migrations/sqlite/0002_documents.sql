-- The current state of every document of the State, Activity Profile and Agent
-- Profile resources. The documents themselves are event-sourced (lrs.documents):
-- this table is derived from their events, written in the same transaction as
-- each event, and is what GET answers from and what a write restores from.

-- One row per document ever written. A deleted document keeps its row, with no
-- content, so that the next write knows the aggregate's version.
CREATE TABLE IF NOT EXISTS xapi_document (
    document_uuid  TEXT    PRIMARY KEY,         -- the aggregate id
    kind           INTEGER NOT NULL,            -- 1 state, 2 activity profile, 3 agent profile
    activity_id    TEXT    NOT NULL,            -- empty for agent profiles
    agent_key      TEXT    NOT NULL,            -- IFI key of the agent, empty for activity profiles
    registration   TEXT    NOT NULL,            -- empty when none
    document_id    TEXT    NOT NULL,            -- stateId or profileId
    version        INTEGER NOT NULL,            -- version of the aggregate's last event
    updated_us     INTEGER NOT NULL,            -- time of that event, microseconds since the epoch
    content_type   TEXT,                        -- NULL once deleted
    etag           TEXT,                        -- quoted SHA-1 of the content, NULL once deleted
    content        BLOB                         -- the document bytes, NULL once deleted
);
CREATE INDEX IF NOT EXISTS xapi_document_scope
    ON xapi_document (kind, activity_id, agent_key, registration, updated_us);
