-- Person ids in the statement index (issue 19 point 1). From this version the index
-- (xapi_statement_key agent rows, xapi_statement.authority_key) keeps each agent's
-- person id, a keyed hash, instead of its identifier; the key lives wrapped in
-- lrs_secret, out of reach of SQL, so the rows are not rewritten here: this marks the
-- index, and the first start after the migration (lrs.store.rebuilds.rekey_index)
-- writes the statement views again from the log, replaces the identifiers of the
-- current-document table (xapi_document.agent_key) by person ids, and removes the
-- mark, in one transaction. The events themselves are not rewritten (append-only; docs/PRIVACY.md).
CREATE TABLE IF NOT EXISTS lrs_rebuild_pending (
    name        TEXT PRIMARY KEY,
    marked_at   TEXT NOT NULL
);
INSERT INTO lrs_rebuild_pending (name, marked_at) VALUES ('statement-index-keys', CURRENT_TIMESTAMP)
ON CONFLICT (name) DO NOTHING;
