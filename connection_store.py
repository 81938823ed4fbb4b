"""SQL for connections. Every function takes the request's connection (db.get_db()) and
binds every value; the caller owns the transaction."""
import json
import uuid
from datetime import datetime, timezone

from schemas import TIMESTAMP_FORMAT

_COLUMNS = ("id, alias, name, provider_id, is_active, settings, "
            "date_created, date_modified, version")


def now():
    return datetime.now(timezone.utc).strftime(TIMESTAMP_FORMAT)


def _to_connection(row, with_settings=True):
    connection = {
        "id": row["id"], "alias": row["alias"], "name": row["name"],
        "providerId": row["provider_id"], "isActive": bool(row["is_active"]),
        "dateCreated": row["date_created"], "dateModified": row["date_modified"],
        "version": row["version"],
    }
    if with_settings:
        connection["settings"] = json.loads(row["settings"])
    return connection


def find(db, *, connection_id=None, alias=None):
    """By canonical GUID or by alias (case-insensitively); None when there is none."""
    if connection_id is not None:
        row = db.execute(f"SELECT {_COLUMNS} FROM connections WHERE id = ?",
                         (connection_id,)).fetchone()
    else:
        row = db.execute(f"SELECT {_COLUMNS} FROM connections WHERE alias = ?",
                         (alias,)).fetchone()
    return _to_connection(row) if row else None


def alias_exists(db, alias, exclude_id=None):
    row = db.execute("SELECT 1 FROM connections WHERE alias = ? AND id IS NOT ?",
                     (alias, exclude_id)).fetchone()
    return row is not None


def insert(db, *, alias, name, provider_id, is_active, settings):
    stamp = now()
    connection_id = str(uuid.uuid4())
    db.execute(
        f"INSERT INTO connections ({_COLUMNS}, name_folded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (connection_id, alias.lower(), name, provider_id, int(is_active),
         json.dumps(settings), stamp, stamp, name.casefold()))
    return find(db, connection_id=connection_id)


def update(db, connection_id, *, name, is_active, settings):
    db.execute(
        "UPDATE connections SET name = ?, name_folded = ?, is_active = ?, settings = ?, "
        "date_modified = ?, version = version + 1 WHERE id = ?",
        (name, name.casefold(), int(is_active), json.dumps(settings), now(), connection_id))
    return find(db, connection_id=connection_id)


def delete(db, connection_id):
    return db.execute("DELETE FROM connections WHERE id = ?", (connection_id,)).rowcount == 1


_FILTERS = """
    FROM connections
    WHERE (:filter IS NULL OR instr(name_folded, :filter) > 0)
      AND (:provider_id IS NULL OR provider_id = :provider_id)
      AND (:provider_ids IS NULL OR provider_id IN (SELECT value FROM json_each(:provider_ids)))
"""


def page(db, *, skip, take, name_filter=None, provider_id=None, provider_ids=None):
    """(items without settings, total matches) ordered by case-folded name, then alias."""
    params = {
        "filter": name_filter.casefold() if name_filter is not None else None,
        "provider_id": provider_id,
        "provider_ids": json.dumps(provider_ids) if provider_ids is not None else None,
        "skip": skip, "take": take,
    }
    total = db.execute(f"SELECT count(*) {_FILTERS}", params).fetchone()[0]
    rows = db.execute(f"SELECT {_COLUMNS} {_FILTERS} ORDER BY name_folded, alias "
                      "LIMIT :take OFFSET :skip", params).fetchall()
    return [_to_connection(row, with_settings=False) for row in rows], total


def active_provider_ids(db):
    return [row[0] for row in db.execute(
        "SELECT DISTINCT provider_id FROM connections WHERE is_active = 1")]
