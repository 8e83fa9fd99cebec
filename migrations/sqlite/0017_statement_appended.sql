-- When each append of statements held the store's write lock (issue 18 point 4): one
-- row per append, with the last log position it wrote. Appends are serialised by that
-- lock, so this time grows with the position, unlike `stored`, which is stamped before
-- the append waits for the lock; a `since` filter becomes a tight lower bound on the
-- log position through it (`projections.statement_index.position_bounds`). Not derived
-- from the events and never cleared by a rebuild of the index, whose positions it
-- describes; appends made before this version have no row and keep the older, wider
-- bound from `stored`.
CREATE TABLE IF NOT EXISTS lrs_append_time (
    last_position  INTEGER PRIMARY KEY,
    appended_us    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS lrs_append_time_at ON lrs_append_time (appended_us, last_position);
