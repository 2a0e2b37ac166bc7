-- ../0013_flood_buckets.sql with PostgreSQL's types, UNLOGGED: a bucket promises nothing, so the
-- table is not worth the WAL it would write on every message (a crash of the server empties it).
CREATE UNLOGGED TABLE flood_buckets (
    who     TEXT             PRIMARY KEY,
    tokens  DOUBLE PRECISION NOT NULL,
    stamp   DOUBLE PRECISION NOT NULL,
    warned  BIGINT           NOT NULL
);
