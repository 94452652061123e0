-- 0008 (PostgreSQL; see store/migrations/0008_quote_vectors.sql): multilingual vectors of an article's quotations (issue 14, storyline.travel.stage):
-- the travel view matches a quotation across languages by them. One row per tracked quote:
-- its index in the article's `quotes`, a hash of the quote text (a vector whose quote changed is
-- ignored), the float32 L2-normalised e5 vector. Rewritten whenever the article is analysed.
CREATE TABLE IF NOT EXISTS quote_vectors (
    article_id TEXT NOT NULL,
    quote_index INTEGER NOT NULL,
    text_hash TEXT NOT NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (article_id, quote_index)
);
