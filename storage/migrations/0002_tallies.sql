-- Running tallies for /stats over all time: counts per status, tank and rating, and minute
-- histograms of the time to claim, to first reply and to resolve, per tank. Triggers keep them
-- exact on every insert, update and delete of a case, so the all-time figures read a few hundred
-- rows instead of every case ever filed. '' stands for "none" (no tank, no rating).

CREATE TABLE case_tallies (
    status TEXT    NOT NULL,
    tank   TEXT    NOT NULL,
    rating TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (status, tank, rating)
) WITHOUT ROWID;

CREATE TABLE duration_tallies (
    kind    TEXT    NOT NULL,  -- claim | reply | resolve
    tank    TEXT    NOT NULL,
    minutes INTEGER NOT NULL,  -- whole minutes from receipt
    n       INTEGER NOT NULL,
    PRIMARY KEY (kind, tank, minutes)
) WITHOUT ROWID;

INSERT INTO case_tallies (status, tank, rating, n)
    SELECT status, coalesce(tank, ''), coalesce(rating, ''), count(*) FROM cases GROUP BY 1, 2, 3;
INSERT INTO duration_tallies (kind, tank, minutes, n)
    SELECT 'claim', coalesce(tank, ''), (claimed_at - created_at) / 60000, count(*) FROM cases
    WHERE claimed_at IS NOT NULL GROUP BY 2, 3;
INSERT INTO duration_tallies (kind, tank, minutes, n)
    SELECT 'reply', coalesce(tank, ''), (first_reply_at - created_at) / 60000, count(*) FROM cases
    WHERE first_reply_at IS NOT NULL GROUP BY 2, 3;
INSERT INTO duration_tallies (kind, tank, minutes, n)
    SELECT 'resolve', coalesce(tank, ''), (resolved_at - created_at) / 60000, count(*) FROM cases
    WHERE resolved_at IS NOT NULL GROUP BY 2, 3;

CREATE TRIGGER tally_case_added AFTER INSERT ON cases BEGIN
    INSERT INTO case_tallies VALUES (new.status, coalesce(new.tank, ''), coalesce(new.rating, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO duration_tallies
        SELECT 'claim', coalesce(new.tank, ''), (new.claimed_at - new.created_at) / 60000, 1
        WHERE new.claimed_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO duration_tallies
        SELECT 'reply', coalesce(new.tank, ''), (new.first_reply_at - new.created_at) / 60000, 1
        WHERE new.first_reply_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO duration_tallies
        SELECT 'resolve', coalesce(new.tank, ''), (new.resolved_at - new.created_at) / 60000, 1
        WHERE new.resolved_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER tally_case_removed AFTER DELETE ON cases BEGIN
    UPDATE case_tallies SET n = n - 1 WHERE status = old.status
        AND tank = coalesce(old.tank, '') AND rating = coalesce(old.rating, '');
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'claim' AND old.claimed_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.claimed_at - old.created_at) / 60000;
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'reply' AND old.first_reply_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.first_reply_at - old.created_at) / 60000;
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'resolve' AND old.resolved_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.resolved_at - old.created_at) / 60000;
END;

-- An update moves the case's contributions from its old values to its new ones.
CREATE TRIGGER tally_case_changed AFTER UPDATE OF status, tank, rating, created_at, claimed_at,
    first_reply_at, resolved_at ON cases
    WHEN old.status IS NOT new.status OR old.tank IS NOT new.tank OR old.rating IS NOT new.rating
        OR old.created_at IS NOT new.created_at OR old.claimed_at IS NOT new.claimed_at
        OR old.first_reply_at IS NOT new.first_reply_at OR old.resolved_at IS NOT new.resolved_at
BEGIN
    UPDATE case_tallies SET n = n - 1 WHERE status = old.status
        AND tank = coalesce(old.tank, '') AND rating = coalesce(old.rating, '');
    INSERT INTO case_tallies VALUES (new.status, coalesce(new.tank, ''), coalesce(new.rating, ''), 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'claim' AND old.claimed_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.claimed_at - old.created_at) / 60000;
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'reply' AND old.first_reply_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.first_reply_at - old.created_at) / 60000;
    UPDATE duration_tallies SET n = n - 1 WHERE kind = 'resolve' AND old.resolved_at IS NOT NULL
        AND tank = coalesce(old.tank, '') AND minutes = (old.resolved_at - old.created_at) / 60000;
    INSERT INTO duration_tallies
        SELECT 'claim', coalesce(new.tank, ''), (new.claimed_at - new.created_at) / 60000, 1
        WHERE new.claimed_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO duration_tallies
        SELECT 'reply', coalesce(new.tank, ''), (new.first_reply_at - new.created_at) / 60000, 1
        WHERE new.first_reply_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
    INSERT INTO duration_tallies
        SELECT 'resolve', coalesce(new.tank, ''), (new.resolved_at - new.created_at) / 60000, 1
        WHERE new.resolved_at IS NOT NULL ON CONFLICT DO UPDATE SET n = n + 1;
END;
