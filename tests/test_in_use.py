"""DELETE /connections/{id} refuses to break the profiles that use the connection."""
import sqlite3

import pytest

import connections
from conftest import BASE, assert_problem


@pytest.fixture
def in_use(client, create_connection):
    """A connection with two Chat profiles on it, and a second, unused connection."""
    connection = create_connection()
    spare = create_connection(alias="openai-spare", name="Spare")
    profiles = []
    for alias, name in (("writer", "Writer"), ("assistant", "Assistant")):
        response = client.post(f"{BASE}/profiles", json={
            "alias": alias, "name": name, "capability": "Chat", "connectionId": connection["id"],
            "model": {"providerId": "openai", "modelId": "gpt-4o"}})
        profiles.append(response.get_json())
    return connection, spare, profiles


def test_delete_of_a_connection_in_use_is_409_listing_the_profiles(client, in_use):
    connection, _, profiles = in_use
    response = client.delete(f"{BASE}/connections/{connection['id']}")
    body = assert_problem(response, 409)
    writer, assistant = profiles
    assert body == {
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.8", "title": "Conflict",
        "status": 409,
        "detail": "Connection 'openai-prod' is in use by 2 profiles; move or delete them first, "
                  "or deactivate the connection instead.",
        "profiles": [{"id": p["id"], "alias": p["alias"], "name": p["name"]} for p in (assistant, writer)],
    }
    assert client.get(f"{BASE}/connections/{connection['id']}").get_json() == connection
    assert client.get(f"{BASE}/profiles").get_json()["total"] == 2


def test_if_match_is_checked_before_the_conflict(client, in_use):
    connection, _, _ = in_use
    url = f"{BASE}/connections/{connection['id']}"
    assert client.delete(url, headers={"If-Match": '"9"'}).status_code == 412
    assert client.delete(url, headers={"If-Match": '"1"'}).status_code == 409


def test_moving_and_deleting_the_profiles_frees_the_connection(client, in_use):
    connection, spare, (writer, assistant) = in_use
    url = f"{BASE}/connections/{connection['id']}"
    assert client.put(f"{BASE}/profiles/writer", json={"connectionId": spare["id"]}).status_code == 200
    body = client.delete(url).get_json()
    assert body["detail"].startswith("Connection 'openai-prod' is in use by 1 profile;")
    assert body["profiles"] == [{"id": assistant["id"], "alias": "assistant", "name": "Assistant"}]
    assert client.delete(f"{BASE}/profiles/assistant").status_code == 200
    response = client.delete(url)
    assert (response.status_code, response.data) == (200, b"")
    # The moved profile still works, on the connection it was moved to.
    assert client.get(f"{BASE}/profiles/writer").get_json()["connectionId"] == spare["id"]
    assert client.delete(f"{BASE}/connections/{spare['id']}").status_code == 409


def test_deactivating_instead_keeps_everything(client, in_use):
    connection, _, _ = in_use
    response = client.put(f"{BASE}/connections/{connection['id']}", json={"isActive": False})
    assert response.status_code == 200 and response.get_json()["isActive"] is False
    assert client.get(f"{BASE}/profiles").get_json()["total"] == 2


def test_the_409_lists_the_first_100_and_counts_all(client, app, create_connection):
    connection = create_connection()
    for n in range(101):
        response = client.post(f"{BASE}/profiles", json={
            "alias": f"p-{n:03d}", "name": f"Profile {n:03d}", "capability": "Chat",
            "connectionId": connection["id"], "model": {"providerId": "openai", "modelId": "m"}})
        assert response.status_code == 201
    body = assert_problem(client.delete(f"{BASE}/connections/{connection['id']}"), 409)
    assert "in use by 101 profiles (the first 100 are listed)" in body["detail"]
    assert [p["alias"] for p in body["profiles"]] == [f"p-{n:03d}" for n in range(100)]


def test_the_foreign_key_refusal_is_also_answered_with_the_409(client, in_use, monkeypatch):
    """If the in-use check were ever bypassed, the schema itself still refuses the delete."""
    connection, _, _ = in_use
    real_check = connections.refuse_if_in_use
    calls = []

    def skip_the_first_check(db, current):
        calls.append(current["id"])
        if len(calls) > 1:
            real_check(db, current)
    monkeypatch.setattr(connections, "refuse_if_in_use", skip_the_first_check)
    response = client.delete(f"{BASE}/connections/{connection['id']}")
    assert len(calls) == 2  # the check was skipped, the DELETE ran and the foreign key refused it
    assert len(assert_problem(response, 409)["profiles"]) == 2
    assert client.get(f"{BASE}/connections/{connection['id']}").status_code == 200


def test_the_schema_forbids_dangling_references(app, in_use):
    connection, _, _ = in_use
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        conn.execute("PRAGMA foreign_keys = ON")
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("DELETE FROM connections WHERE id = ?", (connection["id"],))
        with pytest.raises(sqlite3.IntegrityError):
            conn.execute("UPDATE profiles SET connection_id = ?", ("3fa85f64-5717-4562-b3fc-2c963f66afa6",))
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_the_in_use_check_reads_the_connection_index(app):
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        for sql in ("SELECT count(*) FROM profiles WHERE connection_id = ?",
                    "SELECT id, alias, name FROM profiles WHERE connection_id = ? "
                    "ORDER BY name_folded, alias LIMIT ?"):
            plan = " ".join(row[-1] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}",
                                                            ("x",) if sql.count("?") == 1 else ("x", 1)))
            assert "profiles_by_connection" in plan, plan
