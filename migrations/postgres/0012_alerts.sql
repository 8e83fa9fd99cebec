-- Alerts (issue 21 point 8). The status each pair was last seen in, so a change is noticed
-- once; kept apart from the views, so rebuilding a view never makes a change look new.
CREATE TABLE IF NOT EXISTS lrs_alert_pair (
    program     TEXT NOT NULL,
    mentor      TEXT NOT NULL,
    mentee      TEXT NOT NULL,
    status      TEXT NOT NULL,                -- on_track, at_risk or inactive
    changed_us  BIGINT NOT NULL,
    PRIMARY KEY (program, mentor, mentee)
);

-- Each change of a pair's status, with the webhook body as it is sent (every attempt sends
-- the same bytes, hence the same signature) and how its delivery stands.
CREATE TABLE IF NOT EXISTS lrs_alert_change (
    id               TEXT PRIMARY KEY,
    program          TEXT NOT NULL,
    mentor           TEXT NOT NULL,
    mentee           TEXT NOT NULL,
    from_status      TEXT,                    -- none when the pair was first seen
    to_status        TEXT NOT NULL,
    at_us            BIGINT NOT NULL,
    body             TEXT NOT NULL,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_us  BIGINT NOT NULL,
    delivered_us     BIGINT,
    given_up_us      BIGINT,
    last_error       TEXT
);
CREATE INDEX IF NOT EXISTS lrs_alert_change_due ON lrs_alert_change (delivered_us, given_up_us, next_attempt_us);
CREATE INDEX IF NOT EXISTS lrs_alert_change_at ON lrs_alert_change (at_us);

-- The daily digests sent: one row per account and UTC day, so a restart never sends a day twice.
CREATE TABLE IF NOT EXISTS lrs_alert_digest (
    account   TEXT NOT NULL,
    day       TEXT NOT NULL,                  -- YYYY-MM-DD (UTC)
    sent_us   BIGINT,                           -- none while being sent
    PRIMARY KEY (account, day)
);

-- Where a person's digest goes (empty: no digest).
ALTER TABLE lrs_account ADD COLUMN email TEXT NOT NULL DEFAULT '';
