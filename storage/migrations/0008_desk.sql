-- The committee's desk: public-opinion reports (社情民意信息) written from cases, proposals (提案)
-- with the bodies that answer them, consultations (议事会) with their invitations, and which
-- residents were told of an outcome (each once).

CREATE TABLE desk_reports (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    author_id    INTEGER NOT NULL REFERENCES people (id),
    title        TEXT    NOT NULL DEFAULT '',
    situation    TEXT    NOT NULL DEFAULT '',
    problems     TEXT    NOT NULL DEFAULT '',
    suggestions  TEXT    NOT NULL DEFAULT '',
    status       TEXT    NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'submitted', 'adopted', 'rejected')),
    special      INTEGER NOT NULL DEFAULT 0,
    number       INTEGER UNIQUE,           -- 期号, given when submitted
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    submitted_at INTEGER,
    decided_at   INTEGER
);
CREATE INDEX desk_reports_by_author ON desk_reports (author_id, id);

CREATE TABLE desk_report_cases (
    report_id INTEGER NOT NULL REFERENCES desk_reports (id) ON DELETE CASCADE,
    case_id   INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (report_id, case_id)
) WITHOUT ROWID;

CREATE TABLE desk_proposals (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    title        TEXT    NOT NULL,
    report_id    INTEGER REFERENCES desk_reports (id),
    created_by   INTEGER NOT NULL REFERENCES people (id),
    status       TEXT    NOT NULL DEFAULT 'submitted'
                 CHECK (status IN ('submitted', 'accepted', 'assigned', 'replied', 'rated')),
    bodies       TEXT    NOT NULL DEFAULT '[]',   -- 承办单位, as a JSON list of names
    submitted_at INTEGER NOT NULL,
    accepted_at  INTEGER,
    assigned_at  INTEGER,
    due_at       INTEGER,
    remind_level INTEGER NOT NULL DEFAULT 0,
    round        INTEGER NOT NULL DEFAULT 1,      -- 2 after an unsatisfied rating
    grade        TEXT CHECK (grade IN ('A', 'B', 'C')),
    reply        TEXT,
    replied_at   INTEGER,
    rating       TEXT CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
    rated_at     INTEGER
);
CREATE INDEX desk_proposals_due ON desk_proposals (status, due_at);

CREATE TABLE desk_proposal_people (
    proposal_id INTEGER NOT NULL REFERENCES desk_proposals (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (proposal_id, person_id)
) WITHOUT ROWID;

CREATE TABLE desk_proposal_cases (
    proposal_id INTEGER NOT NULL REFERENCES desk_proposals (id) ON DELETE CASCADE,
    case_id     INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (proposal_id, case_id)
) WITHOUT ROWID;

CREATE TABLE desk_consultations (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    topic        TEXT    NOT NULL,
    at           INTEGER NOT NULL,
    station      TEXT,
    organiser_id INTEGER NOT NULL REFERENCES people (id),
    status       TEXT    NOT NULL DEFAULT 'scheduled'
                 CHECK (status IN ('scheduled', 'held', 'cancelled')),
    reminded     INTEGER NOT NULL DEFAULT 0,
    minutes      TEXT    NOT NULL DEFAULT '',
    report_id    INTEGER REFERENCES desk_reports (id),
    proposal_id  INTEGER REFERENCES desk_proposals (id),
    created_at   INTEGER NOT NULL
);
CREATE INDEX desk_consultations_at ON desk_consultations (status, at);

CREATE TABLE desk_consultation_cases (
    consultation_id INTEGER NOT NULL REFERENCES desk_consultations (id) ON DELETE CASCADE,
    case_id         INTEGER NOT NULL REFERENCES cases (id),
    PRIMARY KEY (consultation_id, case_id)
) WITHOUT ROWID;

CREATE TABLE desk_invitations (
    consultation_id INTEGER NOT NULL REFERENCES desk_consultations (id) ON DELETE CASCADE,
    person_id       INTEGER NOT NULL REFERENCES people (id),
    answer          TEXT CHECK (answer IN ('yes', 'no')),
    answered_at     INTEGER,
    PRIMARY KEY (consultation_id, person_id)
) WITHOUT ROWID;

CREATE TABLE desk_guests (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    consultation_id INTEGER NOT NULL REFERENCES desk_consultations (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL
);

CREATE TABLE desk_outcomes (
    kind        TEXT    NOT NULL,   -- what was told: report.adopted, proposal.replied, ...
    ref_id      INTEGER NOT NULL,
    resident_id INTEGER NOT NULL REFERENCES people (id),
    round       INTEGER NOT NULL DEFAULT 1,
    at          INTEGER NOT NULL,
    PRIMARY KEY (kind, ref_id, resident_id, round)
) WITHOUT ROWID;
