-- Ingress rows claimed by a worker (storage/pg_ingress.py): on PostgreSQL several worker
-- processes take a chat's pending rows one worker at a time, leased until leased_until (UTC ms,
-- real time) to the worker named by leased_by. The single SQLite process takes every row itself
-- and leaves both NULL; the columns are here so that both schemas stay the same.
ALTER TABLE ingress ADD COLUMN leased_until INTEGER;
ALTER TABLE ingress ADD COLUMN leased_by TEXT;
