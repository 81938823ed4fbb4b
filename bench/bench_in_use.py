"""Cost of the in-use check of DELETE /connections/{id} as profiles grow: 1 profile in the
database vs 1,000,000 (on other connections), and the same million without the
profiles(connection_id) index, to show what the index buys. Each DELETE answers 409 (the
connection is in use), so the same request can be timed over and over. Prints figures only.
"""
import os
import statistics
import sys
import tempfile
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app import create_app  # noqa: E402

BASE = "/umbraco/ai/management/api/v1"
PROFILES = 1_000_000
REQUESTS, ROUNDS = 300, 5


def setup(folder, name, filler_profiles, drop_index=False):
    app = create_app({"DATABASE": os.path.join(folder, f"{name}.sqlite")})
    client = app.test_client()

    def connection(alias):
        return client.post(f"{BASE}/connections", json={
            "alias": alias, "name": alias, "providerId": "openai",
            "settings": {"apiKey": "sk-bench-0123456789"}}).get_json()["id"]
    target, other = connection("target"), connection("other")
    client.post(f"{BASE}/profiles", json={
        "alias": "the-one", "name": "The one", "capability": "Chat", "connectionId": target,
        "model": {"providerId": "openai", "modelId": "gpt-4o"}})
    with app.app_context():
        from db import get_db
        db = get_db()
        db.execute("BEGIN")
        # Straight into the table: a million POSTs would measure the POST, not the check.
        db.executemany(
            "INSERT INTO profiles (id, alias, name, name_folded, capability, model_provider_id, "
            "model_id, connection_id, settings, tags, date_created, date_modified, version) "
            "VALUES (?, ?, ?, ?, 'Chat', 'openai', 'gpt-4o', ?, NULL, '[]', "
            "'2024-01-15T10:30:00Z', '2024-01-15T10:30:00Z', 1)",
            ((str(uuid.uuid4()), f"filler-{n}", f"Filler {n}", f"filler {n}", other)
             for n in range(filler_profiles)))
        if drop_index:
            db.execute("DROP INDEX profiles_by_connection")
        db.execute("COMMIT")
    return client, f"{BASE}/connections/{target}"


def time_round(client, url, requests):
    started = time.perf_counter()
    for _ in range(requests):
        assert client.delete(url).status_code == 409
    return requests / (time.perf_counter() - started)


def main():
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        setups = {
            "1 profile": setup(folder, "one", 0),
            f"{PROFILES:,} profiles": setup(folder, "million", PROFILES),
            f"{PROFILES:,} profiles, no index": setup(folder, "noindex", PROFILES, drop_index=True),
        }
        print(f"set up in {time.perf_counter() - started:.1f} s; {REQUESTS} DELETEs (409) "
              f"per round, in-process test client, rounds interleaved")
        rates = {name: [] for name in setups}
        for round_number in range(ROUNDS):
            for name, (client, url) in setups.items():
                if "no index" in name:
                    if round_number == 0:  # a full scan per request: one short round says enough
                        rates[name].append(time_round(client, url, 10))
                    continue
                rates[name].append(time_round(client, url, REQUESTS))
        baseline = statistics.median(rates["1 profile"])
        for name, values in rates.items():
            median = statistics.median(values)
            print(f"{name:32} median {median:9.1f} req/s  ({median / baseline:.2f}x of 1 profile)"
                  f"   rounds: {', '.join(f'{v:.0f}' for v in values)}")


if __name__ == "__main__":
    main()
