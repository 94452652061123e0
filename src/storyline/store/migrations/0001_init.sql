-- 0001: articles (raw input kept verbatim + the analysed record), ingest failures.
-- Applied by storyline.store.sqlite.migrate() inside one transaction together with its
-- schema_version row. Later migrations (0002_entities, 0003_quotes_claims, 0004_stories) add
-- their own tables; they must not rename or drop columns used here.

CREATE TABLE articles (
    id               TEXT PRIMARY KEY,          -- Article.id: hash of normalised title + raw text
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'analysed', 'failed')),
    error            TEXT,                      -- why the last analysis failed (status 'failed')
    -- the input, exactly as read
    source_path      TEXT,                      -- as given on the command line
    record           TEXT,                      -- line / entry / WARC record within source_path
    input_format     TEXT NOT NULL,             -- text | html | jsonl | feed | warc
    encoding         TEXT,                      -- encoding the raw bytes were decoded with
    raw              BLOB,                      -- the record verbatim
    raw_text         TEXT NOT NULL,             -- the decoded text the pipeline starts from
    input_meta       TEXT NOT NULL DEFAULT '{}',-- JSON: metadata the input carried (re-analysis)
    -- the analysed record (the export contract, docs/schema.md)
    url              TEXT,
    source           TEXT,
    author           TEXT,
    title            TEXT,
    language         TEXT,
    language_score   REAL,
    published        TEXT,                      -- ISO date
    published_source TEXT,
    text             TEXT NOT NULL DEFAULT '',
    removed          TEXT NOT NULL DEFAULT '[]', -- JSON list of {line, reason}
    entities         TEXT NOT NULL DEFAULT '[]', -- JSON list of mentions
    quotes           TEXT NOT NULL DEFAULT '[]', -- JSON list of quotes
    claims           TEXT NOT NULL DEFAULT '[]', -- JSON list of claims
    hints            TEXT NOT NULL DEFAULT '{}', -- JSON object
    story_id         TEXT,
    thread_id        TEXT,
    duplicate_of     TEXT,
    translation_of   TEXT,
    ingested_at      TEXT NOT NULL,             -- UTC ISO timestamps
    analysed_at      TEXT,
    updated_at       TEXT NOT NULL
);

CREATE INDEX articles_status ON articles (status);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_language ON articles (language);
CREATE INDEX articles_story ON articles (story_id);

CREATE TABLE failures (
    id          INTEGER PRIMARY KEY,
    item        TEXT NOT NULL,                  -- path, or path:record
    reason      TEXT NOT NULL,
    article_id  TEXT,                           -- set when the item was read but analysis failed
    at          TEXT NOT NULL
);

CREATE INDEX failures_article ON failures (article_id);
