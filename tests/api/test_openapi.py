"""The OpenAPI document is written from the endpoints' own declarations and schemas."""

import re

import pytest

from timebank import schemas
from timebank.api import bp

PUBLIC_PATHS = {"/tokens", "/password-reset", "/password-reset/confirm"}
STATUS_CODES = {"400", "401", "403", "404", "405", "409", "413", "415", "422", "429"}


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_it_is_an_openapi_3_document_of_this_api(app, document):
    assert document["openapi"].startswith("3.0")
    assert document["servers"] == [{"url": "/api/v1"}]
    assert document["components"]["securitySchemes"]["bearer"] == {"type": "http",
                                                                    "scheme": "bearer"}
    ids = [op["operationId"] for _, _, op in operations(document)]
    declared = {rule.endpoint.split(".", 1)[1] for rule in app.url_map.iter_rules()
                if rule.endpoint.startswith(bp.name + ".")
                and hasattr(app.view_functions[rule.endpoint], "api_doc")}
    assert len(ids) == len(set(ids)) and set(ids) == declared


def test_each_operation_is_described_with_its_refusals(document):
    for path, method, operation in operations(document):
        label = f"{method.upper()} {path}"
        assert operation["summary"] and operation["tags"], label
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        assert len(success) == 1, label
        refusals = {code for code in responses if not code.startswith("2")}
        assert refusals <= STATUS_CODES and "422" in refusals, label
        for code in refusals:
            content = responses[code]["content"]
            assert content == {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}, (label, code)
        secured = operation["security"] == [{"bearer": []}]
        assert secured is (path not in PUBLIC_PATHS), label
        if secured:
            assert {"401", "403"} <= refusals, label
        if "{" in path:
            assert "404" in refusals, label
            [parameter] = [p for p in operation["parameters"] if p["in"] == "path"]
            assert parameter["schema"] == {"type": "integer", "minimum": 1,
                                           "maximum": schemas.MAX_ID}
        if "requestBody" in operation:
            assert {"400", "415", "422"} <= refusals, label
            assert operation["requestBody"]["required"] is True


def test_the_document_uses_the_schemas_the_code_uses(app, document):
    components = document["components"]["schemas"]
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(bp.name + ".") or rule.endpoint.endswith("openapi_document"):
            continue
        declaration = app.view_functions[rule.endpoint].api_doc
        path = re.sub(r"<int:(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = document["paths"][path][method.lower()]
            if declaration.body is not None:
                ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                name = ref.rsplit("/", 1)[1]
                assert name == declaration.body.__name__
                assert set(components[name]["properties"]) == {
                    f.data_key or n for n, f in declaration.body().load_fields.items()}
                assert components[name]["additionalProperties"] is False
            if declaration.response is not None:
                content = operation["responses"][str(declaration.status)]["content"]
                ref = content["application/json"]["schema"]["$ref"]
                assert ref.rsplit("/", 1)[1] == declaration.response.__name__
            if declaration.query is not None:
                names = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
                assert names == {f.data_key or n for n, f in declaration.query().fields.items()}


def test_paged_lists_and_problems_are_described(document):
    components = document["components"]["schemas"]
    for name in ("MemberPage", "StatementPage", "CategoryPage", "ActivityPage"):
        assert components[name]["required"] == ["items", "page", "per_page", "total"]
    statement_item = components["StatementItem"]["properties"]
    assert set(statement_item) == {"entry_id", "occurred_on", "posted_at", "kind",
                                   "counterparty_id", "minutes", "balance_after", "description"}
    assert statement_item["counterparty_id"]["nullable"] is True
    member = components["Member"]["properties"]
    assert all(member[k]["nullable"] for k in ("email", "balance_minutes", "ceiling_minutes"))
    problem = components["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "code"}
    assert {"validation_error", "not_found", "forbidden", "unauthenticated",
            "invalid_transition", "credit_limit_exceeded", "idempotency_key_reused",
            "rate_limited"} <= set(problem["properties"]["code"]["enum"])
    [per_page] = [p for p in document["paths"]["/members"]["get"]["parameters"]
                  if p["name"] == "per_page"]
    assert per_page["schema"]["maximum"] == 100 and per_page["description"]
    tokens = document["paths"]["/tokens"]["post"]["responses"]
    assert "Retry-After" in tokens["429"]["headers"]
