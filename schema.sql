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

-- Schema version 2: profiles. A profile can never point at a missing connection: the
-- foreign key refuses both a dangling insert and the delete of a connection in use.
CREATE TABLE IF NOT EXISTS profiles (
    id                TEXT PRIMARY KEY,
    alias             TEXT NOT NULL COLLATE NOCASE UNIQUE,
    name              TEXT NOT NULL,
    name_folded       TEXT NOT NULL,
    capability        TEXT NOT NULL CHECK (capability IN ('Chat', 'Embedding')),
    model_provider_id TEXT NOT NULL,
    model_id          TEXT NOT NULL,
    connection_id     TEXT NOT NULL REFERENCES connections (id) ON DELETE RESTRICT,
    settings          TEXT,                    -- JSON object or NULL
    tags              TEXT NOT NULL,           -- JSON array of strings
    date_created      TEXT NOT NULL,
    date_modified     TEXT NOT NULL,
    version           INTEGER NOT NULL
) STRICT;

-- The in-use check of DELETE /connections/{id} reads this, whatever the number of profiles.
CREATE INDEX IF NOT EXISTS profiles_by_connection ON profiles (connection_id);
CREATE INDEX IF NOT EXISTS profiles_by_name ON profiles (name_folded, alias);
