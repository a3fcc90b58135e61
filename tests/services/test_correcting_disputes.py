"""Correcting a disputed exchange: the corrected minutes are what posts, in one transaction;
a refusal leaves nothing changed; both people are told; the audit log keeps before and after
without breaking its chain or keeping personal data erasure can't reach."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.models import AuditEvent, Exchange, JournalEntry, OutboxMessage, Transfer
from timebank.services import audit, erasure, exchanges, verification
from timebank.services.errors import (
    Forbidden,
    InvalidTransition,
    LimitExceeded,
    ValidationFailed,
)


@pytest.fixture
def p(app):
    bank = make_bank(default_floor_minutes=-120)
    return {"bank": bank, "dan": make_member(bank, "Dan Driver"),
            "alice": make_member(bank, "Alice Able"),
            "coord": make_member(bank, "Cora Coord", role="coordinator")}


def disputed(p, minutes=180, description="Lifts to the surgery"):
    logged = exchanges.log(p["dan"], provider_id=p["dan"].id, receiver_id=p["alice"].id,
                           minutes=minutes, occurred_on=NOW.date(), description=description,
                           now=NOW)
    return exchanges.dispute(p["alice"], logged.id, reason="It was one hour, not three",
                             now=NOW)


def counts():
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (JournalEntry, AuditEvent, OutboxMessage))


def corrections():
    return list(db.session.scalars(select(AuditEvent)
                                   .where(AuditEvent.action == "exchange.corrected")))


def test_the_corrected_minutes_post(p):
    exchange = disputed(p)
    day = NOW.date() - dt.timedelta(days=1)
    corrected = exchanges.correct(p["coord"], exchange.id, minutes=60, occurred_on=day,
                                  description="One lift", reason="Alice says it was one hour",
                                  now=NOW)
    assert (corrected.status, corrected.minutes, corrected.occurred_on,
            corrected.description) == ("posted", 60, day, "One lift")
    [transfer] = db.session.scalars(select(Transfer).where(
        Transfer.entry_id == corrected.entry.id))
    assert (transfer.minutes, transfer.occurred_on) == (60, day)
    assert (p["dan"].account.balance, p["alice"].account.balance) == (60, -60)
    [event] = corrections()
    assert event.facts == {
        "before": {"status": "disputed", "minutes": 180, "occurred_on": NOW.date().isoformat()},
        "after": {"status": "posted", "minutes": 60, "occurred_on": day.isoformat()}}
    assert event.details == {"before": {"description": "Lifts to the surgery"},
                             "after": {"description": "One lift"}}
    assert event.reason == "Alice says it was one hour"
    told = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "exchange_corrected")).all()
    assert {m.member_id for m in told} == {p["dan"].id, p["alice"].id}
    assert all("1 h" in m.body and "3 h" in m.body for m in told)
    assert verification.verify().ok


def test_only_the_minutes_may_change(p):
    exchange = disputed(p)
    corrected = exchanges.correct(p["coord"], exchange.id, minutes=45, reason="Shorter",
                                  now=NOW)
    assert (corrected.minutes, corrected.occurred_on, corrected.description) == (
        45, NOW.date(), "Lifts to the surgery")
    [event] = corrections()
    assert event.details == {}


def test_a_limit_refusal_leaves_nothing_changed(p):
    exchange = disputed(p, minutes=60)
    before = counts()
    with pytest.raises(LimitExceeded):
        exchanges.correct(p["coord"], exchange.id, minutes=121, description="Longer",
                          reason="It was longer", now=NOW)
    db.session.rollback()
    found = db.session.get(Exchange, exchange.id)
    assert (found.status, found.minutes, found.description, found.entry) == (
        "disputed", 60, "Lifts to the surgery", None)
    assert counts() == before
    assert (p["dan"].account.balance, p["alice"].account.balance) == (0, 0)


def test_bad_input_names_the_fields_and_changes_nothing(p):
    exchange = disputed(p)
    before = counts()
    with pytest.raises(ValidationFailed) as refused:
        exchanges.correct(p["coord"], exchange.id, minutes=0,
                          occurred_on=NOW.date() + dt.timedelta(days=1), reason="  ", now=NOW)
    assert set(refused.value.errors) == {"minutes", "occurred_on", "reason"}
    with pytest.raises(ValidationFailed) as too_long:
        exchanges.correct(p["coord"], exchange.id, minutes=30, description="x" * 2001,
                          reason="Why", now=NOW)
    assert set(too_long.value.errors) == {"description"}
    with pytest.raises(ValidationFailed) as control:
        exchanges.correct(p["coord"], exchange.id, minutes=30, description="Lift\x07",
                          reason="Why", now=NOW)
    assert set(control.value.errors) == {"description"}
    assert db.session.get(Exchange, exchange.id).status == "disputed"
    assert counts() == before


def test_only_a_coordinator_corrects_and_only_a_dispute(p):
    exchange = disputed(p)
    with pytest.raises(Forbidden):
        exchanges.correct(p["alice"], exchange.id, minutes=60, reason="Mine", now=NOW)
    exchanges.correct(p["coord"], exchange.id, minutes=60, reason="One hour", now=NOW)
    with pytest.raises(InvalidTransition):
        exchanges.correct(p["coord"], exchange.id, minutes=30, reason="Again", now=NOW)
    assert len(corrections()) == 1
    assert p["dan"].account.balance == 60


def test_erasure_redacts_what_people_wrote_and_the_chain_holds(p):
    exchange = disputed(p)
    exchanges.correct(p["coord"], exchange.id, minutes=60, description="Lift by Dan Driver",
                      reason="Dan Driver agrees it was one hour", now=NOW)
    erasure.erase(p["coord"], p["dan"].id, reason="member_request", now=NOW)
    [event] = corrections()
    assert event.details == {} and "Dan" not in event.reason
    assert event.facts["after"]["minutes"] == 60
    assert verification.verify().ok


def test_status_changes_are_audited_with_before_and_after(p):
    exchange = disputed(p, minutes=90)
    exchanges.approve(p["coord"], exchange.id, now=NOW)
    exchanges.reverse(p["coord"], exchange.id, reason="Recorded twice", now=NOW)
    facts = {e.action: e.facts for e in db.session.scalars(select(AuditEvent).where(
        AuditEvent.target_type == "exchange"))}
    assert facts["exchange.approved"] == {"before": {"status": "disputed"},
                                          "after": {"status": "posted"}}
    assert facts["exchange.reversed"] == {"before": {"status": "posted"},
                                          "after": {"status": "reversed"}}
    assert verification.verify().ok


def test_the_audit_log_can_show_one_member(p):
    exchange = disputed(p)
    exchanges.correct(p["coord"], exchange.id, minutes=60, reason="One hour", now=NOW)
    other = make_member(p["bank"], "Olga Other")
    about_alice = audit.search(p["coord"], member_id=p["alice"].id).items
    about_other = audit.search(p["coord"], member_id=other.id).items
    assert "exchange.corrected" in {e.action for e in about_alice}
    assert {(e.target_type, e.target_id) for e in about_other} <= {
        ("member", other.id), ("account", other.account.id)}
    assert "exchange.corrected" not in {e.action for e in about_other}
