-- Entity registry (storyline.registry), PostgreSQL: mirrors migrations/0002_entities.sql.
-- Idempotent on purpose: storyline.registry.RegistryStore also runs it on a bare connection.
CREATE TABLE IF NOT EXISTS entities (
    id TEXT PRIMARY KEY,
    canonical TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('PER', 'ORG', 'LOC', 'MISC')),
    first_seen TEXT,
    last_seen TEXT,
    from_alias_table INTEGER NOT NULL DEFAULT 0,
    -- JSON list of titles/roles, most frequent first (a denormalised copy of entity_titles for
    -- readers that want one column, e.g. storyline.queries)
    titles TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS entities_canonical ON entities (canonical);
CREATE TABLE IF NOT EXISTS entity_variants (
    entity_id TEXT NOT NULL,
    form TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, form, language)
);
CREATE INDEX IF NOT EXISTS entity_variants_form ON entity_variants (form);
CREATE TABLE IF NOT EXISTS entity_titles (
    entity_id TEXT NOT NULL,
    title TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (entity_id, title, language)
);
CREATE TABLE IF NOT EXISTS entity_type_votes (
    entity_id TEXT NOT NULL,
    type TEXT NOT NULL,
    votes INTEGER NOT NULL,
    PRIMARY KEY (entity_id, type)
);
CREATE TABLE IF NOT EXISTS entity_articles (
    entity_id TEXT NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (entity_id, article_id)
);
CREATE INDEX IF NOT EXISTS entity_articles_article ON entity_articles (article_id);
CREATE TABLE IF NOT EXISTS entity_redirects (
    old_id TEXT PRIMARY KEY,
    new_id TEXT NOT NULL
);
