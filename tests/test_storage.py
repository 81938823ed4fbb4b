"""The database: created on first start, configured connections, reused, never left mid-transaction."""
import os
import sqlite3
import threading

import db
from app import create_app
from conftest import BASE, OPENAI, ROOT


def test_a_new_database_file_gets_the_schema_with_no_init_step(tmp_path):
    path = tmp_path / "nested" / "fresh.sqlite"
    app = create_app({"DATABASE": str(path)})
    assert app.test_client().post(f"{BASE}/connections", json=OPENAI).status_code == 201
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == db.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    app.extensions["db_pool"].close_all()


def test_restarting_keeps_the_data(tmp_path):
    config = {"DATABASE": str(tmp_path / "kept.sqlite")}
    first = create_app(config)
    created = first.test_client().post(f"{BASE}/connections", json=OPENAI).get_json()
    first.extensions["db_pool"].close_all()
    second = create_app(config)
    assert second.test_client().get(f"{BASE}/connections/openai-prod").get_json() == created
    second.extensions["db_pool"].close_all()


def test_database_from_environment_variable(tmp_path, monkeypatch):
    path = tmp_path / "from-env.sqlite"
    monkeypatch.setenv("FLASK_DATABASE", str(path))
    app = create_app()
    assert app.config["DATABASE"] == str(path)
    assert path.exists()
    app.extensions["db_pool"].close_all()


def test_default_database_is_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("FLASK_DATABASE", raising=False)
    app = create_app()  # the same file `make run` uses; applying the schema again is harmless
    assert app.config["DATABASE"] == os.path.join(ROOT, "instance", "connections.sqlite")
    app.extensions["db_pool"].close_all()


def test_init_db_command_empties_the_database(app, client, create_connection):
    create_connection()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert "Initialized the database" in result.output
    assert client.get(f"{BASE}/connections").get_json()["total"] == 0


def test_connections_are_configured_and_reused(app, client):
    seen = []
    with app.app_context():
        conn = db.get_db()
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
        seen.append(id(conn))
    for _ in range(5):
        with app.app_context():
            seen.append(id(db.get_db()))
    assert len(set(seen)) == 1  # one long-lived connection, not one per request


def test_requests_on_other_threads_share_the_pool(app, client):
    ids = []

    def request_in_a_thread():
        with app.app_context():
            ids.append(id(db.get_db()))
    for _ in range(5):
        thread = threading.Thread(target=request_in_a_thread)
        thread.start()
        thread.join()
    assert len(set(ids)) == 1  # a thread per request (dev server) still reuses the connection


def test_every_request_gives_its_connection_back_outside_a_transaction(app, client, create_connection):
    create_connection()
    client.delete(f"{BASE}/connections/openai-prod")  # an error path
    client.put(f"{BASE}/connections/3fa85f64-5717-4562-b3fc-2c963f66afa6", json={"name": "x"})
    pool = app.extensions["db_pool"]
    idle = []
    while not pool._idle.empty():
        idle.append(pool._idle.get_nowait())
    assert idle and not any(conn.in_transaction for conn in idle)
    for conn in idle:
        pool.release(conn)


def test_a_newer_schema_is_refused(tmp_path):
    path = tmp_path / "newer.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    try:
        create_app({"DATABASE": str(path)})
    except RuntimeError as error:
        assert "newer than this service" in str(error)
    else:
        raise AssertionError("a newer database schema was accepted")


def test_a_version_1_database_is_upgraded_in_place(tmp_path):
    """Databases made before profiles existed gain the profiles table and keep their data."""
    path = tmp_path / "v1.sqlite"
    with open(os.path.join(ROOT, "schema.sql")) as f:
        version_1 = f.read().split("-- Schema version 2")[0]
    with sqlite3.connect(path) as conn:
        conn.executescript(version_1)
        conn.execute(
            "INSERT INTO connections VALUES ('3fa85f64-5717-4562-b3fc-2c963f66afa6', 'old', 'Old', "
            "'old', 'openai', 1, '{\"apiKey\": \"sk-old-secret-1\"}', '2024-01-15T10:30:00Z', "
            "'2024-01-15T10:30:00Z', 1)")
        conn.execute("PRAGMA user_version = 1")
    app = create_app({"DATABASE": str(path)})
    client = app.test_client()
    assert client.get(f"{BASE}/connections/old").get_json()["settings"]["apiKey"] == "sk-***"
    assert client.get(f"{BASE}/profiles").get_json() == {"items": [], "total": 0}
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    app.extensions["db_pool"].close_all()
