-- Rollups of the mentoring view (projections.mentoring): what a program page
-- reads instead of grouping every fact of the program (issue 21 point 5).
-- Kept by the projection runner in the transaction that writes the facts:
-- a fact adds to its rows; a voiding recomputes the rows of the facts it
-- voids from mentoring_fact. Only visible facts count, MENTION facts never
-- (no figure groups them). "position" is the last log position that changed
-- a row: a read as of an earlier position cannot use the rollup and groups
-- the facts instead. A row whose facts were all voided stays, with n = 0.

-- Per (program, kind, actor, other): the groups of projections.mentoring.read_program.
CREATE TABLE IF NOT EXISTS mentoring_rollup (
    program    TEXT     NOT NULL,
    kind       SMALLINT NOT NULL,
    actor      TEXT     NOT NULL,
    other      TEXT     NOT NULL,
    n          BIGINT   NOT NULL,           -- visible facts
    micros     BIGINT   NOT NULL,           -- sum of their durations, microseconds (none: 0)
    first_us   BIGINT,                     -- earliest timestamp (NULL when n = 0)
    last_us    BIGINT,                     -- latest timestamp (NULL when n = 0)
    value_micros BIGINT NOT NULL,         -- sum of their values, in millionths
    value_n    BIGINT   NOT NULL,           -- how many have a value
    position   BIGINT   NOT NULL,           -- last log position that changed the row
    PRIMARY KEY (program, kind, actor, other)
);

-- Per (program, kind, ISO week): the counts of projections.mentoring.weekly_counts.
CREATE TABLE IF NOT EXISTS mentoring_week_rollup (
    program    TEXT     NOT NULL,
    kind       SMALLINT NOT NULL,
    week       BIGINT   NOT NULL,           -- projections.mentoring.week_of
    n          BIGINT   NOT NULL,
    value_micros BIGINT NOT NULL,       -- in millionths
    value_n    BIGINT   NOT NULL,
    last_us    BIGINT,                     -- latest timestamp (NULL when n = 0)
    position   BIGINT   NOT NULL,
    PRIMARY KEY (program, kind, week)
);

-- The facts already in the view, as the runner would have added them (kind 10 is MENTION;
-- a fact voided before it arrived never counts; the week as _FLOOR_WEEK computes it).
INSERT INTO mentoring_rollup
SELECT program, kind, actor, other,
       SUM(CASE WHEN voided_at IS NULL THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN voided_at IS NULL THEN CAST(ROUND(seconds * 1000000) AS BIGINT) END), 0),
       MIN(CASE WHEN voided_at IS NULL THEN ts_us END),
       MAX(CASE WHEN voided_at IS NULL THEN ts_us END),
       COALESCE(SUM(CASE WHEN voided_at IS NULL THEN CAST(ROUND(value * 1000000) AS BIGINT) END), 0),
       COUNT(CASE WHEN voided_at IS NULL THEN value END),
       MAX(COALESCE(voided_at, position))
FROM mentoring_fact WHERE kind <> 10 AND (voided_at IS NULL OR voided_at > position)
GROUP BY program, kind, actor, other;

INSERT INTO mentoring_week_rollup
SELECT program, kind, week,
       SUM(CASE WHEN voided_at IS NULL THEN 1 ELSE 0 END),
       COALESCE(SUM(CASE WHEN voided_at IS NULL THEN CAST(ROUND(value * 1000000) AS BIGINT) END), 0),
       COUNT(CASE WHEN voided_at IS NULL THEN value END),
       MAX(CASE WHEN voided_at IS NULL THEN ts_us END),
       MAX(COALESCE(voided_at, position))
FROM (SELECT program, kind, value, ts_us, position, voided_at,
             (ts_us + 259200000000) / 604800000000
             - CASE WHEN ts_us + 259200000000 < 0
                     AND (ts_us + 259200000000) / 604800000000 * 604800000000 <> ts_us + 259200000000
                    THEN 1 ELSE 0 END AS week
      FROM mentoring_fact WHERE kind <> 10 AND (voided_at IS NULL OR voided_at > position)) AS f
GROUP BY program, kind, week;
