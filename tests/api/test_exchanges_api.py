"""The exchange workflow over HTTP: contract shapes, idempotency, and concurrency near a floor."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from tests.support.api import ApiClient, token_for
from tests.support.factories import make_bank, make_member
from tests.support.http import call
from timebank.extensions import db
from timebank.models import Exchange, JournalEntry
from timebank.models._types import utcnow
from timebank.services import accounts

EXCHANGE_KEYS = {"id", "status", "provider_id", "receiver_id", "minutes", "occurred_on",
                 "description", "category", "activity_id", "listing_id", "logged_by_id",
                 "entry_id", "reason", "created_at", "expires_at", "would_exceed_limit"}


@pytest.fixture
def bank(app):
    bank = make_bank(slug="riverside")
    from timebank.services import catalogue

    coordinator = make_member(bank, role="coordinator")
    catalogue.create_category(coordinator, name="Gardening", now=utcnow())
    return bank


@pytest.fixture
def ann(bank, client):
    return ApiClient(client, make_member(bank, "Ann"))


@pytest.fixture
def bob(bank, client):
    return ApiClient(client, make_member(bank, "Bob"))


@pytest.fixture
def coordinator(bank, client):
    return ApiClient(client, make_member(bank, "Cath", role="coordinator"))


def today():
    return utcnow().date().isoformat()


def new_exchange(ann, bob, headers=None, **changes):
    body = {"provider_id": ann.member.id, "receiver_id": bob.member.id, "minutes": 90,
            "occurred_on": today(), "description": "Dug the vegetable patch",
            "category": "Gardening"} | changes
    return ann.post("/exchanges", body, headers=headers)


def test_log_then_confirm_posts_and_moves_both_balances(ann, bob):
    created = new_exchange(ann, bob)
    assert created.status_code == 201
    body = created.get_json()
    assert set(body) == EXCHANGE_KEYS
    assert (body["status"], body["minutes"], body["category"], body["entry_id"]) == (
        "awaiting_confirmation", 90, "Gardening", None)
    waiting = bob.get("/me/waiting").get_json()
    assert [e["id"] for e in waiting["to_confirm"]] == [body["id"]]
    confirmed = bob.post(f"/exchanges/{body['id']}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.get_json()["status"] == "posted"
    assert confirmed.get_json()["entry_id"] is not None
    assert ann.get("/me").get_json()["balance_minutes"] == 90
    assert bob.get("/me").get_json()["balance_minutes"] == -90
    assert bob.get("/me/waiting").get_json()["to_confirm"] == []


def test_refusals_are_problems_with_codes(ann, bob, coordinator):
    created = new_exchange(ann, bob).get_json()
    own = ann.post(f"/exchanges/{created['id']}/confirm")
    assert own.status_code == 403 and own.get_json()["code"] == "forbidden"
    assert bob.post(f"/exchanges/{created['id']}/confirm").status_code == 200
    again = bob.post(f"/exchanges/{created['id']}/confirm")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"
    assert again.get_json()["code"] == "invalid_transition"
    no_reason = coordinator.post(f"/exchanges/{created['id']}/reverse", {})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["errors"]


def test_validation_errors_name_the_fields(ann, bob):
    tomorrow = (utcnow().date() + dt.timedelta(days=1)).isoformat()
    response = new_exchange(ann, bob, minutes=10_000, occurred_on=tomorrow, category="Juggling")
    assert response.status_code == 422
    problem = response.get_json()
    assert problem["code"] == "validation_error"
    assert {"minutes", "occurred_on", "category"} <= set(problem["errors"])
    wrong_type = new_exchange(ann, bob, minutes="ninety")
    assert wrong_type.status_code == 422 and "minutes" in wrong_type.get_json()["errors"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exchange.id))) == 0


def test_an_idempotency_key_replays_the_first_answer(ann, bob):
    first = new_exchange(ann, bob, headers={"Idempotency-Key": "abc-123"})
    replay = new_exchange(ann, bob, headers={"Idempotency-Key": "abc-123"})
    assert first.status_code == replay.status_code == 201
    assert replay.get_json() == first.get_json()
    assert replay.headers.get("Idempotent-Replayed") == "true"
    reused = new_exchange(ann, bob, minutes=30, headers={"Idempotency-Key": "abc-123"})
    assert reused.status_code == 409
    assert reused.get_json()["code"] == "idempotency_key_reused"
    other_user = new_exchange(bob, ann, headers={"Idempotency-Key": "abc-123"})
    assert other_user.status_code == 201
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exchange.id))) == 2


def test_the_same_key_sent_at_once_over_http_creates_one_exchange(bank, live_server):
    ann, bob = make_member(bank), make_member(bank)
    token = token_for(ann)
    body = {"provider_id": ann.id, "receiver_id": bob.id, "minutes": 45, "occurred_on": today()}
    db.session.rollback()

    def send(_):
        return call(live_server, "POST", "/exchanges", body, token,
                    headers={"Idempotency-Key": "same-at-once"})

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert {status for status, _ in answers} == {201}
    assert len({answer["id"] for _, answer in answers}) == 1
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exchange.id))) == 1


def test_concurrent_exchanges_never_take_an_account_past_its_floor(bank, live_server):
    coordinator = make_member(bank, role="coordinator")
    receiver = make_member(bank)
    accounts.set_limits(bank.id, receiver.account.id, floor_minutes=-300, ceiling_minutes=None,
                        reason="test", now=utcnow())
    givers = [make_member(bank).id for _ in range(12)]
    token, receiver_id = token_for(coordinator), receiver.id

    def give(giver_id):
        return call(live_server, "POST", "/exchanges",
                    {"provider_id": giver_id, "receiver_id": receiver_id, "minutes": 60,
                     "occurred_on": today()}, token)

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(give, givers))
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * 5 + [409] * 7
    assert {body["code"] for status, body in answers if status == 409} == {
        "credit_limit_exceeded"}
    status, me = call(live_server, "GET", f"/members/{receiver_id}", token=token)
    assert me["balance_minutes"] == -300
    db.session.rollback()
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 5
    status, report = call(live_server, "GET", "/ledger/verify", token=token)
    assert status == 200 and report["ok"] is True
