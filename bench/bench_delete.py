"""DELETE /connections/{id} throughput: the service's connection pool vs flaskr's
open-and-close-a-connection-per-request, side by side, on real waitress processes.
It prints figures and asserts nothing about timings: those depend on the machine.
"""
import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOST = "127.0.0.1"  # the only address this script ever contacts
BASE = "/umbraco/ai/management/api/v1"
COUNT, ROUNDS, CLIENTS = 600, 5, 4  # DELETEs per round; rounds; keep-alive client threads
BUDGET_SECONDS = 45  # no new round starts after this, so a slow machine still ends in ~60 s

# The server program. Configuration (b) only swaps ConnectionPool.release for flaskr's
# close_db, so the service code stays untouched: acquire() then finds the pool empty and
# opens a new connection for every request (closing also discards anything uncommitted,
# as release's rollback would). app.main then serves it exactly as `make run` does.
SERVER = r"""
import sys
import app, db
if sys.argv[1] == "per-request":
    db.ConnectionPool.release = lambda self, conn: conn.close()
app.main(["--host", "127.0.0.1", "--port", sys.argv[2]])
"""
MODES = ("pooled", "per-request")


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]  # a tiny race with other programs; good enough here


def call(conn, method, path, body=None):
    conn.request(method, BASE + path, body=body and json.dumps(body),
                 headers={"Content-Type": "application/json"} if body else {})
    response = conn.getresponse()
    return response.status, response.read()  # read it all, or keep-alive breaks


def start_server(mode, workdir):
    port = free_port()
    env = dict(os.environ, FLASK_DATABASE=os.path.join(workdir, f"{mode}.sqlite"))
    log = open(os.path.join(workdir, f"{mode}.log"), "w+b")
    proc = subprocess.Popen([sys.executable, "-c", SERVER, mode, str(port)], cwd=ROOT,
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    proc.port, proc.log = port, log
    for _ in range(100):  # ~10 s for imports and schema creation
        if proc.poll() is not None:
            break
        try:
            with contextlib.closing(http.client.HTTPConnection(HOST, port, timeout=2)) as c:
                if call(c, "GET", "/connections?take=1")[0] == 200:
                    return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()  # not yet in the caller's list, so it must not outlive this
    proc.wait()
    log.seek(0)
    raise RuntimeError(f"{mode} server did not start:\n{log.read().decode(errors='replace')}")


def run_parallel(port, items, action):
    """Spread items over CLIENTS threads, one keep-alive connection each; (seconds, results)."""
    chunks = [items[i::CLIENTS] for i in range(CLIENTS)]
    results = [[] for _ in chunks]
    barrier = threading.Barrier(CLIENTS + 1, timeout=30)  # all start together, or none hangs

    def work(chunk, out):
        with contextlib.closing(http.client.HTTPConnection(HOST, port, timeout=30)) as conn:
            conn.connect()  # connecting is not what is being measured
            barrier.wait()
            out.extend(action(conn, item) for item in chunk)

    threads = [threading.Thread(target=work, args=cr, daemon=True) for cr in zip(chunks, results)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join(60)
    return time.perf_counter() - start, [x for r in results for x in r]


def create(conn, n):
    status, body = call(conn, "POST", "/connections", {
        "alias": f"bench-{n}", "name": f"Bench {n}", "providerId": "openai",
        "settings": {"apiKey": "sk-bench-0123456789"}})
    return json.loads(body)["id"] if status == 201 else f"POST {status} {body[:200]!r}"


def delete(conn, connection_id):
    return call(conn, "DELETE", f"/connections/{connection_id}")[0]


def delete_rate(proc, first, count):
    """Create `count` connections (untimed), then time deleting them; returns req/s."""
    _, ids = run_parallel(proc.port, list(range(first, first + count)), create)
    failed = [i for i in ids if i.startswith("POST")]
    if failed or len(ids) != count:
        raise RuntimeError(f"setup failed: {len(ids)}/{count} created, e.g. {failed[:1]}")
    seconds, statuses = run_parallel(proc.port, ids, delete)
    if statuses.count(200) != count:  # a rate of failed requests would mean nothing
        raise RuntimeError(f"DELETE answered {sorted(set(statuses))}, {len(statuses)}/{count}")
    return count / seconds


def peak_rss(pid):
    with open(f"/proc/{pid}/status") as f:
        return next((line.split(":", 1)[1].strip() for line in f
                     if line.startswith("VmHWM")), "?")


def main():
    began, servers, rates = time.monotonic(), {}, {m: [] for m in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-delete-") as workdir:
        try:
            for mode in MODES:
                servers[mode] = start_server(mode, workdir)
                delete_rate(servers[mode], 0, 20)  # warm-up: lazy imports, caches, WAL file
            print(f"{COUNT} DELETEs per round, {CLIENTS} keep-alive clients, "
                  f"waitress 8 threads, {os.cpu_count()} CPUs")
            # Interleaved, so drift of the machine (turbo, neighbours) hits both alike.
            for rnd in range(ROUNDS):
                if rnd and time.monotonic() - began > BUDGET_SECONDS:
                    print(f"time budget spent: stopping after {rnd} rounds")
                    break
                for mode in MODES:
                    rate = delete_rate(servers[mode], 1000 + rnd * COUNT, COUNT)
                    rates[mode].append(rate)
                    print(f"round {rnd + 1}  {mode:<11} {rate:8.1f} req/s", flush=True)
            medians = {m: statistics.median(r) for m, r in rates.items()}
            for mode in MODES:
                print(f"median {mode:<11} {medians[mode]:8.1f} req/s  "
                      f"(peak RSS {peak_rss(servers[mode].pid)})")
            print(f"ratio pooled/per-request: {medians['pooled'] / medians['per-request']:.2f}x")
        finally:
            for proc in servers.values():
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                proc.log.close()
    print(f"total {time.monotonic() - began:.1f} s")


if __name__ == "__main__":
    main()
