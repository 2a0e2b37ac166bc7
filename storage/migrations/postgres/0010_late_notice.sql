-- ../0010_late_notice.sql: the moment a resident was promised an answer by.
ALTER TABLE cases ADD COLUMN late_notice_at BIGINT;
