"""Profiles: create, read, list, move, delete, and the rules that tie them to a connection."""
import pytest

from conftest import BASE, assert_problem

SEED_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@pytest.fixture
def connection(create_connection):
    return create_connection()


@pytest.fixture
def create_profile(client, connection):
    def create(**overrides):
        body = {"alias": "chat-default", "name": "Default chat", "capability": "Chat",
                "model": {"providerId": "openai", "modelId": "gpt-4o"},
                "connectionId": connection["id"], **overrides}
        response = client.post(f"{BASE}/profiles", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()
    return create


def test_create_answers_201_with_location_etag_and_body(client, connection):
    response = client.post(f"{BASE}/profiles", json={
        "alias": "chat-default", "name": "Default chat", "capability": "chat",
        "model": {"providerId": "openai", "modelId": "gpt-4o"},
        "connectionId": connection["id"].upper(),
        "settings": {"$type": "chat", "temperature": 0.7, "maxTokens": 500},
        "tags": ["support"]})
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"{BASE}/profiles/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert {k: v for k, v in body.items() if k not in ("id", "dateCreated", "dateModified")} == {
        "alias": "chat-default", "name": "Default chat", "capability": "Chat",
        "model": {"providerId": "openai", "modelId": "gpt-4o"}, "connectionId": connection["id"],
        "settings": {"$type": "chat", "temperature": 0.7, "maxTokens": 500,
                     "systemPromptTemplate": None},
        "tags": ["support"], "version": 1}


def test_defaults_settings_null_and_no_tags(create_profile):
    profile = create_profile()
    assert profile["settings"] is None and profile["tags"] == []


def test_get_by_id_or_alias(client, create_profile):
    profile = create_profile()
    for key in (profile["id"], profile["id"].upper(), "chat-default", "CHAT-DEFAULT"):
        response = client.get(f"{BASE}/profiles/{key}")
        assert response.status_code == 200 and response.headers["ETag"] == '"1"'
        assert response.get_json() == profile
    assert_problem(client.get(f"{BASE}/profiles/nobody"), 404, "Profile with alias 'nobody' not found")
    assert_problem(client.get(f"{BASE}/profiles/{SEED_ID}"), 404, f"Profile with ID '{SEED_ID}' not found")


def test_unknown_connection_is_the_contracts_404_and_a_non_guid_is_400(client, connection):
    body = {"alias": "p", "name": "P", "capability": "Chat",
            "model": {"providerId": "openai", "modelId": "gpt-4o"}}
    missing = client.post(f"{BASE}/profiles", json={**body, "connectionId": SEED_ID.upper()})
    assert_problem(missing, 404, f"Connection with ID '{SEED_ID}' not found")
    not_guid = client.post(f"{BASE}/profiles", json={**body, "connectionId": "openai-prod"})
    assert assert_problem(not_guid, 400)["errors"] == {"connectionId": ["Connection ID must be a GUID."]}
    assert client.get(f"{BASE}/profiles").get_json()["total"] == 0


@pytest.mark.parametrize("overrides, field", [
    ({"capability": "Vision"}, "capability"),
    ({"capability": None}, "capability"),
    ({"model": {"providerId": "openai"}}, "model.modelId"),
    ({"model": {"providerId": "anthropic", "modelId": "claude"}}, "model.providerId"),
    ({"model": "gpt-4o"}, "model"),
    ({"model": {"providerId": "openai", "modelId": "gpt-4o", "extra": 1}}, "model.extra"),
    ({"settings": {"$type": "embedding"}}, "settings.$type"),
    ({"settings": {"$type": "image"}}, "settings.$type"),
    ({"settings": {"temperature": 1}}, "settings.$type"),
    ({"settings": {"$type": "chat", "temperature": 2.5}}, "settings.temperature"),
    ({"settings": {"$type": "chat", "temperature": -0.1}}, "settings.temperature"),
    ({"settings": {"$type": "chat", "temperature": "1"}}, "settings.temperature"),
    ({"settings": {"$type": "chat", "maxTokens": 0}}, "settings.maxTokens"),
    ({"settings": {"$type": "chat", "maxTokens": 1.5}}, "settings.maxTokens"),
    ({"settings": {"$type": "chat", "systemPromptTemplate": 5}}, "settings.systemPromptTemplate"),
    ({"settings": {"$type": "chat", "topP": 1}}, "settings.topP"),
    ({"tags": "support"}, "tags"),
    ({"tags": [1]}, "tags.0"),
    ({"alias": "Not Valid"}, "alias"),
    ({"name": ""}, "name"),
])
def test_create_validation(client, connection, create_profile, overrides, field):
    body = {"alias": "p", "name": "P", "capability": "Chat",
            "model": {"providerId": "openai", "modelId": "gpt-4o"},
            "connectionId": connection["id"], **overrides}
    problem = assert_problem(client.post(f"{BASE}/profiles", json=body), 400)
    assert field in problem["errors"], problem
    assert client.get(f"{BASE}/profiles").get_json()["total"] == 0


def test_capability_must_be_supported_by_the_connections_provider(client, create_connection):
    claude = create_connection(alias="claude", providerId="anthropic", settings={"apiKey": "sk-ant-abcdefgh"})
    response = client.post(f"{BASE}/profiles", json={
        "alias": "embed", "name": "Embed", "capability": "Embedding",
        "model": {"providerId": "anthropic", "modelId": "claude"}, "connectionId": claude["id"]})
    assert list(assert_problem(response, 400)["errors"]) == ["capability"]


def test_details_name_the_field(client, connection):
    body = {"alias": "p", "name": "P", "capability": "Chat", "connectionId": connection["id"],
            "model": "gpt-4o", "tags": [1]}
    problem = assert_problem(client.post(f"{BASE}/profiles", json=body), 400)
    assert problem["errors"] == {"model": ["Expected a JSON object."], "tags.0": ["Not a valid string."]}
    assert problem["detail"] == "model: Expected a JSON object."


def test_embedding_settings(client, connection, create_profile):
    profile = create_profile(alias="embed", capability="Embedding", settings={"$type": "embedding"})
    assert profile["settings"] == {"$type": "embedding"}
    response = client.post(f"{BASE}/profiles", json={
        "alias": "embed-2", "name": "E", "capability": "Embedding", "connectionId": connection["id"],
        "model": {"providerId": "openai", "modelId": "text-embedding-3"},
        "settings": {"$type": "embedding", "temperature": 1}})
    assert "settings.temperature" in assert_problem(response, 400)["errors"]


def test_duplicate_alias_is_400(client, connection, create_profile):
    create_profile()
    response = client.post(f"{BASE}/profiles", json={
        "alias": "chat-default", "name": "Again", "capability": "Chat", "connectionId": connection["id"],
        "model": {"providerId": "openai", "modelId": "gpt-4o"}})
    body = assert_problem(response, 400, "A profile with alias 'chat-default' already exists")
    assert list(body["errors"]) == ["alias"]


def test_a_profile_alias_may_equal_a_connection_alias(create_profile):
    assert create_profile(alias="openai-prod")["alias"] == "openai-prod"


def test_put_moves_the_profile_to_another_connection(client, create_connection, create_profile):
    profile = create_profile()
    other = create_connection(alias="claude", providerId="anthropic", settings={"apiKey": "sk-ant-abcdefgh"})
    url = f"{BASE}/profiles/chat-default"
    wrong_model = client.put(url, json={"connectionId": other["id"]})
    assert list(assert_problem(wrong_model, 400)["errors"]) == ["model.providerId"]
    moved = client.put(url, json={"connectionId": other["id"],
                                  "model": {"providerId": "anthropic", "modelId": "claude-sonnet"}})
    assert moved.status_code == 200 and moved.headers["ETag"] == '"2"'
    body = moved.get_json()
    assert body["connectionId"] == other["id"] and body["version"] == 2
    assert body["name"] == profile["name"] and body["dateCreated"] == profile["dateCreated"]


def test_put_is_partial_and_accepts_what_get_returned(client, create_profile):
    profile = create_profile(settings={"$type": "chat", "temperature": 1})
    url = f"{BASE}/profiles/{profile['id']}"
    renamed = client.put(url, json={"name": "Renamed", "tags": ["a", "b"]}).get_json()
    assert renamed["settings"] == profile["settings"] and renamed["tags"] == ["a", "b"]
    round_trip = client.put(url, json={**renamed, "version": 1, "capability": "chat"})
    assert round_trip.status_code == 200 and round_trip.get_json()["version"] == 3
    cleared = client.put(url, json={"settings": None}).get_json()
    assert cleared["settings"] is None


@pytest.mark.parametrize("field, value", [("alias", "other"), ("capability", "Embedding"),
                                          ("id", SEED_ID)])
def test_put_cannot_change_read_only_fields(client, create_profile, field, value):
    profile = create_profile()
    response = client.put(f"{BASE}/profiles/{profile['id']}", json={field: value, "name": "x"})
    assert list(assert_problem(response, 400)["errors"]) == [field]
    assert client.get(f"{BASE}/profiles/{profile['id']}").get_json() == profile


def test_put_to_a_missing_connection_is_404_and_changes_nothing(client, create_profile):
    profile = create_profile()
    response = client.put(f"{BASE}/profiles/chat-default", json={"connectionId": SEED_ID})
    assert_problem(response, 404, f"Connection with ID '{SEED_ID}' not found")
    assert client.get(f"{BASE}/profiles/chat-default").get_json() == profile


def test_put_and_delete_honour_if_match(client, create_profile):
    create_profile()
    url = f"{BASE}/profiles/chat-default"
    assert_problem(client.put(url, json={"name": "x"}, headers={"If-Match": '"2"'}), 412)
    assert_problem(client.delete(url, headers={"If-Match": '"2"'}), 412)
    assert client.delete(url, headers={"If-Match": '"1"'}).status_code == 200


def test_delete_by_alias_then_404(client, create_profile):
    create_profile()
    response = client.delete(f"{BASE}/profiles/CHAT-DEFAULT")
    assert (response.status_code, response.data, response.headers["Content-Length"]) == (200, b"", "0")
    assert_problem(client.delete(f"{BASE}/profiles/chat-default"), 404,
                   "Profile with alias 'chat-default' not found")
    assert_problem(client.delete(f"{BASE}/profiles/{SEED_ID}"), 404,
                   f"Profile with ID '{SEED_ID}' not found")


def test_list_pages_and_filters(client, create_connection, create_profile, connection):
    other = create_connection(alias="other", settings={"apiKey": "sk-abcdefghijk"})
    create_profile(alias="b", name="Beta")
    create_profile(alias="a", name="alpha", capability="Embedding")
    create_profile(alias="c", name="Gamma", connectionId=other["id"])

    def aliases(query=""):
        response = client.get(f"{BASE}/profiles?{query}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return [p["alias"] for p in body["items"]], body["total"]

    assert aliases() == (["a", "b", "c"], 3)
    assert aliases("skip=1&take=1") == (["b"], 3)
    assert aliases("filter=ET") == (["b"], 1)
    assert aliases("capability=chat") == (["b", "c"], 2)
    assert aliases(f"connectionId={other['id'].upper()}") == (["c"], 1)
    assert aliases(f"connectionId={SEED_ID}") == ([], 0)
    for bad, field in (("connectionId=abc", "connectionId"), ("capability=x", "capability"),
                       ("take=5000", "take"), ("filter=", "filter")):
        assert field in assert_problem(client.get(f"{BASE}/profiles?{bad}"), 400)["errors"]
