-- 0005: keyword search (storyline.read.search) over article titles and cleaned text with SQLite FTS5.
-- External-content table: the text lives once, in articles; the triggers keep the index in step
-- with every write path of the store (add_raw inserts, save_article updates title and text).
-- unicode61 with remove_diacritics 2 so "élimination" matches "elimination" and "Choïgou" matches
-- "Choigou"; no stemming, because one stemmer cannot serve every language the corpus holds.
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text,
    content = 'articles', content_rowid = 'rowid',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
END;

CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text)
    VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;

-- Articles stored before this migration.
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');
