-- Registry evidence per (entity, article) (storyline.store.registry): what each article's
-- mentions contributed: kind 'variant' (value = the form, with its language), 'title' (a role
-- seen next to a person), 'vote' (value = the type voted, count = the vote's weight), 'surface'
-- (an inflected text form that resolved to the entity). Re-analysing an article replaces its
-- rows instead of adding to the entity's counts. Idempotent: also applied on a bare connection.
CREATE TABLE IF NOT EXISTS entity_evidence (
    article_id TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('variant', 'title', 'vote', 'surface')),
    value TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL,
    PRIMARY KEY (article_id, entity_id, kind, value, language)
);
CREATE INDEX IF NOT EXISTS entity_evidence_entity ON entity_evidence (entity_id);
