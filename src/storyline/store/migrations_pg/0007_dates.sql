-- 0007: date provenance (issue 15); see store/migrations/0007_dates.sql.
ALTER TABLE articles ADD COLUMN IF NOT EXISTS modified TEXT;
ALTER TABLE articles ADD COLUMN IF NOT EXISTS published_confidence DOUBLE PRECISION;
