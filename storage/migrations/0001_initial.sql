-- Minqing's first schema. Times are UTC milliseconds since the epoch.

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    channel     TEXT    NOT NULL,
    external_id TEXT    NOT NULL,
    chat_id     TEXT    NOT NULL,
    name        TEXT    NOT NULL DEFAULT '',
    username    TEXT,
    locale      TEXT    NOT NULL DEFAULT 'zh',
    role        TEXT    NOT NULL DEFAULT 'resident'
                CHECK (role IN ('resident', 'member', 'coordinator')),
    tank        TEXT,
    station     TEXT,
    active      INTEGER NOT NULL DEFAULT 1,
    reachable   INTEGER NOT NULL DEFAULT 1,
    phone       TEXT,
    created_at  INTEGER NOT NULL,
    UNIQUE (channel, external_id)
);
CREATE INDEX people_by_role ON people (role, tank);

CREATE TABLE cases (
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
                   CHECK (status IN ('triage', 'open', 'claimed', 'resolved', 'closed')),
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
    awaiting_member INTEGER NOT NULL DEFAULT 0  -- the resident wrote last and awaits an answer
);
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

CREATE TABLE case_events (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    kind     TEXT    NOT NULL,
    actor_id INTEGER REFERENCES people (id),
    at       INTEGER NOT NULL,
    data     TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_by_case ON case_events (case_id, id);

CREATE TABLE dialogs (
    channel    TEXT    NOT NULL,
    chat_id    TEXT    NOT NULL,
    state      TEXT    NOT NULL,
    data       TEXT    NOT NULL DEFAULT '{}',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (channel, chat_id)
) WITHOUT ROWID;

CREATE TABLE processed_updates (
    channel   TEXT    NOT NULL,
    update_id INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (channel, update_id)
) WITHOUT ROWID;

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    channel         TEXT    NOT NULL,
    chat_id         TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    key             TEXT,
    case_id         INTEGER,
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    sent_at         INTEGER,
    message_id      INTEGER,
    error           TEXT
);
CREATE INDEX outbox_pending ON outbox (channel, id) WHERE status = 'pending';
CREATE INDEX outbox_by_key ON outbox (channel, chat_id, key) WHERE key IS NOT NULL;
CREATE INDEX outbox_by_message ON outbox (channel, chat_id, message_id)
    WHERE message_id IS NOT NULL;
CREATE INDEX outbox_by_case ON outbox (case_id, key) WHERE case_id IS NOT NULL;

CREATE TABLE invites (
    code       TEXT    PRIMARY KEY,
    tank       TEXT    NOT NULL,
    station    TEXT,
    created_by INTEGER REFERENCES people (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_by    INTEGER REFERENCES people (id),
    used_at    INTEGER
) WITHOUT ROWID;

-- Every transfer and triage decision: a labelled example for the classifier to learn from.
CREATE TABLE corrections (
    id       INTEGER PRIMARY KEY,
    case_id  INTEGER NOT NULL REFERENCES cases (id),
    text     TEXT    NOT NULL,
    old_tank TEXT,
    new_tank TEXT,
    actor_id INTEGER REFERENCES people (id),
    reason   TEXT,
    at       INTEGER NOT NULL
);

-- Digests already sent: one per kind, period and person.
CREATE TABLE digests_sent (
    kind      TEXT    NOT NULL,
    period    TEXT    NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people (id),
    at        INTEGER NOT NULL,
    PRIMARY KEY (kind, period, person_id)
) WITHOUT ROWID;
