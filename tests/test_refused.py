"""Requests the service refuses: each one a problem+json answer that changes nothing."""
import logging
import sqlite3
import time

import pytest

import connection_store
from conftest import BASE, OPENAI, PROBLEM, assert_problem


def total(client):
    return client.get(f"{BASE}/connections").get_json()["total"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/xml", "text/json"])
def test_non_json_content_type_is_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(f"{BASE}/connections", data='{"alias": "x"}', headers=headers)
    assert_problem(response, 415)
    assert response.get_json()["title"] == "Unsupported Media Type"
    assert total(client) == 0


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8",
                                          "application/merge-patch+json", "Application/JSON"])
def test_json_content_types_with_parameters_are_accepted(client, content_type):
    import json
    response = client.post(f"{BASE}/connections", data=json.dumps(OPENAI),
                           headers={"Content-Type": content_type})
    assert response.status_code == 201


def test_put_with_wrong_content_type_is_415(client, create_connection):
    created = create_connection()
    response = client.put(f"{BASE}/connections/{created['id']}", data="isActive=false",
                          content_type="application/x-www-form-urlencoded")
    assert_problem(response, 415)
    assert client.get(f"{BASE}/connections/{created['id']}").get_json()["isActive"] is True


@pytest.mark.parametrize("raw", [b"{", b"", b'{"alias": NaN}', b"\xff\xfe", b"[1,]"])
def test_malformed_json_is_400(client, raw):
    response = client.post(f"{BASE}/connections", data=raw, content_type="application/json")
    assert_problem(response, 400)
    assert total(client) == 0


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"null", b"42"])
def test_json_that_is_not_an_object_is_400(client, raw):
    response = client.post(f"{BASE}/connections", data=raw, content_type="application/json")
    assert_problem(response, 400,
                   "The request body is not acceptable: Expected a JSON object.")


def test_body_over_64_kib_is_413_even_with_the_wrong_type(client):
    big = b"x" * (64 * 1024 + 1)
    for content_type in ("application/json", "text/plain"):
        response = client.post(f"{BASE}/connections", data=big, content_type=content_type)
        assert_problem(response, 413)
        assert response.get_json()["title"] == "Payload Too Large"
    assert total(client) == 0


def test_body_of_exactly_64_kib_is_read(client):
    body = b'{"alias": "a", "name": "' + b"n" * (64 * 1024 - 30) + b'"}'
    body += b" " * (64 * 1024 - len(body))
    response = client.post(f"{BASE}/connections", data=body, content_type="application/json")
    assert_problem(response, 400)  # read and validated (name too long), not refused for size


def test_check_order_size_then_type_then_validation_then_lookup(client):
    unknown = f"{BASE}/connections/3fa85f64-5717-4562-b3fc-2c963f66afa6"
    assert client.put(unknown, data=b"x" * 70000, content_type="text/plain").status_code == 413
    assert client.put(unknown, data="{}", content_type="text/plain").status_code == 415
    assert client.put(unknown, json={"isActive": "no"}).status_code == 400
    assert client.put(unknown, json={"isActive": False}).status_code == 404


def test_unknown_route_and_wrong_method(client):
    assert_problem(client.get("/nowhere"), 404)
    assert_problem(client.get(f"{BASE}/connections/a/b/c"), 404)
    response = client.patch(f"{BASE}/connections/3fa85f64-5717-4562-b3fc-2c963f66afa6", json={})
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "PUT", "DELETE"}
    response = client.post(f"{BASE}/providers")
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_unhandled_exception_is_a_500_problem_logged_not_shown(app, client, monkeypatch, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(*args, **kwargs):
        raise RuntimeError("boom: internal detail")
    monkeypatch.setattr(connection_store, "page", explode)
    with caplog.at_level(logging.ERROR):
        response = client.get(f"{BASE}/connections")
    body = assert_problem(response, 500)
    assert body["title"] == "Internal Server Error"
    assert b"boom" not in response.data and b"Traceback" not in response.data
    assert "boom: internal detail" in caplog.text


def test_a_write_that_fails_half_way_leaves_nothing_behind(app, client, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    real_insert = connection_store.insert

    def insert_then_fail(db, **kwargs):
        real_insert(db, **kwargs)
        raise RuntimeError("failure after the INSERT ran")
    monkeypatch.setattr(connection_store, "insert", insert_then_fail)
    assert_problem(client.post(f"{BASE}/connections", json=OPENAI), 500)
    monkeypatch.undo()
    assert total(client) == 0
    assert client.post(f"{BASE}/connections", json=OPENAI).status_code == 201


def test_database_locked_by_another_process_is_503_after_the_busy_timeout(app, client, create_connection):
    created = create_connection()
    other = sqlite3.connect(app.config["DATABASE"], isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        started = time.monotonic()
        response = client.delete(f"{BASE}/connections/{created['id']}")
        waited = time.monotonic() - started
    finally:
        other.execute("ROLLBACK")
        other.close()
    body = assert_problem(response, 503)
    assert body["title"] == "Service Unavailable"
    assert response.headers["Retry-After"] == "5"
    assert waited >= 4.5  # it waited the busy timeout before giving up
    # Nothing was deleted, and the service works again once the lock is gone.
    assert client.get(f"{BASE}/connections/{created['id']}").status_code == 200
    assert client.delete(f"{BASE}/connections/{created['id']}").status_code == 200


def test_read_only_database_is_503_and_reads_still_work(app, client, create_connection, monkeypatch):
    created = create_connection()
    # Root ignores file permissions, so make the service's own connections read-only.
    pool = app.extensions["db_pool"]
    pool.close_all()
    real_open = type(pool)._open

    def open_read_only(self):
        conn = real_open(self)
        conn.execute("PRAGMA query_only = ON")
        return conn
    monkeypatch.setattr(type(pool), "_open", open_read_only)
    url = f"{BASE}/connections/{created['id']}"
    assert_problem(client.put(url, json={"name": "New"}), 503)
    assert_problem(client.delete(url), 503)
    assert_problem(client.post(f"{BASE}/connections", json={**OPENAI, "alias": "second"}), 503)
    assert client.get(url).get_json() == created
    assert total(client) == 1


# Found by fuzzing the running service against its own spec (schemathesis) and by hand.

@pytest.mark.parametrize("raw, reason", [
    (b'{"alias": "x", "name": "\\ud800"}', "surrogate"),
    (b'{"settings": {"organizationId": 1e999}}', "too large"),
    (b'{"settings": {"organizationId": -1e999}}', "too large"),
    (b"[" * 30000, "nested too deeply"),
])
def test_json_that_could_not_be_stored_or_sent_back_is_400(client, raw, reason):
    response = client.post(f"{BASE}/connections", data=raw, content_type="application/json")
    assert reason in assert_problem(response, 400)["detail"]
    assert total(client) == 0


@pytest.mark.parametrize("query", ["skip=9223372036854775808", "skip=99999999999999999999",
                                   "take=+5", "take=%205", "take=1_0", "take=%EF%BC%95"])
def test_out_of_range_or_malformed_integers_are_400(client, query):
    field = query.split("=")[0]
    assert field in assert_problem(client.get(f"{BASE}/connections?{query}"), 400)["errors"]


def test_the_largest_skip_is_accepted(client):
    response = client.get(f"{BASE}/connections?skip=9223372036854775807")
    assert response.get_json() == {"items": [], "total": 0}


@pytest.mark.parametrize("path", ["/connections//3fa85f64-5717-4562-b3fc-2c963f66afa6",
                                  "/providers//openai", "/connections/%2F/exists"])
def test_double_slashes_are_a_404_problem_not_an_html_redirect(client, path):
    assert_problem(client.delete(f"{BASE}{path}"), 404)
    assert_problem(client.get(f"{BASE}{path}"), 404)


@pytest.mark.parametrize("if_match", ["1", '"1', "W/1", "1, 2"])
def test_if_match_that_is_not_rfc_9110_syntax_matches_nothing(client, create_connection, if_match):
    created = create_connection()
    response = client.delete(f"{BASE}/connections/{created['id']}", headers={"If-Match": if_match})
    assert_problem(response, 412)
    assert client.get(f"{BASE}/connections/{created['id']}").status_code == 200
