-- Program-scoped access (issue 20): the programs a credential may see in the coordinator
-- views, 'all' or a JSON array of program IRIs. Credentials made before keep seeing all.
ALTER TABLE lrs_credential ADD COLUMN programs TEXT NOT NULL DEFAULT 'all';
