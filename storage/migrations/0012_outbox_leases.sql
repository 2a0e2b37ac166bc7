-- Outbox rows held by a sender (storage/pg_claims.py): on PostgreSQL each worker's sender names
-- itself on the rows it claims (leased_by) and renews their short lease (leased_until, UTC ms,
-- real time) with one statement per heartbeat. The single SQLite process sends every row itself
-- and leaves both NULL; the columns are here so that both schemas stay the same.
ALTER TABLE outbox ADD COLUMN leased_until INTEGER;
ALTER TABLE outbox ADD COLUMN leased_by TEXT;
