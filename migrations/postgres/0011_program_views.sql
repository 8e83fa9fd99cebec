-- The programs view (projections.programs): facts of the profile's program
-- additions (skills, org chart, matching inputs, delivery, timeline comments,
-- outcomes, and statements that almost follow them), read by the projection
-- runner after the append. Same conventions as mentoring_fact: each row keeps
-- the log position that added it and the position of the voiding statement
-- that removed it, so every query can be answered as the view stood at a past
-- position; rebuilt from the events alone.

CREATE TABLE IF NOT EXISTS program_fact (
    position      BIGINT  NOT NULL,           -- log position of the statement
    seq           INTEGER NOT NULL,           -- the fact's number within the statement
    statement_id  TEXT    NOT NULL,
    voided_at     BIGINT,                    -- log position of the voiding statement, if any
    program       TEXT    NOT NULL,           -- program Activity id (empty: about a person in general)
    kind          SMALLINT NOT NULL,           -- projections.programs_profile.Kind
    actor         TEXT    NOT NULL,           -- agent key of the person the fact is about
    other         TEXT    NOT NULL,           -- agent key: manager, assessor, ranked, audience (empty: none)
    object        TEXT    NOT NULL,           -- Activity id: competency, role, content, measure (empty: none)
    ts_us         BIGINT  NOT NULL,           -- statement timestamp, microseconds since the epoch
    value         DOUBLE PRECISION,                       -- a level, seniority, capacity, rank, video time, score
    detail        TEXT,                       -- a team, target holder, direction, parent statement, period, rule
    text          TEXT,                       -- what an almost-profile statement gets wrong
    PRIMARY KEY (position, seq)
);
CREATE INDEX IF NOT EXISTS program_fact_statement ON program_fact (statement_id);
CREATE INDEX IF NOT EXISTS program_fact_program ON program_fact
    (program, kind, actor, other, object) INCLUDE (ts_us, position, voided_at, value);
CREATE INDEX IF NOT EXISTS program_fact_person ON program_fact (kind, actor, ts_us, position);

-- Voiding statements seen, by target, so a target that arrives later is voided on arrival.
CREATE TABLE IF NOT EXISTS program_voiding (
    target_id  TEXT    PRIMARY KEY,
    position   BIGINT  NOT NULL
);

-- Names given to the Agents of these statements, for display (the latest wins).
CREATE TABLE IF NOT EXISTS program_agent_name (
    agent_key       TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    first_position  BIGINT  NOT NULL,
    position        BIGINT  NOT NULL,
    PRIMARY KEY (agent_key, name)
);
