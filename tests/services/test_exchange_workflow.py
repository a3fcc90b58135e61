"""Every allowed and every refused state transition of an exchange."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.models import Exchange, JournalEntry
from timebank.services import exchanges
from timebank.services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed

STATES = ("awaiting_confirmation", "awaiting_approval", "posted", "disputed", "cancelled",
          "expired", "reversed")
ACTIONS = ("confirm", "dispute", "approve", "cancel_by_logger", "cancel_by_coordinator",
           "reverse")
ALLOWED = {
    ("awaiting_confirmation", "confirm"): "posted",
    ("awaiting_confirmation", "dispute"): "disputed",
    ("awaiting_confirmation", "cancel_by_logger"): "cancelled",
    ("awaiting_confirmation", "cancel_by_coordinator"): "cancelled",
    ("awaiting_approval", "approve"): "posted",
    ("awaiting_approval", "cancel_by_coordinator"): "cancelled",
    ("disputed", "approve"): "posted",
    ("disputed", "cancel_by_coordinator"): "cancelled",
    ("posted", "reverse"): "reversed",
}
THRESHOLD = 120


@pytest.fixture
def people(app):
    bank = make_bank(approval_threshold_minutes=THRESHOLD)
    return {"bank": bank, "ann": make_member(bank), "bob": make_member(bank),
            "coord": make_member(bank, role="coordinator"), "eve": make_member(bank)}


def exchange_in(state, p):
    """An exchange where Ann gave Bob time, logged by Ann, brought into `state`."""
    minutes = THRESHOLD + 60 if state == "awaiting_approval" else 60
    ex = exchanges.log(p["ann"], provider_id=p["ann"].id, receiver_id=p["bob"].id,
                       minutes=minutes, occurred_on=NOW.date(), description="Gardening", now=NOW)
    if state in ("awaiting_approval", "posted", "reversed"):
        exchanges.confirm(p["bob"], ex.id, now=NOW)
    if state == "disputed":
        exchanges.dispute(p["bob"], ex.id, reason="It was 30 minutes", now=NOW)
    if state == "cancelled":
        exchanges.cancel(p["ann"], ex.id, now=NOW)
    if state == "expired":
        exchanges.expire_due(now=NOW + dt.timedelta(days=15))
    if state == "reversed":
        exchanges.reverse(p["coord"], ex.id, reason="Logged twice", now=NOW)
    assert status_of(ex.id) == state
    return ex.id


def status_of(exchange_id):
    db.session.rollback()
    return db.session.get(Exchange, exchange_id).status


def entries():
    db.session.rollback()
    return db.session.scalar(select(func.count(JournalEntry.id)))


def act(action, exchange_id, p):
    later = NOW + dt.timedelta(hours=1)
    match action:
        case "confirm":
            return exchanges.confirm(p["bob"], exchange_id, now=later)
        case "dispute":
            return exchanges.dispute(p["bob"], exchange_id, reason="wrong", now=later)
        case "approve":
            return exchanges.approve(p["coord"], exchange_id, now=later)
        case "cancel_by_logger":
            return exchanges.cancel(p["ann"], exchange_id, now=later)
        case "cancel_by_coordinator":
            return exchanges.cancel(p["coord"], exchange_id, reason="duplicate", now=later)
        case "reverse":
            return exchanges.reverse(p["coord"], exchange_id, reason="mistake", now=later)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_transition(people, state, action):
    exchange_id = exchange_in(state, people)
    before = entries()
    expected = ALLOWED.get((state, action))
    if expected is None:
        with pytest.raises(InvalidTransition):
            act(action, exchange_id, people)
        assert status_of(exchange_id) == state
        assert entries() == before
        return
    act(action, exchange_id, people)
    assert status_of(exchange_id) == expected
    posts = expected in ("posted", "reversed")
    assert entries() == before + (1 if posts else 0)


def test_posting_moves_both_balances_and_links_the_entry(people):
    exchange_id = exchange_in("posted", people)
    db.session.rollback()
    exchange = db.session.get(Exchange, exchange_id)
    assert (people["ann"].account.balance, people["bob"].account.balance) == (60, -60)
    assert exchange.entry.exchange_id == exchange_id
    assert exchange.entry.transfers[0].minutes == 60


def test_the_logger_cannot_confirm_or_dispute_their_own_record(people):
    exchange_id = exchange_in("awaiting_confirmation", people)
    with pytest.raises(Forbidden):
        exchanges.confirm(people["ann"], exchange_id, now=NOW)
    with pytest.raises(Forbidden):
        exchanges.dispute(people["ann"], exchange_id, reason="x", now=NOW)
    assert status_of(exchange_id) == "awaiting_confirmation"


def test_outsiders_cannot_see_or_touch_an_exchange(people):
    exchange_id = exchange_in("awaiting_confirmation", people)
    for action in (exchanges.confirm, exchanges.approve, exchanges.cancel):
        with pytest.raises(NotFound):
            action(people["eve"], exchange_id, now=NOW)
    stranger = make_member(make_bank(), role="coordinator")
    with pytest.raises(NotFound):
        exchanges.approve(stranger, exchange_id, now=NOW)
    with pytest.raises(Forbidden):
        exchanges.approve(people["bob"], exchange_id, now=NOW)
    assert status_of(exchange_id) == "awaiting_confirmation"


def test_a_coordinator_logging_for_others_posts_at_once(people):
    ex = exchanges.log(people["coord"], provider_id=people["ann"].id,
                       receiver_id=people["bob"].id, minutes=THRESHOLD + 30,
                       occurred_on=NOW.date() - dt.timedelta(days=40), now=NOW)
    assert ex.status == "posted"
    assert ex.entry is not None


def test_a_refused_confirmation_leaves_the_exchange_waiting(people):
    bank = people["bank"]
    poor = make_member(bank)
    from timebank.services import accounts

    accounts.set_limits(bank.id, poor.account.id, floor_minutes=-30, ceiling_minutes=None,
                        reason="test", now=NOW)
    ex = exchanges.log(people["ann"], provider_id=people["ann"].id, receiver_id=poor.id,
                       minutes=60, occurred_on=NOW.date(), now=NOW)
    from timebank.services.errors import LimitExceeded

    with pytest.raises(LimitExceeded):
        exchanges.confirm(poor, ex.id, now=NOW)
    assert status_of(ex.id) == "awaiting_confirmation"
    assert entries() == 0


@pytest.mark.parametrize(("field", "changes", "message"), [
    ("minutes", {"minutes": 0}, "more than 0"),
    ("minutes", {"minutes": 721}, "at most 720 minutes"),
    ("occurred_on", {"occurred_on": NOW.date() + dt.timedelta(days=1)}, "future"),
    ("occurred_on", {"occurred_on": NOW.date() - dt.timedelta(days=15)}, "coordinator"),
    ("receiver_id", {"receiver_id": "self"}, "themselves"),
    ("receiver_id", {"receiver_id": 999_999}, "no such member"),
    ("category", {"category": "Juggling"}, "no category called"),
    ("activity_id", {"activity_id": 424242}, "no such activity"),
    ("listing_id", {"listing_id": 424242}, "no such published listing"),
])
def test_bad_exchanges_are_refused_naming_the_field(people, field, changes, message):
    fields = dict(provider_id=people["ann"].id, receiver_id=people["bob"].id, minutes=60,
                  occurred_on=NOW.date())
    fields.update(changes)
    if fields["receiver_id"] == "self":
        fields["receiver_id"] = people["ann"].id
    with pytest.raises(ValidationFailed) as error:
        exchanges.log(people["ann"], now=NOW, **fields)
    assert field in error.value.errors
    assert message.lower() in " ".join(error.value.errors[field]).lower()
    db.session.rollback()
    assert db.session.scalar(select(func.count(Exchange.id))) == 0


def test_suspended_members_cannot_exchange(people):
    from timebank.services import members

    members.update(people["coord"], people["bob"].id, {"status": "suspended"}, reason="test",
                   now=NOW)
    with pytest.raises(ValidationFailed) as error:
        exchanges.log(people["ann"], provider_id=people["ann"].id, receiver_id=people["bob"].id,
                      minutes=30, occurred_on=NOW.date(), now=NOW)
    assert "suspended" in error.value.errors["receiver_id"][0]


def test_unconfirmed_exchanges_expire_after_the_window_and_lazily_on_read(people):
    exchange_id = exchange_in("awaiting_confirmation", people)
    assert exchanges.get(people["ann"], exchange_id, now=NOW + dt.timedelta(days=13)
                         ).status == "awaiting_confirmation"
    assert exchanges.get(people["ann"], exchange_id,
                         now=NOW + dt.timedelta(days=14, seconds=1)).status == "expired"
    with pytest.raises(InvalidTransition):
        exchanges.confirm(people["bob"], exchange_id, now=NOW + dt.timedelta(days=15))
