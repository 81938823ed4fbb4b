import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from app import create_app  # noqa: E402

BASE = "/umbraco/ai/management/api/v1"
PROBLEM = "application/problem+json"
OPENAI = {"alias": "openai-prod", "name": "OpenAI Production", "providerId": "openai",
          "settings": {"apiKey": "sk-proj-abcdefghijklmnop"}}


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "DATABASE": str(tmp_path / "connections.sqlite")})
    yield app
    app.extensions["db_pool"].close_all()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def create_connection(client):
    """POST a connection (OPENAI with overrides) and return its body; fails on non-201."""
    def create(**overrides):
        response = client.post(f"{BASE}/connections", json={**OPENAI, **overrides})
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return create


def assert_problem(response, status, detail=None):
    assert response.status_code == status
    assert response.content_type == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["type"].startswith("https://tools.ietf.org/html/rfc72")
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    if detail is not None:
        assert body["detail"] == detail
    return body


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The real service (`python app.py`) in its own process, over real HTTP."""

    def __init__(self, tmp_path, env=None, args=()):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(tmp_path / f"server-{self.port}.log", "w+")
        environment = {**os.environ, "FLASK_DATABASE": str(tmp_path / "live.sqlite"), **(env or {})}
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(ROOT, "app.py"), "--port", str(self.port), *args],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/openapi.json", timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"server did not start: {self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def live_server(tmp_path):
    server = LiveServer(tmp_path)
    yield server
    server.stop()
