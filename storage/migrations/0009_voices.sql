-- Residents behind a case besides its author: those who added their voice to it at intake
-- ('voice'), and the residents of duplicates merged into it (并单, 'merge', with the duplicate
-- and the status it had, so that an unmerge restores it). A supporter follows the case and is
-- told of its outcome; their words (text) are personal data, erased with them.
CREATE TABLE supporters (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES cases (id),
    person_id    INTEGER NOT NULL REFERENCES people (id),
    via          TEXT    NOT NULL CHECK (via IN ('voice', 'merge')),
    merged_from  INTEGER REFERENCES cases (id),
    prior_status TEXT,
    text         TEXT,
    at           INTEGER NOT NULL
);
CREATE UNIQUE INDEX supporters_once ON supporters (case_id, person_id) WHERE via = 'voice';
CREATE UNIQUE INDEX supporters_merged ON supporters (merged_from) WHERE merged_from IS NOT NULL;
CREATE INDEX supporters_by_person ON supporters (person_id);

-- Hot topics: each cluster's cases as the last run left them (so the same problem keeps its
-- id week to week), and the clusters a coordinator dismissed.
CREATE TABLE hot_clusters (
    cluster_id INTEGER NOT NULL,
    case_id    INTEGER NOT NULL,
    PRIMARY KEY (cluster_id, case_id)
);
CREATE TABLE hot_dismissed (
    cluster_id INTEGER PRIMARY KEY,
    by_id      INTEGER REFERENCES people (id),
    at         INTEGER NOT NULL
);
