-- A concern no think tank can take is closed as referred (转办) to a body outside the tanks:
-- a status of its own, and the body it went to. SQLite cannot change a CHECK constraint in place, so the cases table is
-- rebuilt the way https://www.sqlite.org/lang_altertable.html (section 7) sets out: a copy of
-- the new shape is filled, the old table dropped and the copy renamed; the indexes and the tally
-- triggers of 0002, which go with the old table, are made again. Foreign keys are off while a
-- migration runs and checked before it commits (storage/db.py). The tallies need no change:
-- they count by status, whatever the statuses are.

CREATE TABLE cases_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    resident_id    INTEGER NOT NULL REFERENCES people (id),
    channel        TEXT    NOT NULL,
    text           TEXT    NOT NULL,
    photos         TEXT    NOT NULL DEFAULT '[]',
    station        TEXT,
    latitude       REAL,
    longitude      REAL,
    contact_name   TEXT,
    contact_phone  TEXT,
    anonymous      INTEGER NOT NULL DEFAULT 0,
    tank           TEXT,
    confidence     REAL    NOT NULL DEFAULT 0,
    keywords       TEXT    NOT NULL DEFAULT '[]',
    status         TEXT    NOT NULL
                   CHECK (status IN ('triage', 'open', 'claimed', 'resolved', 'closed',
                                     'referred')),
    assignee_id    INTEGER REFERENCES people (id),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    claimed_at     INTEGER,
    first_reply_at INTEGER,
    resolved_at    INTEGER,
    closed_at      INTEGER,
    rating         TEXT,
    due_kind       TEXT,                -- what is owed next: claim | reply | resolve | rating
    due_from       INTEGER,             -- when the current deadline's clock started
    due_at         INTEGER,             -- the current deadline (moves on while paused)
    remind_level   INTEGER NOT NULL DEFAULT 0,  -- reminders sent for the current deadline
    next_check_at  INTEGER,             -- when the sweep must look at this case again
    waiting_since  INTEGER,             -- set while a question to the resident is unanswered
    extended       INTEGER NOT NULL DEFAULT 0,  -- the member's one extension was used
    wider_notice_at INTEGER,            -- when the rest of the tank is told, if still unclaimed
    awaiting_member INTEGER NOT NULL DEFAULT 0, -- the resident wrote last and awaits an answer
    referred_to    TEXT                 -- a referred case's body (config/referrals.toml)
);

INSERT INTO cases_new (
    id, resident_id, channel, text, photos, station, latitude, longitude, contact_name,
    contact_phone, anonymous, tank, confidence, keywords, status, assignee_id, created_at,
    updated_at, claimed_at, first_reply_at, resolved_at, closed_at, rating, due_kind, due_from,
    due_at, remind_level, next_check_at, waiting_since, extended, wider_notice_at,
    awaiting_member
) SELECT
    id, resident_id, channel, text, photos, station, latitude, longitude, contact_name,
    contact_phone, anonymous, tank, confidence, keywords, status, assignee_id, created_at,
    updated_at, claimed_at, first_reply_at, resolved_at, closed_at, rating, due_kind, due_from,
    due_at, remind_level, next_check_at, waiting_since, extended, wider_notice_at,
    awaiting_member
FROM cases;

-- Case numbers go on where they were, even past the last case (a restore skips numbers on).
DELETE FROM sqlite_sequence WHERE name = 'cases_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'cases_new', seq FROM sqlite_sequence
    WHERE name = 'cases';

DROP TABLE cases;
ALTER TABLE cases_new RENAME TO cases;

CREATE INDEX cases_by_resident ON cases (resident_id, id);
CREATE INDEX cases_by_status ON cases (status, tank);
CREATE INDEX cases_by_assignee ON cases (assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_to_check ON cases (next_check_at) WHERE next_check_at IS NOT NULL;
CREATE INDEX cases_by_due ON cases (due_at) WHERE due_at IS NOT NULL;
-- Every column /stats reads, after the creation time its windows select by: the figures of a
-- window come from this index alone, never from the cases' rows with their texts.
CREATE INDEX cases_for_stats ON cases (
    created_at, status, tank, rating, claimed_at, first_reply_at, resolved_at, due_at,
    waiting_since
);

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
