-- Roles (named sets of scopes) and secret rotation of credentials; the key material of tokens.
ALTER TABLE lrs_credential ADD COLUMN role TEXT NOT NULL DEFAULT '';

-- When the secret was last replaced: tokens issued before it are refused.
ALTER TABLE lrs_credential ADD COLUMN secret_rotated_at TEXT;

-- Secrets the LRS generates for itself (the HS256 token secret when LRS_TOKEN_SECRET is unset),
-- shared by every worker and kept across restarts.
CREATE TABLE IF NOT EXISTS lrs_secret (
    name        TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
