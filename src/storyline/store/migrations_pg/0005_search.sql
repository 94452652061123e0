-- 0005 (PostgreSQL): keyword search (storyline.read.search) over titles and cleaned text, the
-- counterpart of the SQLite FTS5 index of migrations/0005_search.sql: a stored tsvector column
-- (generated, so every write path keeps it in step) with a GIN index.
-- Text search configuration storyline_search: the 'simple' parser and dictionary (lower-casing,
-- no stemming: one stemmer cannot serve every language of the corpus), preceded by the unaccent
-- dictionary when the server has the extension (Debian's postgresql package ships it in contrib),
-- so "élimination" matches "elimination" and "Choïgou" "Choigou" as in SQLite; without unaccent
-- search still works, accents must then match.
-- Title lexemes carry weight A, body lexemes D (storyline.read.search weighs them). The body is cut at
-- 500,000 characters: a tsvector holds at most 1 MB, and no news text comes near the cut.
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent is not available (%): keyword search will not fold accents', SQLERRM;
    END;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'storyline_search'
                   AND cfgnamespace = current_schema()::regnamespace) THEN
        CREATE TEXT SEARCH CONFIGURATION storyline_search (COPY = pg_catalog.simple);
        IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
            ALTER TEXT SEARCH CONFIGURATION storyline_search
                ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple;
        END IF;
    END IF;
END
$$;

ALTER TABLE articles ADD COLUMN IF NOT EXISTS search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('storyline_search', coalesce(title, '')), 'A')
    || setweight(to_tsvector('storyline_search', left(text, 500000)), 'D')
) STORED;

CREATE INDEX IF NOT EXISTS articles_search ON articles USING GIN (search);
