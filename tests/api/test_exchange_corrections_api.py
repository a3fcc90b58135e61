"""Correcting a dispute and the limit warning over HTTP: the contract's shapes, errors that
name fields, a refusal that changes nothing, and a repeat that never posts twice."""

import pytest
from sqlalchemy import func, select

from tests.support.api import ApiClient
from tests.support.factories import make_bank, make_member
from timebank.extensions import db
from timebank.models import AuditEvent, Exchange, JournalEntry
from timebank.models._types import utcnow


@pytest.fixture
def people(app, client):
    bank = make_bank(default_floor_minutes=-120)
    return {name: ApiClient(client, make_member(bank, name, **extra)) for name, extra in (
        ("Ann", {}), ("Bob", {}), ("Cath", {"role": "coordinator"}))}


def disputed(people, minutes=180):
    ann, bob = people["Ann"], people["Bob"]
    created = ann.post("/exchanges", {"provider_id": ann.member.id,
                                      "receiver_id": bob.member.id, "minutes": minutes,
                                      "occurred_on": utcnow().date().isoformat()})
    exchange_id = created.get_json()["id"]
    assert bob.post(f"/exchanges/{exchange_id}/dispute",
                    {"reason": "One hour"}).status_code == 200
    return exchange_id


def entries():
    return db.session.scalar(select(func.count(JournalEntry.id)))


def test_coordinators_are_told_beforehand_and_members_are_not(people):
    exchange_id = disputed(people)
    assert people["Cath"].get(f"/exchanges/{exchange_id}").get_json()[
        "would_exceed_limit"] is True
    assert people["Bob"].get(f"/exchanges/{exchange_id}").get_json()[
        "would_exceed_limit"] is None
    [listed] = people["Cath"].get("/exchanges?status=disputed").get_json()["items"]
    assert listed["would_exceed_limit"] is True


def test_a_correction_posts_once(people):
    exchange_id = disputed(people)
    body = {"minutes": 60, "reason": "It was one hour", "description": "One lift"}
    response = people["Cath"].post(f"/exchanges/{exchange_id}/correct", body)
    assert response.status_code == 200
    answer = response.get_json()
    assert (answer["status"], answer["minutes"], answer["description"]) == (
        "posted", 60, "One lift")
    assert answer["entry_id"] is not None
    again = people["Cath"].post(f"/exchanges/{exchange_id}/correct", body)
    assert again.status_code == 409
    assert entries() == 1


def test_a_limit_refusal_changes_nothing(people):
    exchange_id = disputed(people)
    audited = db.session.scalar(select(func.count(AuditEvent.id)))
    response = people["Cath"].post(f"/exchanges/{exchange_id}/correct",
                                   {"minutes": 150, "reason": "Longer than that"})
    assert response.status_code == 409
    assert response.get_json()["code"] == "credit_limit_exceeded"
    db.session.expire_all()
    found = db.session.get(Exchange, exchange_id)
    assert (found.status, found.minutes) == ("disputed", 180)
    assert entries() == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == audited


def test_bad_input_names_the_fields(people):
    exchange_id = disputed(people)
    response = people["Cath"].post(f"/exchanges/{exchange_id}/correct",
                                   {"minutes": 0, "occurred_on": "tomorrow", "reason": ""})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) >= {"minutes", "occurred_on", "reason"}
    future = people["Cath"].post(f"/exchanges/{exchange_id}/correct",
                                 {"minutes": 30, "occurred_on": "2999-01-01", "reason": "x"})
    assert future.status_code == 422 and set(future.get_json()["errors"]) == {"occurred_on"}
    assert db.session.get(Exchange, exchange_id).status == "disputed"
