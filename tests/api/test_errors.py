"""Every refusal is application/problem+json with a stable code; no input makes a 500."""

import pytest

from tests.support.http import problem


@pytest.fixture
def coordinator(world):
    return world.headers("coordinator")


def send(client, headers, data, content_type="application/json", path="/api/v1/categories",
         method="POST"):
    return client.open(path, method=method, data=data, headers=headers, content_type=content_type)


@pytest.mark.parametrize("data", [
    '{"name": "Gardening"', "{'name': 'Gardening'}", "name=Gardening", '{"name": "a"} trailing',
    b"\xff\xfe{}", "[" * 100_000, '{"name": ' + "[" * 50_000 + "]" * 50_000 + "}",
    '{"name": ' + "1" * 5000 + "}", "null", "",
])
def test_a_body_that_is_not_json_is_400(client, coordinator, data):
    body = problem(send(client, coordinator, data), 400, "bad_request")
    assert "JSON" in body["detail"]


def test_a_missing_body_is_400_even_without_content_type(client, coordinator):
    problem(client.post("/api/v1/categories", headers=coordinator), 400, "bad_request")
    problem(client.patch("/api/v1/bank", headers=coordinator), 400, "bad_request")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/xml", "application/merge-patch+json",
])
def test_a_body_of_another_media_type_is_415(client, coordinator, content_type):
    body = problem(send(client, coordinator, '{"name": "Gardening"}', content_type), 415,
                   "unsupported_media_type")
    assert "application/json" in body["detail"]


def test_json_with_a_charset_is_fine(client, coordinator):
    response = send(client, coordinator, '{"name": "Gardening"}',
                    "application/json; charset=utf-8")
    assert response.status_code == 201


@pytest.mark.parametrize("data,field", [
    ('{"name": "Gardening", "colour": "green"}', "colour"),
    ('{"name": "Gardening", "": 1}', "(unnamed)"),
    ('{"name": "\\ud800"}', "name"),
    ('{"name": "Garden\\u0000ing"}', "name"),
    ('{"name": "Garden\\u001bing"}', "name"),
    ('{"name": NaN}', "name"),
    ('{"name": 1e999}', "name"),
    ('{"name": ["Gardening"]}', "name"),
    ('{"name": {"en": "Gardening"}}', "name"),
    ('["Gardening"]', "body"),
    ('"Gardening"', "body"),
    ("42", "body"),
])
def test_strange_values_are_422_naming_the_field(client, coordinator, data, field):
    body = problem(send(client, coordinator, data), 422, "validation_error")
    assert list(body["errors"]) == [field]


@pytest.mark.parametrize("value", [2**31, 2**63, 2**64 + 1, -(2**63) - 1, 10**100, 1e20, True])
def test_huge_and_odd_numbers_are_422(client, world, coordinator, value):
    response = client.patch(f"/api/v1/members/{world.id('member')}", headers=coordinator,
                            json={"floor_minutes": value, "reason": "Testing"})
    assert list(problem(response, 422, "validation_error")["errors"]) == ["floor_minutes"]
    response = client.patch("/api/v1/bank", headers=coordinator,
                            json={"max_exchange_minutes": value, "reason": "Testing"})
    assert list(problem(response, 422, "validation_error")["errors"]) == ["max_exchange_minutes"]


@pytest.mark.parametrize("path", [
    "/api/v1/members/99999999999999999999", "/api/v1/members/0", "/api/v1/members/-1",
    "/api/v1/members/abc", "/api/v1/members/1/statements", "/api/v1/nothing-here",
    "/api/v1/members/9223372036854775808/statement",
])
def test_unknown_addresses_are_404_problems(client, coordinator, path):
    problem(client.get(path, headers=coordinator), 404, "not_found")


@pytest.mark.parametrize("query,field", [
    ({"page": "99999999999999999999999"}, "page"), ({"q": "\x00"}, "q"),
    ({"q": "\x7f"}, "q"), ({"status": ""}, "status"),
])
def test_strange_query_values_are_422(client, coordinator, query, field):
    response = client.get("/api/v1/members", headers=coordinator, query_string=query)
    assert list(problem(response, 422, "validation_error")["errors"]) == [field]


def test_undecodable_query_bytes_are_read_as_replacement_characters(client, coordinator):
    for raw in ["%ED%A0%80", "%FF%FE", "%C0%AF"]:  # a UTF-16 surrogate, not UTF-8, overlong
        response = client.get("/api/v1/members?q=" + raw, headers=coordinator)
        assert response.status_code == 200 and response.get_json()["total"] == 0


def test_operations_without_parameters_refuse_a_query_string(client, coordinator):
    body = problem(client.get("/api/v1/me?verbose=1", headers=coordinator), 422,
                   "validation_error")
    assert body["errors"] == {"verbose": ["This address takes no query parameters."]}


def test_a_method_that_is_not_allowed_is_405_with_allow(client, coordinator):
    response = client.put("/api/v1/members", headers=coordinator, json={})
    problem(response, 405, "method_not_allowed")
    assert set(response.headers["Allow"].split(", ")) == {"GET", "POST", "HEAD", "OPTIONS"}
    problem(client.delete("/api/v1/bank", headers=coordinator), 405, "method_not_allowed")


def test_a_body_over_a_megabyte_is_413(client, coordinator):
    response = send(client, coordinator, '{"name": "' + "x" * (1024 * 1024) + '"}')
    problem(response, 413, "payload_too_large")


def test_refusals_carry_rfc_9457_fields_and_field_errors(client, world, coordinator):
    response = client.post("/api/v1/members", headers=coordinator,
                           json={"name": "", "group": "martian", "nickname": "x"})
    body = problem(response, 422, "validation_error")
    assert set(body) == {"type", "title", "status", "detail", "code", "errors"}
    assert body["type"] == "https://timebank.example/problems/validation-error"
    assert sorted(body["errors"]) == ["group", "name", "nickname"]
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)
    not_found = problem(client.get(f"/api/v1/members/{world.id('outsider')}", headers=coordinator),
                        404, "not_found")
    assert "errors" not in not_found and "Otto" not in not_found["detail"]


def test_the_api_never_answers_with_html(client, coordinator):
    for response in [client.get("/api/v1/nothing"), client.get("/api/v1/members/x"),
                     client.post("/api/v1/me", headers=coordinator)]:
        assert response.mimetype == "application/problem+json"
