"""SQL for profiles. Same rules as connection_store: bound values only, caller's transaction."""
import json
import uuid

from connection_store import now

_COLUMNS = ("id, alias, name, capability, model_provider_id, model_id, connection_id, "
            "settings, tags, date_created, date_modified, version")


def _to_profile(row):
    return {
        "id": row["id"], "alias": row["alias"], "name": row["name"],
        "capability": row["capability"],
        "model": {"providerId": row["model_provider_id"], "modelId": row["model_id"]},
        "connectionId": row["connection_id"],
        "settings": json.loads(row["settings"]) if row["settings"] is not None else None,
        "tags": json.loads(row["tags"]),
        "dateCreated": row["date_created"], "dateModified": row["date_modified"],
        "version": row["version"],
    }


def find(db, *, profile_id=None, alias=None):
    column, value = ("id", profile_id) if profile_id is not None else ("alias", alias)
    row = db.execute(f"SELECT {_COLUMNS} FROM profiles WHERE {column} = ?", (value,)).fetchone()
    return _to_profile(row) if row else None


def alias_exists(db, alias):
    return db.execute("SELECT 1 FROM profiles WHERE alias = ?", (alias,)).fetchone() is not None


def insert(db, *, alias, name, capability, model, connection_id, settings, tags):
    stamp = now()
    profile_id = str(uuid.uuid4())
    db.execute(
        f"INSERT INTO profiles ({_COLUMNS}, name_folded) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
        (profile_id, alias.lower(), name, capability, model["providerId"], model["modelId"],
         connection_id, _json_or_null(settings), json.dumps(tags), stamp, stamp, name.casefold()))
    return find(db, profile_id=profile_id)


def update(db, profile_id, *, name, model, connection_id, settings, tags):
    db.execute(
        "UPDATE profiles SET name = ?, name_folded = ?, model_provider_id = ?, model_id = ?, "
        "connection_id = ?, settings = ?, tags = ?, date_modified = ?, version = version + 1 "
        "WHERE id = ?",
        (name, name.casefold(), model["providerId"], model["modelId"], connection_id,
         _json_or_null(settings), json.dumps(tags), now(), profile_id))
    return find(db, profile_id=profile_id)


def delete(db, profile_id):
    return db.execute("DELETE FROM profiles WHERE id = ?", (profile_id,)).rowcount == 1


def _json_or_null(value):
    return json.dumps(value) if value is not None else None


def using_connection(db, connection_id, limit):
    """(how many profiles use the connection, the first `limit` of them by name)."""
    rows = db.execute("SELECT id, alias, name FROM profiles WHERE connection_id = ? "
                      "ORDER BY name_folded, alias LIMIT ?", (connection_id, limit)).fetchall()
    count = len(rows)
    if count == limit:  # only a full page can hide more: the common, unused case is one query
        count = db.execute("SELECT count(*) FROM profiles WHERE connection_id = ?",
                           (connection_id,)).fetchone()[0]
    return count, [dict(row) for row in rows]


_FILTERS = """
    FROM profiles
    WHERE (:filter IS NULL OR instr(name_folded, :filter) > 0)
      AND (:connection_id IS NULL OR connection_id = :connection_id)
      AND (:capability IS NULL OR capability = :capability)
"""


def page(db, *, skip, take, name_filter=None, connection_id=None, capability=None):
    params = {"filter": name_filter.casefold() if name_filter is not None else None,
              "connection_id": connection_id, "capability": capability,
              "skip": skip, "take": take}
    total = db.execute(f"SELECT count(*) {_FILTERS}", params).fetchone()[0]
    rows = db.execute(f"SELECT {_COLUMNS} {_FILTERS} ORDER BY name_folded, alias "
                      "LIMIT :take OFFSET :skip", params).fetchall()
    return [_to_profile(row) for row in rows], total
