-- Applied on every start while PRAGMA user_version is behind db.SCHEMA_VERSION, so every
-- statement must be safe to run again on a database that already has it.

CREATE TABLE IF NOT EXISTS connections (
    id            TEXT PRIMARY KEY,            -- lowercase hyphenated GUID
    alias         TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name          TEXT NOT NULL,
    name_folded   TEXT NOT NULL,               -- str.casefold(name): Unicode-aware filter and order
    provider_id   TEXT NOT NULL,
    is_active     INTEGER NOT NULL CHECK (is_active IN (0, 1)),
    settings      TEXT NOT NULL,               -- JSON object, secrets as given
    date_created  TEXT NOT NULL,
    date_modified TEXT NOT NULL,
    version       INTEGER NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS connections_by_name ON connections (name_folded, alias);
