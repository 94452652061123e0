-- 0009 (PostgreSQL; see store/migrations/0009_travel_evidence.sql): per-article travel evidence
-- (issue 14, storyline.travel.evidence), computed at ingest by the travel stage so that the travel
-- view only reads it: the article's wire credits and cited sources (JSON lists), its word
-- 5-shingles as sorted little-endian uint32 hashes (exact copy containment), and a hash of the
-- text and byline they came from (a stale row is ignored).
CREATE TABLE IF NOT EXISTS travel_evidence (
    article_id TEXT PRIMARY KEY,
    source_hash TEXT NOT NULL,
    credits TEXT NOT NULL,
    cites TEXT NOT NULL,
    shingles BYTEA NOT NULL
);
