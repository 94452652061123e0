-- Story clustering state (storyline.story_store), PostgreSQL: mirrors migrations/0004_stories.sql
-- (BLOB → BYTEA, REAL → DOUBLE PRECISION). Idempotent, like the SQLite file. story_members_seq:
-- the newest seq tells storyline.read.search that the stored vectors changed (SQLite uses max(rowid)).
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    ann_key BIGINT NOT NULL,
    n_articles INTEGER NOT NULL,
    first_published TEXT,
    last_published TEXT,
    clock TEXT,              -- stream time of its last article: leaves the ANN window after it
    centroid_sum BYTEA NOT NULL,  -- float32 sum of member vectors
    languages TEXT NOT NULL,     -- JSON {"en": 2, ...}
    first_member TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_thread ON stories (thread_id);
CREATE INDEX IF NOT EXISTS stories_clock ON stories (clock);

CREATE TABLE IF NOT EXISTS story_members (
    article_id TEXT PRIMARY KEY,
    story_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    seq BIGINT NOT NULL,        -- processing order over all runs
    published TEXT,
    language TEXT,
    source TEXT,
    vector BYTEA NOT NULL,        -- float32, L2-normalised title+lead embedding
    keys TEXT NOT NULL,          -- JSON list of name keys
    numbers TEXT NOT NULL,       -- JSON list of numbers
    minhash BYTEA,                -- uint64 MinHash values (NULL: too short to compare)
    score DOUBLE PRECISION NOT NULL,
    duplicate_of TEXT,
    translation_of TEXT
);
CREATE INDEX IF NOT EXISTS story_members_story ON story_members (story_id, seq);
CREATE INDEX IF NOT EXISTS story_members_thread ON story_members (thread_id);

CREATE TABLE IF NOT EXISTS story_df (key TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS story_members_seq ON story_members (seq);
