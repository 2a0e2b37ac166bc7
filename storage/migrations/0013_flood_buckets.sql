-- The flood limit's buckets (core/throttle.py), one row a person, for workers that share them on
-- PostgreSQL (storage/pg_flood.py). The single SQLite process keeps its buckets in memory and
-- leaves the table empty; it is here so that both schemas stay the same. `who` is the channel
-- and the person's id on it: erasure deletes their row, and purge the rows gone stale.
CREATE TABLE flood_buckets (
    who     TEXT    PRIMARY KEY,
    tokens  REAL    NOT NULL,
    stamp   REAL    NOT NULL,
    warned  INTEGER NOT NULL
);
