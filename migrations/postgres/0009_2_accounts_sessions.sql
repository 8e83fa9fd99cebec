-- Accounts for people (issue 20): a name and a hashed password, a display name, a role and
-- the programs they may see; a one-time password must be changed on first sign-in.
CREATE TABLE IF NOT EXISTS lrs_account (
    name                 TEXT PRIMARY KEY,
    display_name         TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL,
    programs             TEXT NOT NULL DEFAULT 'all',
    created_at           TEXT NOT NULL,
    disabled_at          TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    password_changed_at  TEXT
);

-- Dashboard sessions kept by the server (issue 20 point 5, issue 17 point 6): the cookie holds a
-- random token whose SHA-256 is the id; signing out or disabling an account ends the row, so a
-- copied cookie is refused afterwards. Times are epoch seconds.
CREATE TABLE IF NOT EXISTS lrs_session (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,              -- credential, account or oidc
    subject       TEXT NOT NULL,              -- the credential key, the account name, issuer|sub
    display_name  TEXT NOT NULL,
    scopes        TEXT NOT NULL DEFAULT '[]', -- oidc: what the claims of the IdP mapped to
    programs      TEXT NOT NULL DEFAULT 'all',
    created_at    DOUBLE PRECISION NOT NULL,
    last_seen_at  DOUBLE PRECISION NOT NULL,
    ended_at      DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS lrs_session_subject ON lrs_session (kind, subject);

-- Failed sign-ins (Basic, dashboard), by what was tried: 'login:NAME' and 'addr:IP' (issue 17
-- point 6). Only those within the throttling window count; older ones are deleted as new ones come.
CREATE TABLE IF NOT EXISTS lrs_login_failure (
    subject  TEXT NOT NULL,
    at       DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS lrs_login_failure_subject ON lrs_login_failure (subject, at);

-- Who read whom (issue 20 point 4): one row per coordinator API request or dashboard page about a person.
CREATE TABLE IF NOT EXISTS lrs_access_log (
    at         TEXT NOT NULL,
    reader     TEXT NOT NULL,                 -- credential:KEY, account:NAME or oidc:ISSUER|SUB
    person     TEXT NOT NULL,                 -- the agent key read about
    program    TEXT NOT NULL,
    resource   TEXT NOT NULL                  -- the endpoint or page
);
CREATE INDEX IF NOT EXISTS lrs_access_log_person ON lrs_access_log (person, at);
CREATE INDEX IF NOT EXISTS lrs_access_log_reader ON lrs_access_log (reader, at);
