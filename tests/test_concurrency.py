"""Races against the real server process: no interleaving leaves a profile without its connection."""
import json
import sqlite3
import threading
import time

from test_live import call

CREATORS = 6
ATTEMPTS = 25  # per creator thread: bounded in count...
DEADLINE_SECONDS = 60  # ...and in time


def test_creating_profiles_while_deleting_their_connection(live_server, tmp_path):
    status, _, raw = call(live_server, "POST", "/connections", {
        "alias": "contested", "name": "Contested", "providerId": "openai",
        "settings": {"apiKey": "sk-abcdefghijk"}})
    assert status == 201
    connection_id = json.loads(raw)["id"]
    status, _, raw = call(live_server, "POST", "/connections", {
        "alias": "stable", "name": "Stable", "providerId": "openai",
        "settings": {"apiKey": "sk-abcdefghijk"}})
    stable_id = json.loads(raw)["id"]
    statuses, lock = [], threading.Lock()
    deadline = time.monotonic() + DEADLINE_SECONDS

    def creator(n):
        for attempt in range(ATTEMPTS):
            if time.monotonic() > deadline:
                return
            status, _, raw = call(live_server, "POST", "/profiles", {
                "alias": f"p-{n}-{attempt}", "name": f"P {n} {attempt}", "capability": "Chat",
                "connectionId": connection_id, "model": {"providerId": "openai", "modelId": "m"}})
            with lock:
                statuses.append(("create", status))
            if status == 201:
                # Free the contested connection again, so the deleter gets windows to win in:
                # half the profiles move to the stable connection, half are deleted.
                profile_id = json.loads(raw)["id"]
                if attempt % 2:
                    status = call(live_server, "DELETE", f"/profiles/{profile_id}")[0]
                    kind = "delete profile"
                else:
                    status = call(live_server, "PUT", f"/profiles/{profile_id}",
                                  {"connectionId": stable_id})[0]
                    kind = "move profile"
                with lock:
                    statuses.append((kind, status))

    creators_done = threading.Event()

    def deleter():
        while time.monotonic() < deadline and not creators_done.is_set():
            status, _, _ = call(live_server, "DELETE", f"/connections/{connection_id}")
            with lock:
                statuses.append(("delete connection", status))
            if status == 200:
                return

    creators = [threading.Thread(target=creator, args=(n,)) for n in range(CREATORS)]
    deleting = threading.Thread(target=deleter)
    for thread in (*creators, deleting):
        thread.start()
    for thread in creators:
        thread.join(DEADLINE_SECONDS + 10)
    creators_done.set()
    deleting.join(DEADLINE_SECONDS + 10)

    seen = {(kind, status) for kind, status in statuses}
    # Only the answers the contract allows; never a 5xx (the service's own concurrency is no 503).
    assert seen <= {("create", 201), ("create", 404), ("delete profile", 200),
                    ("move profile", 200), ("delete connection", 200),
                    ("delete connection", 409)}, seen
    assert ("create", 201) in seen and ("delete connection", 200) in seen

    with sqlite3.connect(tmp_path / "live.sqlite") as conn:
        dangling = conn.execute("SELECT count(*) FROM profiles p LEFT JOIN connections c "
                                "ON c.id = p.connection_id WHERE c.id IS NULL").fetchone()[0]
        assert dangling == 0
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    # Every profile the API lists has a connection the API can read.
    status, _, raw = call(live_server, "GET", "/profiles?take=1000")
    listed = json.loads(raw)["items"]
    assert len(listed) == sum(1 for kind, status in statuses if (kind, status) == ("move profile", 200))
    for profile in listed:
        assert call(live_server, "GET", f"/connections/{profile['connectionId']}")[0] == 200


def test_two_deletes_racing_for_one_id_one_wins(live_server):
    for round_number in range(10):
        status, _, raw = call(live_server, "POST", "/connections", {
            "alias": f"race-{round_number}", "name": "Race", "providerId": "openai",
            "settings": {"apiKey": "sk-abcdefghijk"}})
        connection_id = json.loads(raw)["id"]
        results = []
        barrier = threading.Barrier(2)

        def delete():
            barrier.wait(10)
            results.append(call(live_server, "DELETE", f"/connections/{connection_id}")[0])
        threads = [threading.Thread(target=delete) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(results) == [200, 404]
