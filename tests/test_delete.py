"""DELETE /connections/{id}: the seed page, to the letter."""
import pytest

from conftest import BASE, PROBLEM, assert_problem

SEED_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


def test_delete_answers_empty_200_and_the_connection_is_gone(client, create_connection):
    connection = create_connection()
    response = client.delete(f"{BASE}/connections/{connection['id']}")
    assert response.status_code == 200
    assert response.headers["Content-Length"] == "0"
    assert response.data == b""
    assert "Content-Type" not in response.headers
    assert client.get(f"{BASE}/connections/{connection['id']}").status_code == 404
    assert client.get(f"{BASE}/connections").get_json() == {"items": [], "total": 0}


def test_unknown_id_is_the_seeds_exact_404(client):
    response = client.delete(f"{BASE}/connections/{SEED_ID}")
    assert response.status_code == 404
    assert response.content_type == PROBLEM
    assert response.get_json() == {
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4",
        "title": "Not Found",
        "status": 404,
        "detail": "Connection with ID '3fa85f64-5717-4562-b3fc-2c963f66afa6' not found",
    }


def test_second_delete_gets_the_seeds_404(client, create_connection):
    connection_id = create_connection()["id"]
    assert client.delete(f"{BASE}/connections/{connection_id}").status_code == 200
    second = client.delete(f"{BASE}/connections/{connection_id}")
    assert second.get_json() == {
        "type": "https://tools.ietf.org/html/rfc7231#section-6.5.4", "title": "Not Found",
        "status": 404, "detail": f"Connection with ID '{connection_id}' not found"}


@pytest.mark.parametrize("spell", [
    str.upper,
    lambda i: "{" + i + "}",
    lambda i: "{" + i.upper() + "}",
    lambda i: i.replace("-", ""),
    lambda i: "urn:uuid:" + i,
])
def test_any_guid_spelling_names_the_same_connection(client, create_connection, spell):
    connection_id = create_connection()["id"]
    assert client.delete(f"{BASE}/connections/{spell(connection_id)}").status_code == 200
    assert client.get(f"{BASE}/connections/{connection_id}").status_code == 404


@pytest.mark.parametrize("spell", [str.upper, lambda i: "{" + i.upper() + "}"])
def test_404_names_the_canonical_lowercase_id(client, spell):
    response = client.delete(f"{BASE}/connections/{spell(SEED_ID)}")
    assert response.get_json()["detail"] == f"Connection with ID '{SEED_ID}' not found"


@pytest.mark.parametrize("segment", ["openai-prod", "OPENAI-PROD", "not-a-guid", "12345",
                                     "3fa85f64-5717-4562-b3fc", "%E2%9C%93", "a%20b"])
def test_alias_or_garbage_is_a_404_that_says_a_guid_is_needed(client, create_connection, segment):
    connection = create_connection()
    response = client.delete(f"{BASE}/connections/{segment}")
    body = assert_problem(response, 404)
    assert set(body) == {"type", "title", "status", "detail"}
    assert "takes a connection GUID, not an alias" in body["detail"]
    # The connection that owns the alias is untouched.
    after = client.get(f"{BASE}/connections/{connection['id']}")
    assert after.status_code == 200
    assert after.get_json()["version"] == 1


def test_detail_names_what_was_given(client):
    body = client.delete(f"{BASE}/connections/openai-prod").get_json()
    assert body["detail"] == ("'openai-prod' is not a connection ID: DELETE /connections/{id} "
                              "takes a connection GUID, not an alias.")


def test_empty_segment_is_a_404_problem_and_collection_is_a_405(client):
    assert_problem(client.delete(f"{BASE}/connections/"), 404)
    response = client.delete(f"{BASE}/connections")
    assert_problem(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("if_match", ['"1"', "*", '"7", "1"', '"2","1"'])
def test_if_match_that_matches_deletes(client, create_connection, if_match):
    connection_id = create_connection()["id"]
    response = client.delete(f"{BASE}/connections/{connection_id}", headers={"If-Match": if_match})
    assert response.status_code == 200


@pytest.mark.parametrize("if_match", ['"2"', 'W/"1"', '"0", "3"', ""])
def test_if_match_that_does_not_match_is_412_and_deletes_nothing(client, create_connection, if_match):
    connection_id = create_connection()["id"]
    response = client.delete(f"{BASE}/connections/{connection_id}", headers={"If-Match": if_match})
    assert_problem(response, 412)
    assert response.get_json()["title"] == "Precondition Failed"
    assert client.get(f"{BASE}/connections/{connection_id}").status_code == 200


def test_if_match_follows_the_version_after_an_update(client, create_connection):
    connection_id = create_connection()["id"]
    put = client.put(f"{BASE}/connections/{connection_id}", json={"isActive": False})
    assert put.headers["ETag"] == '"2"'
    stale = client.delete(f"{BASE}/connections/{connection_id}", headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    fresh = client.delete(f"{BASE}/connections/{connection_id}", headers={"If-Match": put.headers["ETag"]})
    assert fresh.status_code == 200


def test_unknown_id_with_if_match_is_still_the_seeds_404(client):
    response = client.delete(f"{BASE}/connections/{SEED_ID}", headers={"If-Match": '"1"'})
    assert response.status_code == 404
    assert set(response.get_json()) == {"type", "title", "status", "detail"}


def test_delete_leaves_other_connections_alone(client, create_connection):
    first = create_connection()
    second = create_connection(alias="anthropic-prod", providerId="anthropic", name="Claude")
    assert client.delete(f"{BASE}/connections/{first['id']}").status_code == 200
    listed = client.get(f"{BASE}/connections").get_json()
    assert [item["id"] for item in listed["items"]] == [second["id"]]
