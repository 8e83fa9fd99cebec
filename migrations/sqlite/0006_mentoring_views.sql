-- The mentoring views (projections.mentoring): facts read from profile
-- statements by the projection runner, after the append. Each row keeps the
-- log position that added it and the position of the voiding statement that
-- removed it, so every query can be answered as the view stood at a past
-- position. Rebuilt from the events alone.

-- One row per fact a profile statement states about one program.
CREATE TABLE IF NOT EXISTS mentoring_fact (
    position      INTEGER NOT NULL,           -- log position of the statement
    seq           INTEGER NOT NULL,           -- the fact's number within the statement
    statement_id  TEXT    NOT NULL,
    voided_at     INTEGER,                    -- log position of the voiding statement, if any
    program       TEXT    NOT NULL,           -- program Activity id
    kind          INTEGER  NOT NULL,           -- projections.mentoring_profile.Kind
    actor         TEXT    NOT NULL,           -- agent key of the actor
    other         TEXT    NOT NULL,           -- agent key: mentee, mentor, recipient, mentioned (empty: none)
    object        TEXT    NOT NULL,           -- Activity id: session, video, goal, subject (empty: none)
    ts_us         INTEGER NOT NULL,           -- statement timestamp, microseconds since the epoch
    seconds       REAL,                       -- a duration
    value         REAL,                       -- a rating or a video progress
    detail        TEXT,                       -- a goal's target date
    PRIMARY KEY (position, seq)
);
CREATE INDEX IF NOT EXISTS mentoring_fact_statement ON mentoring_fact (statement_id);
-- Covering (every column the figures read): a program's figures are read by
-- ordered scans of this index alone, grouped as they come.
CREATE INDEX IF NOT EXISTS mentoring_fact_program ON mentoring_fact
    (program, kind, actor, other, object, ts_us, position, voided_at, seconds, value, detail);

-- Voiding statements seen, by target, so a target that arrives later is voided on arrival.
CREATE TABLE IF NOT EXISTS mentoring_voiding (
    target_id  TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL               -- log position of the (first) voiding statement
);

-- Programs named by profile statements, with the log position of the first one.
CREATE TABLE IF NOT EXISTS mentoring_program (
    program         TEXT    PRIMARY KEY,
    first_position  INTEGER NOT NULL,
    name            TEXT,                     -- the latest name given, for display
    position        INTEGER NOT NULL          -- log position of that name
);

-- Names given to the Agents of profile statements, for display (the latest wins).
CREATE TABLE IF NOT EXISTS mentoring_agent_name (
    agent_key       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    first_position  INTEGER NOT NULL,
    position        INTEGER NOT NULL,
    PRIMARY KEY (agent_key, name)
);
