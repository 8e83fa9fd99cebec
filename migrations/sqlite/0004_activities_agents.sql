-- What the Activities and Agents resources answer from: the Activity
-- definitions and the Agents seen in statements, written in the same
-- transaction as the statement index (projections.activities, projections.agents).

-- Each distinct definition given for an Activity id, with the log positions of
-- the first and the latest statements that gave it. The canonical definition is
-- these merged in order (xapi.canonical): a definition given again counts as new.
CREATE TABLE IF NOT EXISTS xapi_activity_definition (
    activity_id  TEXT    NOT NULL,
    digest       TEXT    NOT NULL,             -- SHA-1 of the definition with sorted keys
    first_position INTEGER NOT NULL,           -- log position of its first appearance
    position     INTEGER NOT NULL,             -- log position of its latest appearance
    definition   TEXT    NOT NULL,             -- the definition as JSON
    PRIMARY KEY (activity_id, digest)
);

-- Each Agent identifier seen in a statement, with each name it was given.
CREATE TABLE IF NOT EXISTS xapi_agent (
    agent_key   TEXT NOT NULL,                 -- xapi.identifiers.agent_key
    name        TEXT NOT NULL,                 -- empty when the Agent had no name
    ifi         TEXT NOT NULL,                 -- the identifying property as JSON
    mbox_sha1   TEXT,                          -- for mbox identifiers, the SHA-1 of the mbox IRI
    PRIMARY KEY (agent_key, name)
);
CREATE INDEX IF NOT EXISTS xapi_agent_mbox_sha1 ON xapi_agent (mbox_sha1) WHERE mbox_sha1 IS NOT NULL;
