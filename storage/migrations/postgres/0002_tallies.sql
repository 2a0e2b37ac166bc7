-- The running tallies of ../0002_tallies.sql, made safe for many writers at once. On SQLite
-- one writer at a time moves a case's count from one row to another; here two transactions
-- moving cases in opposite directions would lock the same two rows in opposite orders and
-- deadlock. So the triggers only ever insert: each change is a row of +1 and -1 deltas
-- (no row is locked, nothing waits), the tables the application reads are views that add them
-- up, and housekeeping folds the deltas into one row per key (fold_tallies()).

CREATE TABLE case_tally_deltas (
    status TEXT   NOT NULL,
    tank   TEXT   NOT NULL,
    rating TEXT   NOT NULL,
    n      BIGINT NOT NULL
);
CREATE INDEX case_tally_deltas_key ON case_tally_deltas (status, tank, rating);

CREATE TABLE duration_tally_deltas (
    kind    TEXT   NOT NULL,
    tank    TEXT   NOT NULL,
    minutes BIGINT NOT NULL,
    n       BIGINT NOT NULL
);
CREATE INDEX duration_tally_deltas_key ON duration_tally_deltas (kind, tank, minutes);

CREATE VIEW case_tallies AS
    SELECT status, tank, rating, sum(n)::BIGINT AS n FROM case_tally_deltas
    GROUP BY status, tank, rating;
CREATE VIEW duration_tallies AS
    SELECT kind, tank, minutes, sum(n)::BIGINT AS n FROM duration_tally_deltas
    GROUP BY kind, tank, minutes;

CREATE FUNCTION tally_case(c cases, sign BIGINT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_tally_deltas
        VALUES (c.status, coalesce(c.tank, ''), coalesce(c.rating, ''), sign);
    INSERT INTO duration_tally_deltas
        SELECT 'claim', coalesce(c.tank, ''), (c.claimed_at - c.created_at) / 60000, sign
        WHERE c.claimed_at IS NOT NULL
        UNION ALL
        SELECT 'reply', coalesce(c.tank, ''), (c.first_reply_at - c.created_at) / 60000, sign
        WHERE c.first_reply_at IS NOT NULL
        UNION ALL
        SELECT 'resolve', coalesce(c.tank, ''), (c.resolved_at - c.created_at) / 60000, sign
        WHERE c.resolved_at IS NOT NULL;
END $$;

CREATE FUNCTION tally_case_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM tally_case(OLD, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM tally_case(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tally_case_added AFTER INSERT ON cases
    FOR EACH ROW EXECUTE FUNCTION tally_case_trigger();
CREATE TRIGGER tally_case_removed AFTER DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION tally_case_trigger();
CREATE TRIGGER tally_case_changed AFTER UPDATE ON cases
    FOR EACH ROW
    WHEN (old.status IS DISTINCT FROM new.status OR old.tank IS DISTINCT FROM new.tank
        OR old.rating IS DISTINCT FROM new.rating OR old.created_at IS DISTINCT FROM new.created_at
        OR old.claimed_at IS DISTINCT FROM new.claimed_at
        OR old.first_reply_at IS DISTINCT FROM new.first_reply_at
        OR old.resolved_at IS DISTINCT FROM new.resolved_at)
    EXECUTE FUNCTION tally_case_trigger();

-- Folds the deltas into one row per key, dropping keys that add up to nothing; safe while
-- cases change: it deletes only the deltas it read, and writes their sums in the same statement.
CREATE FUNCTION fold_tallies() RETURNS void LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM case_tally_deltas RETURNING status, tank, rating, n)
    INSERT INTO case_tally_deltas
        SELECT status, tank, rating, sum(n) FROM gone GROUP BY status, tank, rating
        HAVING sum(n) <> 0;
    WITH gone AS (DELETE FROM duration_tally_deltas RETURNING kind, tank, minutes, n)
    INSERT INTO duration_tally_deltas
        SELECT kind, tank, minutes, sum(n) FROM gone GROUP BY kind, tank, minutes
        HAVING sum(n) <> 0;
$$;
