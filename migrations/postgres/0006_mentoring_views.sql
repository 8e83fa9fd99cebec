-- The mentoring views (projections.mentoring): facts read from profile
-- statements by the projection runner, after the append. Each row keeps the
-- log position that added it and the position of the voiding statement that
-- removed it, so every query can be answered as the view stood at a past
-- position. Rebuilt from the events alone.

-- One row per fact a profile statement states about one program.
CREATE TABLE IF NOT EXISTS mentoring_fact (
    position      BIGINT  NOT NULL,           -- log position of the statement
    seq           INTEGER NOT NULL,           -- the fact's number within the statement
    statement_id  TEXT    NOT NULL,
    voided_at     BIGINT ,                    -- log position of the voiding statement, if any
    program       TEXT    NOT NULL,           -- program Activity id
    kind          SMALLINT NOT NULL,           -- projections.mentoring_profile.Kind
    actor         TEXT    NOT NULL,           -- agent key of the actor
    other         TEXT    NOT NULL,           -- agent key: mentee, mentor, recipient, mentioned (empty: none)
    object        TEXT    NOT NULL,           -- Activity id: session, video, goal, subject (empty: none)
    ts_us         BIGINT  NOT NULL,           -- statement timestamp, microseconds since the epoch
    seconds       DOUBLE PRECISION,                       -- a duration
    value         DOUBLE PRECISION,                       -- a rating or a video progress
    detail        TEXT,                       -- a goal's target date
    PRIMARY KEY (position, seq)
);
CREATE INDEX IF NOT EXISTS mentoring_fact_statement ON mentoring_fact (statement_id);
-- Covering: a program's figures are read by index-only scans, grouped as they come.
CREATE INDEX IF NOT EXISTS mentoring_fact_program ON mentoring_fact (program, kind, actor, other, object)
    INCLUDE (ts_us, seconds, value, position, voided_at);

-- Voiding statements seen, by target, so a target that arrives later is voided on arrival.
CREATE TABLE IF NOT EXISTS mentoring_voiding (
    target_id  TEXT    PRIMARY KEY,
    position   BIGINT  NOT NULL               -- log position of the (first) voiding statement
);

-- Programs named by profile statements, with the log position of the first one.
CREATE TABLE IF NOT EXISTS mentoring_program (
    program         TEXT    PRIMARY KEY,
    first_position  BIGINT  NOT NULL,
    name            TEXT,                     -- the latest name given, for display
    position        BIGINT  NOT NULL          -- log position of that name
);

-- Names given to the Agents of profile statements, for display (the latest wins).
CREATE TABLE IF NOT EXISTS mentoring_agent_name (
    agent_key       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    first_position  BIGINT  NOT NULL,
    position        BIGINT  NOT NULL,
    PRIMARY KEY (agent_key, name)
);
