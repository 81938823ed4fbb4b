"""The committed openapi.yaml is what the code generates, and it is served at /openapi.json."""
import os

import yaml

from conftest import BASE, ROOT


def test_committed_spec_matches_the_code(client):
    with open(os.path.join(ROOT, "openapi.yaml")) as f:
        committed = yaml.safe_load(f)
    generated = client.get("/openapi.json").get_json()  # api.spec.to_dict(), as JSON
    assert committed == generated, "openapi.yaml is stale: run `make openapi` and commit it"


def test_spec_is_served_as_json(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.content_type == "application/json"
    spec = response.get_json()
    paths = spec["paths"]
    assert set(paths) == {f"{BASE}{p}" for p in (
        "/providers", "/providers/{provider_id}", "/connections", "/connections/{id}",
        "/connections/capabilities", "/connections/{alias}/exists",
        "/profiles", "/profiles/{idOrAlias}")}
    delete = paths[f"{BASE}/connections/{{id}}"]["delete"]["responses"]
    assert set(delete) >= {"200", "404", "409", "412", "default"}
    conflict = delete["409"]["content"]["application/problem+json"]["schema"]["$ref"]
    assert conflict == "#/components/schemas/ConflictProblem"


def test_errors_are_documented_as_problem_json(client):
    spec = client.get("/openapi.json").get_json()
    for name, response in spec["components"]["responses"].items():
        if "content" in response:
            assert list(response["content"]) == ["application/problem+json"], name
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail"}
