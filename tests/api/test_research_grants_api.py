"""Research grants and the member-level extract over HTTP, as the API contract gives them."""

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from tests.reports import golden
from timebank.extensions import db
from timebank.models import AuditEvent
from timebank.models._types import utcnow
from timebank.services import auth

MONTHS = "from=2026-01-01&to=2026-07-01"


@pytest.fixture
def bank(app):
    return golden.build()


def token_for(person):
    token, _ = auth.issue_token(person.email, golden.PASSWORD, hours=1, now=utcnow())
    return {"Authorization": f"Bearer {token}"}


def today():
    return utcnow().date()


def make_grant(client, bank, **overrides):
    body = {"evaluator_id": bank.V.id, "purpose": "Co-production review",
            "ends_on": (today() + dt.timedelta(days=30)).isoformat(), **overrides}
    return client.post("/api/v1/research-grants", json=body, headers=token_for(bank.Q))


def test_a_coordinator_grants_and_gets_the_contracts_answer(client, bank):
    response = make_grant(client, bank)
    assert response.status_code == 201
    body = response.get_json()
    assert list(body)[:5] == ["id", "evaluator_id", "purpose", "starts_on", "ends_on"]
    assert body["evaluator_id"] == bank.V.id and body["purpose"] == "Co-production review"
    assert body["starts_on"] == today().isoformat() and body["revoked_at"] is None
    assert "pseudonym_secret" not in body and "secret" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"evaluator_id": "A"}, "evaluator_id"),
    ({"purpose": ""}, "purpose"),
    ({"purpose": "   "}, "purpose"),
    ({"ends_on": "2020-01-01"}, "ends_on"),
    ({"ends_on": "9999-12-31"}, "ends_on"),
    ({"ends_on": "next week"}, "ends_on"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_grants_are_a_422_naming_the_field(client, bank, overrides, field):
    if overrides.get("evaluator_id") == "A":
        overrides = {"evaluator_id": bank.A.id}
    response = make_grant(client, bank, **overrides)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["code"] == "validation_error"
    assert set(response.get_json()["errors"]) == {field}
    assert client.get("/api/v1/research-grants",
                      headers=token_for(bank.Q)).get_json()["total"] == 0


def test_listing_and_revoking(client, bank):
    grant_id = make_grant(client, bank).get_json()["id"]
    for reader in (bank.Q, bank.V):
        listed = client.get("/api/v1/research-grants", headers=token_for(reader)).get_json()
        assert [g["id"] for g in listed["items"]] == [grant_id]
    revoked = client.post(f"/api/v1/research-grants/{grant_id}/revoke", headers=token_for(bank.Q))
    assert revoked.status_code == 200
    assert dt.datetime.fromisoformat(revoked.get_json()["revoked_at"]).utcoffset() == dt.timedelta(0)
    again = client.post(f"/api/v1/research-grants/{grant_id}/revoke", headers=token_for(bank.Q))
    assert again.status_code == 409 and again.get_json()["code"] == "invalid_transition"
    assert client.post("/api/v1/research-grants/999999/revoke",
                       headers=token_for(bank.Q)).status_code == 404


def rows(response):
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_extract_is_403_without_a_grant_and_after_revoking(client, bank):
    path = f"/api/v1/reports/members.csv?{MONTHS}"
    refused = client.get(path, headers=token_for(bank.V))
    assert refused.status_code == 403 and refused.get_json()["code"] == "forbidden"
    grant_id = make_grant(client, bank).get_json()["id"]
    taken = client.get(path, headers=token_for(bank.V))
    assert taken.status_code == 200 and taken.mimetype == "text/csv"
    assert len(rows(taken)) == len(golden.PEOPLE) - 1
    chosen = client.get(f"{path}&grant={grant_id}", headers=token_for(bank.V))
    assert chosen.status_code == 200
    assert [r["pseudonym"] for r in rows(chosen)] == [r["pseudonym"] for r in rows(taken)]
    client.post(f"/api/v1/research-grants/{grant_id}/revoke", headers=token_for(bank.Q))
    assert client.get(path, headers=token_for(bank.V)).status_code == 403
    assert client.get(f"{path}&grant={grant_id}", headers=token_for(bank.V)).status_code == 403
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert [a for a in actions if a.startswith("research")] == [
        "research_grant.granted", "research_extract.downloaded", "research_extract.downloaded",
        "research_grant.revoked"]


def test_the_extract_takes_whole_months_only(client, bank):
    response = client.get("/api/v1/reports/members.csv?from=2026-01-02&to=2026-07-01",
                          headers=token_for(bank.Q))
    assert response.status_code == 422 and set(response.get_json()["errors"]) == {"from"}


def test_the_openapi_document_describes_grants_and_the_extract(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    create = paths["/research-grants"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ResearchGrantCreate"}
    assert create["responses"]["201"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ResearchGrant"}
    assert "get" in paths["/research-grants"]
    assert "409" in paths["/research-grants/{grant_id}/revoke"]["post"]["responses"]
    parameters = {p["name"] for p in paths["/reports/members.csv"]["get"]["parameters"]}
    assert {"from", "to", "grant"} <= parameters
