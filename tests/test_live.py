"""The real server process over real HTTP: the README's walk-through, and the seed's cURL line."""
import json
import shutil
import subprocess
import urllib.error
import urllib.request

import pytest

from conftest import BASE, OPENAI, PROBLEM


def call(server, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{server.url}{BASE}{path}", data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})}
                                     if data else (headers or {}))
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_create_read_deactivate_delete_over_http(live_server):
    status, headers, raw = call(live_server, "POST", "/connections", OPENAI)
    assert status == 201
    created = json.loads(raw)
    assert headers["Location"] == f"{BASE}/connections/{created['id']}"
    for key in (created["id"], "openai-prod"):
        status, headers, raw = call(live_server, "GET", f"/connections/{key}")
        assert (status, headers["ETag"]) == (200, '"1"')
        assert json.loads(raw)["settings"]["apiKey"] == "sk-***"
    status, _, raw = call(live_server, "PUT", f"/connections/{created['id']}", {"isActive": False})
    assert status == 200 and json.loads(raw)["isActive"] is False

    status, headers, raw = call(live_server, "DELETE", f"/connections/{created['id']}")
    assert (status, headers["Content-Length"], raw) == (200, "0", b"")
    status, headers, raw = call(live_server, "DELETE", f"/connections/{created['id']}")
    assert status == 404 and headers["Content-Type"] == PROBLEM
    assert json.loads(raw) == {
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4", "title": "Not Found",
        "status": 404, "detail": f"Connection with ID '{created['id']}' not found"}
    # The secret never reached the server's log, whatever it printed.
    assert OPENAI["settings"]["apiKey"] not in live_server.output()


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_seeds_curl_line_with_the_host_changed(live_server, tmp_path):
    import sqlite3
    seed_id = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    # Give the seed's id to a connection, so its line has something to delete.
    call(live_server, "POST", "/connections", OPENAI)
    with sqlite3.connect(tmp_path / "live.sqlite") as conn:
        conn.execute("UPDATE connections SET id = ?", (seed_id,))
    seed_line = (f'curl -X DELETE "{live_server.url}/umbraco/ai/management/api/v1/connections/'
                 f'{seed_id}"')

    def run_seed_line():
        result = subprocess.run(seed_line + ' -s -w "\\n%{http_code} %{content_type}"', shell=True,
                                capture_output=True, text=True, timeout=30)
        body, _, status_line = result.stdout.rpartition("\n")
        return body, status_line

    assert run_seed_line() == ("", "200 ")
    body, status_line = run_seed_line()
    assert status_line == "404 application/problem+json"
    assert json.loads(body) == {
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4", "title": "Not Found",
        "status": 404, "detail": f"Connection with ID '{seed_id}' not found"}
