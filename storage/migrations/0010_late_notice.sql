-- The moment a resident was promised an answer by (the receipt names it): if no answer has come
-- by then, the sweep tells them once and clears it. NULL once told, or for cases filed before.
ALTER TABLE cases ADD COLUMN late_notice_at INTEGER;
