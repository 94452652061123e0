-- 0007: date provenance (issue 15). `modified` is the last-modified day an HTML page declares
-- (ISO date, only when later than `published`); `published_confidence` how often a date given
-- by `published_source` was the right day on the dev data (0-1). Older rows keep NULL in both
-- until they are analysed again.
ALTER TABLE articles ADD COLUMN modified TEXT;
ALTER TABLE articles ADD COLUMN published_confidence REAL;
