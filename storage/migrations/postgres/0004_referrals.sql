-- A concern no think tank can take is closed as referred (转办): PostgreSQL changes the CHECK
-- constraint in place (SQLite rebuilds the table, ../0004_referrals.sql).
ALTER TABLE cases DROP CONSTRAINT cases_status_check;
ALTER TABLE cases ADD CONSTRAINT cases_status_check
    CHECK (status IN ('triage', 'open', 'claimed', 'resolved', 'closed', 'referred'));
ALTER TABLE cases ADD COLUMN referred_to TEXT;
