"""The seed's JavaScript (deleteConnection, safeDeleteConnection) run by Node against the real server."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from test_live import call

NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="Node.js is not installed")
RUNNER = os.path.join(ROOT, "tests", "js", "run_seed.mjs")


def run_seed(server, function, connection_id):
    result = subprocess.run([NODE, RUNNER, server.url, function, connection_id],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def create(server, alias):
    status, _, raw = call(server, "POST", "/connections", {
        "alias": alias, "name": alias, "providerId": "openai", "settings": {"apiKey": "sk-abcdefghijk"}})
    assert status == 201
    return json.loads(raw)


def test_delete_connection_resolves_true_then_rejects_not_found(live_server):
    connection = create(live_server, "to-delete")
    assert run_seed(live_server, "deleteConnection", connection["id"]) == {"resolved": True, "value": True}
    assert run_seed(live_server, "deleteConnection", connection["id"]) == {
        "resolved": False, "message": "Connection not found"}


def test_safe_delete_deactivates_then_deletes(live_server):
    connection = create(live_server, "safe-delete")
    assert run_seed(live_server, "safeDeleteConnection", connection["id"]) == {"resolved": True, "value": None}
    status, _, _ = call(live_server, "GET", f"/connections/{connection['id']}")
    assert status == 404


def test_safe_delete_of_a_connection_in_use_rejects_with_the_409_detail(live_server):
    connection = create(live_server, "in-use")
    status, _, _ = call(live_server, "POST", "/profiles", {
        "alias": "writer", "name": "Writer", "capability": "Chat", "connectionId": connection["id"],
        "model": {"providerId": "openai", "modelId": "gpt-4o"}})
    assert status == 201
    outcome = run_seed(live_server, "safeDeleteConnection", connection["id"])
    status, _, raw = call(live_server, "DELETE", f"/connections/{connection['id']}")
    assert status == 409
    assert outcome == {"resolved": False, "message": json.loads(raw)["detail"]}
    assert outcome["message"] == ("Connection 'in-use' is in use by 1 profile; move or delete it "
                                  "first, or deactivate the connection instead.")
    # The connection survives, deactivated by the first half of the safe delete.
    status, _, raw = call(live_server, "GET", f"/connections/{connection['id']}")
    assert status == 200 and json.loads(raw)["isActive"] is False
