"""GET /me/export, GET /members/{id}/export and POST /members/{id}/erase: who may, what
they answer, and that each is audited."""

import pytest
from sqlalchemy import select

from timebank.extensions import db
from timebank.models import AuditEvent


def get(client, world, actor, path):
    return client.get("/api/v1" + path, headers=world.headers(actor))


def erase(client, world, actor, member_id, body):
    return client.post(f"/api/v1/members/{member_id}/erase", headers=world.headers(actor),
                       json=body)


def audited(action):
    return [(e.actor_id, e.target_id) for e in db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def test_a_member_downloads_their_own_data(client, history):
    response = get(client, history, "member", "/me/export")
    assert response.status_code == 200
    body = response.get_json()
    assert body["profile"]["email"] == "ann@example.org"
    assert body["account"]["balance_minutes"] == 90 - 30 + 45 - 20
    assert len(body["statement"]) == 4
    assert "Bob Carter" not in response.get_data(as_text=True)
    assert "bob@example.org" not in response.get_data(as_text=True)
    assert audited("member.data_exported") == [(history.id("member"),) * 2]


@pytest.mark.parametrize("actor, status", [("other_member", 403), ("evaluator", 403),
                                           ("outsider", 404), ("coordinator", 200)])
def test_only_a_coordinator_of_the_bank_exports_someone_else(client, world, actor, status):
    response = get(client, world, actor, f"/members/{world.id('member')}/export")
    assert response.status_code == status
    if status == 200:
        assert response.get_json()["profile"]["name"] == "Ann Baker"
        assert audited("member.data_exported") == [(world.id("coordinator"), world.id("member"))]
    else:
        assert audited("member.data_exported") == []


@pytest.mark.parametrize("actor, status", [("member", 403), ("other_member", 403),
                                           ("evaluator", 403), ("outsider", 404)])
def test_only_a_coordinator_of_the_bank_erases(client, world, actor, status):
    response = erase(client, world, actor, world.id("member"), {"reason": "member_request"})
    assert response.status_code == status
    assert get(client, world, "coordinator", f"/members/{world.id('member')}").get_json()[
        "name"] == "Ann Baker"


@pytest.mark.parametrize("body", [{}, {"reason": "she asked"}, {"reason": None}])
def test_erasure_needs_a_reason_code(client, world, body):
    response = erase(client, world, "coordinator", world.id("member"), body)
    assert response.status_code == 422
    assert "reason" in response.get_json()["errors"]


def test_a_coordinator_erases_a_member_once(client, history):
    ann = history.id("member")
    response = erase(client, history, "coordinator", ann, {"reason": "member_request"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["id"], body["status"], body["balance_minutes"]) == (ann, "left", 0)
    member = get(client, history, "coordinator", f"/members/{ann}").get_json()
    assert (member["name"], member["email"], member["skills"]) == (f"Erased member {ann}",
                                                                   None, "")
    assert get(client, history, "member", "/me").status_code == 401
    reopened = client.patch(f"/api/v1/members/{ann}", headers=history.headers("coordinator"),
                            json={"status": "active", "reason": "Came back"})
    assert reopened.status_code == 409
    again = erase(client, history, "coordinator", ann, {"reason": "member_request"})
    assert again.status_code == 409
    assert audited("member.erased") == [(history.id("coordinator"), ann)]
    assert get(client, history, "coordinator", "/ledger/verify").get_json()["ok"] is True


def test_a_refused_balance_transfer_is_a_clear_409_and_changes_nothing(client, world):
    bob = world.id("other_member")
    client.post("/api/v1/exchanges", headers=world.headers("coordinator"),
                json={"provider_id": world.id("member"), "receiver_id": bob, "minutes": 60,
                      "occurred_on": "2026-06-01", "description": "Help for Bob"})
    response = erase(client, world, "coordinator", bob, {"reason": "member_request"})
    assert response.status_code == 409
    assert response.get_json()["code"] == "credit_limit_exceeded"
    assert "Nothing was erased" in response.get_json()["detail"]
    assert get(client, world, "coordinator", f"/members/{bob}").get_json()["name"] == "Bob Carter"
    assert audited("member.erased") == []


def test_the_new_settings_extend_patch_bank(client, world):
    response = client.patch("/api/v1/bank", headers=world.headers("coordinator"),
                            json={"erased_balance_to": "keep", "retention_days": 365,
                                  "reason": "our data policy"})
    assert response.status_code == 200
    assert (response.get_json()["erased_balance_to"],
            response.get_json()["retention_days"]) == ("keep", 365)
    for body, field in [({"erased_balance_to": "bin"}, "erased_balance_to"),
                        ({"retention_days": -1}, "retention_days")]:
        refused = client.patch("/api/v1/bank", headers=world.headers("coordinator"),
                               json=body | {"reason": "x"})
        assert refused.status_code == 422 and field in refused.get_json()["errors"]


def test_both_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "get" in paths["/me/export"]
    erase_doc = paths["/members/{member_id}/erase"]["post"]
    assert set(erase_doc["responses"]) >= {"200", "403", "404", "409", "422"}
