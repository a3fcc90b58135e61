"""Coordinator use cases: alerts, decisions that need a reason, a bank with its coordinator."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.support.factories import make_bank, make_member, post_exchange
from timebank.extensions import db
from timebank.models import AuditEvent, Bank, Member
from timebank.models._types import utcnow
from timebank.services import alerts, audit, coordination, exchanges, members
from timebank.services.errors import Forbidden, InvalidTransition, ValidationFailed


@pytest.fixture
def bank(app):
    return make_bank()


@pytest.fixture
def coordinator(bank):
    return make_member(bank, "Coordinator", role="coordinator")


def test_alerts_near_floor_one_way_and_dormant(bank, coordinator):
    now = utcnow()
    giver, taker, quiet, new = (make_member(bank, n) for n in ("Giver", "Taker", "Quiet", "New"))
    post_exchange(bank, giver, taker, 550, occurred_on=now.date(), now=now)
    long_ago = now.date() - dt.timedelta(days=bank.dormant_days + 5)
    post_exchange(bank, quiet, giver, 30, occurred_on=long_ago, now=now)
    post_exchange(bank, giver, quiet, 30, occurred_on=long_ago, now=now)
    found = alerts.member_alerts(coordinator, [giver, taker, quiet, new], now=now)
    assert found[taker.id] == ["near_floor", "only_receives"]
    assert found[giver.id] == []
    assert found[quiet.id] == ["dormant"]
    assert found[new.id] == []


def test_reversed_exchanges_do_not_count_for_alerts(bank, coordinator):
    now = utcnow()
    a, b = make_member(bank, "A"), make_member(bank, "B")
    exchange = exchanges.log(coordinator, provider_id=a.id, receiver_id=b.id, minutes=60,
                             occurred_on=now.date(), now=now)
    assert alerts.member_alerts(coordinator, [a], now=now)[a.id] == ["only_gives"]
    exchanges.reverse(coordinator, exchange.id, reason="Wrong people", now=now)
    assert alerts.member_alerts(coordinator, [a], now=now)[a.id] == []


def test_alerts_are_for_coordinators(bank):
    member = make_member(bank)
    with pytest.raises(Forbidden):
        alerts.member_alerts(member, [member], now=utcnow())


def test_declining_needs_a_pending_member_and_a_reason(bank, coordinator):
    newcomer = make_member(bank, "Newcomer", status="pending")
    with pytest.raises(ValidationFailed) as refusal:
        coordination.decline_member(coordinator, newcomer.id, reason=" ", now=utcnow())
    assert "reason" in refusal.value.errors
    declined = coordination.decline_member(coordinator, newcomer.id, reason="Lives elsewhere",
                                           now=utcnow())
    assert declined.status == "left"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "member.changed"))
    assert event.reason == "Lives elsewhere" and event.details["after"] == {"status": "left"}
    with pytest.raises(InvalidTransition):
        coordination.decline_member(coordinator, newcomer.id, reason="again", now=utcnow())


def test_role_status_and_limit_changes_need_a_reason_but_names_do_not(bank, coordinator):
    member = make_member(bank, "Someone")
    for change in ({"role": "coordinator"}, {"status": "suspended"}, {"floor_minutes": -120}):
        with pytest.raises(ValidationFailed) as refusal:
            coordination.manage_member(coordinator, member.id, change, reason="", now=utcnow())
        assert list(refusal.value.errors) == ["reason"]
    renamed, changed = coordination.manage_member(coordinator, member.id, {"name": "Someone Else",
                                                  "role": "member"}, reason="", now=utcnow())
    assert renamed.name == "Someone Else" and changed == {"name": "Someone Else"}
    _member, changed = coordination.manage_member(
        coordinator, member.id, {"floor_minutes": -120, "ceiling_minutes": None},
        reason="Agreed at the review", now=utcnow())
    assert changed == {"floor_minutes": -120}
    assert db.session.get(Member, member.id).account.floor_minutes == -120


def test_settings_changes_need_a_reason(bank, coordinator):
    with pytest.raises(ValidationFailed):
        coordination.change_settings(coordinator, {"confirmation_days": 21}, reason="",
                                     now=utcnow())
    _bank, nothing = coordination.change_settings(coordinator, {"confirmation_days": 14},
                                                  reason="", now=utcnow())
    assert nothing == {}
    _bank, changed = coordination.change_settings(coordinator, {"confirmation_days": 21},
                                                  reason="Members asked", now=utcnow())
    assert changed == {"confirmation_days": 21}
    assert audit.search(coordinator, action="bank.settings_changed").items[0].reason == \
        "Members asked"


def test_cancelling_for_a_coordinator_needs_a_reason(bank, coordinator):
    a, b = make_member(bank, "A"), make_member(bank, "B")
    logged = exchanges.log(a, provider_id=a.id, receiver_id=b.id, minutes=30,
                           occurred_on=utcnow().date(), now=utcnow())
    with pytest.raises(ValidationFailed):
        coordination.cancel_exchange(coordinator, logged.id, reason="", now=utcnow())
    cancelled = coordination.cancel_exchange(coordinator, logged.id, reason="Duplicate",
                                             now=utcnow())
    assert cancelled.status == "cancelled" and cancelled.reason == "Duplicate"


def test_a_bank_and_its_first_coordinator_are_created_together_or_not_at_all(bank):
    admin = make_member(bank, "Admin", is_admin=True)
    before = db.session.scalar(select(func.count(Bank.id)))
    with pytest.raises(ValidationFailed) as refusal:
        coordination.create_bank_with_coordinator(
            admin, slug="hillside", name="Hillside", coordinator_name="",
            email="c@hillside.example.org", password="a long enough phrase", now=utcnow())
    assert "coordinator_name" in refusal.value.errors
    assert db.session.scalar(select(func.count(Bank.id))) == before
    new_bank, first = coordination.create_bank_with_coordinator(
        admin, slug="hillside", name="Hillside", coordinator_name="Hana Hill",
        email="c@hillside.example.org", password="a long enough phrase", now=utcnow())
    assert first.role == "coordinator" and first.status == "active"
    assert first.bank_id == new_bank.id and first.user.password_hash
    with pytest.raises(Forbidden):
        coordination.create_bank_with_coordinator(
            first, slug="valley", name="Valley", coordinator_name="V", email="v@example.org",
            password="a long enough phrase", now=utcnow())


def test_people_are_active_members_who_exchange(bank, coordinator):
    make_member(bank, "Eve Evaluator", role="evaluator")
    make_member(bank, "Pat Pending", status="pending")
    alice = make_member(bank, "Alice")
    names = [m.name for m in coordination.people(coordinator)]
    assert names == ["Alice", "Coordinator"]
    assert [m.id for m in coordination.people(coordinator, q="ali")] == [alice.id]
    assert members.get(coordinator, alice.id).name == "Alice"
