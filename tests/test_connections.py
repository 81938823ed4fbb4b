"""Create, read, list and update connections, as the contract describes them."""
import re

import pytest

from conftest import BASE, OPENAI, assert_problem

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def test_create_answers_201_with_location_etag_and_the_full_masked_connection(client):
    response = client.post(f"{BASE}/connections", json=OPENAI)
    assert response.status_code == 201
    body = response.get_json()
    assert GUID.match(body["id"])
    assert response.headers["Location"] == f"{BASE}/connections/{body['id']}"
    assert response.headers["ETag"] == '"1"'
    assert STAMP.match(body["dateCreated"]) and body["dateModified"] == body["dateCreated"]
    assert {k: v for k, v in body.items() if k not in ("id", "dateCreated", "dateModified")} == {
        "alias": "openai-prod", "name": "OpenAI Production", "providerId": "openai",
        "isActive": True, "version": 1,
        "settings": {"apiKey": "sk-***", "organizationId": None, "endpoint": None},
    }


def test_get_by_id_and_by_alias_any_case(client, create_connection):
    created = create_connection()
    for key in (created["id"], created["id"].upper(), "openai-prod", "OpenAI-Prod"):
        response = client.get(f"{BASE}/connections/{key}")
        assert response.status_code == 200
        assert response.headers["ETag"] == '"1"'
        assert response.get_json() == created


def test_get_unknown_alias_or_id_is_404(client):
    assert_problem(client.get(f"{BASE}/connections/nobody"), 404,
                   "Connection with alias 'nobody' not found")
    assert_problem(client.get(f"{BASE}/connections/3fa85f64-5717-4562-b3fc-2c963f66afa6"), 404,
                   "Connection with ID '3fa85f64-5717-4562-b3fc-2c963f66afa6' not found")


@pytest.mark.parametrize("secret, shown", [
    ("sk-proj-abcdefghijklmnop", "sk-***"),
    ("abcdefgh", "abc***"),
    ("abcdefg", "***"),
    ("$OpenAI:ApiKey", "$OpenAI:ApiKey"),
])
def test_sensitive_settings_are_masked_everywhere(client, create_connection, secret, shown):
    created = create_connection(settings={"apiKey": secret, "organizationId": "org-1"})
    assert created["settings"] == {"apiKey": shown, "organizationId": "org-1", "endpoint": None}
    assert client.get(f"{BASE}/connections/openai-prod").get_json()["settings"]["apiKey"] == shown
    put = client.put(f"{BASE}/connections/{created['id']}", json={"name": "Renamed"})
    assert put.get_json()["settings"]["apiKey"] == shown
    if shown != secret:
        for response in (client.get(f"{BASE}/connections"), client.get(f"{BASE}/connections/openai-prod")):
            assert secret.encode() not in response.data


def test_amazon_masks_both_keys(client, create_connection):
    created = create_connection(alias="bedrock", providerId="amazon", settings={
        "region": "eu-west-1", "accessKeyId": "AKIAABCDEFGHIJ", "secretAccessKey": "wJalrXUtnFEMI/K7MDENG"})
    assert created["settings"] == {"region": "eu-west-1", "accessKeyId": "AKI***",
                                   "secretAccessKey": "wJa***", "endpoint": None}


def test_masked_secret_round_trip_keeps_the_stored_secret(client, app, create_connection):
    created = create_connection()
    got = client.get(f"{BASE}/connections/{created['id']}").get_json()
    got["settings"]["endpoint"] = "https://example.invalid/v1"
    put = client.put(f"{BASE}/connections/{created['id']}", json=got)
    assert put.status_code == 200
    assert put.get_json()["settings"] == {"apiKey": "sk-***", "organizationId": None,
                                          "endpoint": "https://example.invalid/v1"}
    assert stored_settings(app, created["id"])["apiKey"] == "sk-proj-abcdefghijklmnop"


def test_any_other_value_replaces_the_secret(client, app, create_connection):
    created = create_connection()
    put = client.put(f"{BASE}/connections/{created['id']}", json={"settings": {"apiKey": "sk-new-secret-value"}})
    assert put.status_code == 200
    assert stored_settings(app, created["id"]) == {"apiKey": "sk-new-secret-value"}


def stored_settings(app, connection_id):
    import json
    import sqlite3
    with sqlite3.connect(app.config["DATABASE"]) as conn:
        return json.loads(conn.execute("SELECT settings FROM connections WHERE id = ?",
                                       (connection_id,)).fetchone()[0])


def test_put_is_partial_and_bumps_version(client, create_connection):
    created = create_connection()
    response = client.put(f"{BASE}/connections/{created['id']}", json={"isActive": False})
    assert response.status_code == 200
    assert response.headers["ETag"] == '"2"'
    body = response.get_json()
    assert body["isActive"] is False and body["version"] == 2 and body["name"] == "OpenAI Production"
    assert body["dateCreated"] == created["dateCreated"]
    renamed = client.put(f"{BASE}/connections/{created['id']}", json={"name": "  Spaced  "}).get_json()
    assert renamed["name"] == "Spaced" and renamed["isActive"] is False and renamed["version"] == 3


def test_put_accepts_read_only_fields_equal_to_the_stored_ones(client, create_connection):
    created = create_connection()
    sent = {**created, "id": created["id"].upper(), "alias": "OPENAI-PROD", "version": 99,
            "dateCreated": "2000-01-01T00:00:00Z", "name": "Back again"}
    response = client.put(f"{BASE}/connections/{created['id']}", json=sent)
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == 2 and body["dateCreated"] == created["dateCreated"]
    assert body["alias"] == "openai-prod" and body["name"] == "Back again"


@pytest.mark.parametrize("field, value", [
    ("id", "3fa85f64-5717-4562-b3fc-2c963f66afa6"), ("alias", "other"), ("alias", ""),
    ("providerId", "anthropic")])
def test_put_changing_a_read_only_field_is_400_and_changes_nothing(client, create_connection, field, value):
    created = create_connection()
    response = client.put(f"{BASE}/connections/{created['id']}", json={field: value, "name": "New"})
    body = assert_problem(response, 400)
    assert list(body["errors"]) == [field]
    assert client.get(f"{BASE}/connections/{created['id']}").get_json() == created


@pytest.mark.parametrize("body, field", [
    ({"colour": "red"}, "colour"),
    ({"isActive": "false"}, "isActive"),
    ({"isActive": 0}, "isActive"),
    ({"isActive": None}, "isActive"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 256}, "name"),
    ({"name": 5}, "name"),
    ({"settings": None}, "settings"),
    ({"settings": []}, "settings"),
    ({"settings": {}}, "settings.apiKey"),
    ({"settings": {"apiKey": 12345678}}, "settings.apiKey"),
    ({"settings": {"apiKey": "sk-abcdefghijk", "bogus": 1}}, "settings.bogus"),
    ({"settings": {"apiKey": "sk-abcdefghijk", "endpoint": {"nested": 1}}}, "settings.endpoint"),
    ({"version": "2"}, "version"),
])
def test_put_validation_errors_are_400_naming_the_field(client, create_connection, body, field):
    created = create_connection()
    response = client.put(f"{BASE}/connections/{created['id']}", json=body)
    problem = assert_problem(response, 400)
    assert field in problem["errors"]
    assert problem["detail"] in (problem["errors"][field][0], f"{field}: {problem['errors'][field][0]}")
    assert client.get(f"{BASE}/connections/{created['id']}").get_json() == created


def test_put_unknown_or_non_guid_id_is_404(client):
    assert_problem(client.put(f"{BASE}/connections/3fa85f64-5717-4562-b3fc-2c963f66afa6",
                              json={"isActive": False}), 404,
                   "Connection with ID '3fa85f64-5717-4562-b3fc-2c963f66afa6' not found")
    body = assert_problem(client.put(f"{BASE}/connections/openai-prod", json={"isActive": False}), 404)
    assert "takes a connection GUID, not an alias" in body["detail"]


def test_put_if_match(client, create_connection):
    created = create_connection()
    url = f"{BASE}/connections/{created['id']}"
    assert_problem(client.put(url, json={"name": "A"}, headers={"If-Match": '"9"'}), 412)
    assert client.get(url).get_json()["name"] == "OpenAI Production"
    assert client.put(url, json={"name": "A"}, headers={"If-Match": '"1"'}).status_code == 200
    assert client.put(url, json={"name": "B"}, headers={"If-Match": "*"}).status_code == 200


@pytest.mark.parametrize("overrides, field, detail", [
    ({"alias": None}, "alias", "Alias may not be null."),
    ({"providerId": "nope"}, "providerId", "Provider 'nope' not found"),
    ({"alias": "Upper"}, "alias", None),
    ({"alias": "double--hyphen"}, "alias", None),
    ({"alias": "-leading"}, "alias", None),
    ({"alias": "a" * 101}, "alias", "Alias must be 1 to 100 characters long."),
    ({"alias": "3fa85f6457174562b3fc2c963f66afa6"}, "alias", "Alias must not be a GUID."),
    ({"name": ""}, "name", None),
    ({"isActive": "yes"}, "isActive", "Is active must be true or false."),
    ({"settings": {"apiKey": ""}}, "settings.apiKey", "API Key is required."),
    ({"settings": {"apiKey": "sk-abcdefgh", "organizationId": [1]}}, "settings.organizationId", None),
    ({"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6"}, "id", None),
    ({"version": 1}, "version", None),
])
def test_create_validation(client, overrides, field, detail):
    body = assert_problem(client.post(f"{BASE}/connections", json={**OPENAI, **overrides}), 400)
    assert field in body["errors"]
    if detail:
        assert body["detail"] == detail and body["errors"][field] == [detail]
    assert client.get(f"{BASE}/connections").get_json()["total"] == 0


def test_unknown_fields_are_named(client):
    body = assert_problem(client.post(f"{BASE}/connections", json={**OPENAI, "version": 1}), 400,
                          "version: Unknown field.")
    assert body["errors"] == {"version": ["Unknown field."]}


@pytest.mark.parametrize("missing", ["alias", "name", "providerId", "settings"])
def test_create_missing_field(client, missing):
    body = {k: v for k, v in OPENAI.items() if k != missing}
    problem = assert_problem(client.post(f"{BASE}/connections", json=body), 400)
    assert missing in problem["errors"]


def test_create_missing_alias_says_alias_is_required(client):
    body = {k: v for k, v in OPENAI.items() if k != "alias"}
    problem = assert_problem(client.post(f"{BASE}/connections", json=body), 400, "Alias is required.")
    assert problem["errors"] == {"alias": ["Alias is required."]}


def test_duplicate_alias_is_400_case_insensitively(client, create_connection):
    create_connection()
    response = client.post(f"{BASE}/connections", json={**OPENAI, "alias": "openai-prod"})
    body = assert_problem(response, 400, "A connection with alias 'openai-prod' already exists")
    assert body["errors"] == {"alias": ["A connection with alias 'openai-prod' already exists"]}
    assert client.get(f"{BASE}/connections").get_json()["total"] == 1


def test_every_provider_accepts_its_required_settings(client):
    examples = {
        "openai": {"apiKey": "sk-abcdefghijk"},
        "anthropic": {"apiKey": "sk-ant-abcdefgh"},
        "google": {"apiKey": "AIzaSyabcdefgh"},
        "amazon": {"accessKeyId": "AKIAEXAMPLE1", "secretAccessKey": "secret-example-1"},
        "microsoft-foundry": {"endpoint": "https://x.services.ai.azure.com", "apiKey": "0123456789"},
    }
    for provider, settings in examples.items():
        response = client.post(f"{BASE}/connections", json={
            "alias": f"{provider}-1", "name": provider, "providerId": provider, "settings": settings})
        assert response.status_code == 201, response.get_json()
    foundry = client.post(f"{BASE}/connections", json={
        "alias": "foundry-2", "name": "f", "providerId": "microsoft-foundry", "settings": {"apiKey": "0123456789"}})
    assert "settings.endpoint" in assert_problem(foundry, 400)["errors"]


def test_list_orders_pages_and_filters(client, create_connection):
    create_connection(alias="b-openai", name="beta")
    create_connection(alias="a-claude", name="Alpha", providerId="anthropic", isActive=False)
    create_connection(alias="z-strasse", name="Straße 100%_x", providerId="google")
    create_connection(alias="c-alpha", name="alpha")
    listed = client.get(f"{BASE}/connections").get_json()
    assert listed["total"] == 4
    assert [i["alias"] for i in listed["items"]] == ["a-claude", "c-alpha", "b-openai", "z-strasse"]
    assert set(listed["items"][0]) == {"id", "alias", "name", "providerId", "isActive",
                                       "dateCreated", "dateModified", "version"}

    def aliases(query):
        response = client.get(f"{BASE}/connections?{query}")
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        return [i["alias"] for i in body["items"]], body["total"]

    assert aliases("skip=1&take=2") == (["c-alpha", "b-openai"], 4)
    assert aliases("take=0") == ([], 4)
    assert aliases("skip=10") == ([], 4)
    assert aliases("filter=ALPHA") == (["a-claude", "c-alpha"], 2)
    assert aliases("filter=STRASSE") == (["z-strasse"], 1)  # Unicode case folding: ß is ss
    assert aliases("filter=%25_") == (["z-strasse"], 1)  # % and _ are literal, not wildcards
    assert aliases("filter=%25") == (["z-strasse"], 1)
    assert aliases("filter=_") == (["z-strasse"], 1)
    assert aliases("providerId=anthropic") == (["a-claude"], 1)
    assert aliases("providerId=unknown") == ([], 0)
    assert aliases("capability=embedding") == (["c-alpha", "b-openai", "z-strasse"], 3)
    assert aliases("capability=CHAT&providerId=openai&take=1") == (["c-alpha"], 2)


@pytest.mark.parametrize("query, field", [
    ("skip=-1", "skip"), ("take=1001", "take"), ("take=-1", "take"), ("take=abc", "take"),
    ("skip=", "skip"), ("take=1.5", "take"), ("filter=", "filter"), ("providerId=", "providerId"),
    ("capability=Vision", "capability"), ("capability=", "capability"),
])
def test_list_rejects_bad_query_values(client, query, field):
    body = assert_problem(client.get(f"{BASE}/connections?{query}"), 400)
    assert field in body["errors"]


def test_capabilities_come_from_active_connections_only(client, create_connection):
    assert client.get(f"{BASE}/connections/capabilities").get_json() == []
    create_connection(alias="claude", providerId="anthropic", settings={"apiKey": "sk-ant-abcdefgh"})
    assert client.get(f"{BASE}/connections/capabilities").get_json() == ["Chat"]
    openai = create_connection(isActive=False)
    assert client.get(f"{BASE}/connections/capabilities").get_json() == ["Chat"]
    client.put(f"{BASE}/connections/{openai['id']}", json={"isActive": True})
    assert client.get(f"{BASE}/connections/capabilities").get_json() == ["Chat", "Embedding"]


def test_alias_exists(client, create_connection):
    created = create_connection()
    url = f"{BASE}/connections/OpenAI-Prod/exists"
    assert client.get(url).get_json() is True
    assert client.get(f"{BASE}/connections/other/exists").get_json() is False
    assert client.get(f"{url}?excludeId={created['id']}").get_json() is False
    assert client.get(f"{url}?excludeId={created['id'].upper()}").get_json() is False
    assert client.get(f"{url}?excludeId=3fa85f64-5717-4562-b3fc-2c963f66afa6").get_json() is True
    assert "excludeId" in assert_problem(client.get(f"{url}?excludeId=nope"), 400)["errors"]
