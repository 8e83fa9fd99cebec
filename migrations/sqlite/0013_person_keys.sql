-- One data key per person (issue 19 point 1), wrapped (AES-GCM) under the master key.
-- person_id is the keyed hash of the person's IFI (lrs.privacy.keys), never the identifier.
-- Erasure overwrites wrapped_key with NULL and sets destroyed_at (crypto-shredding).
CREATE TABLE IF NOT EXISTS person_key (
    person_id     TEXT PRIMARY KEY,
    wrapped_key   BLOB,
    created_at    TEXT NOT NULL,
    destroyed_at  TEXT
);
