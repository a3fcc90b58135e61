"""The coordinator's day page lists exactly the members who only give, only receive or have
gone dormant in a small planted bank, with how to reach them, and counts what waits."""

import datetime as dt

import pytest

from tests.support.factories import NOW, make_bank, make_member, post_exchange
from timebank.extensions import db
from timebank.models import Member
from timebank.services import coordinator_today, exchanges, outbox
from timebank.services.errors import Forbidden
from timebank.services.transaction import unit_of_work

LONG_AGO = NOW.date() - dt.timedelta(days=400)


def days_ago(days):
    return NOW.date() - dt.timedelta(days=days)


@pytest.fixture
def planted(app):
    bank = make_bank()
    coord = make_member(bank, "Cora Coord", role="coordinator", group="professional")
    people = {name: make_member(bank, name, **extra) for name, extra in (
        ("Gail Giver", {}), ("Rhys Receiver", {"email": ""}), ("Xena Two-Way", {}),
        ("Yann Two-Way", {}), ("Dora Dormant", {}), ("Zak Never", {}),
        ("Nia Newcomer", {}), ("Eve Evaluator", {"role": "evaluator"}),
        ("Pat Pending", {"status": "pending"}))}
    for member in [coord, *people.values()]:
        if member.name not in ("Nia Newcomer", "Pat Pending"):
            db.session.get(Member, member.id).joined_on = LONG_AGO
    db.session.commit()
    p = people
    post_exchange(bank, p["Gail Giver"], p["Rhys Receiver"], 60, occurred_on=days_ago(10))
    post_exchange(bank, p["Xena Two-Way"], p["Yann Two-Way"], 30, occurred_on=days_ago(5))
    post_exchange(bank, p["Yann Two-Way"], p["Xena Two-Way"], 45, occurred_on=days_ago(4))
    post_exchange(bank, p["Dora Dormant"], p["Yann Two-Way"], 30, occurred_on=days_ago(200))
    post_exchange(bank, p["Yann Two-Way"], p["Dora Dormant"], 30, occurred_on=days_ago(199))
    logged = exchanges.log(p["Xena Two-Way"], provider_id=p["Xena Two-Way"].id,
                           receiver_id=p["Yann Two-Way"].id, minutes=20,
                           occurred_on=NOW.date(), now=NOW)
    exchanges.dispute(p["Yann Two-Way"], logged.id, reason="Not yet", now=NOW)
    with unit_of_work():
        message = outbox.enqueue(recipient="gone@example.org", subject="Hello", body="Hello",
                                 kind="test", bank_id=bank.id, now=NOW)
        message.failed_at = NOW
    return coord, p


def names(items):
    return {item["name"] for item in items}


def test_exactly_the_planted_members_are_listed(planted):
    coord, p = planted
    found = coordinator_today.today(coord, now=NOW)
    assert names(found["to_call"]["give_only"]) == {"Gail Giver"}
    assert names(found["to_call"]["receive_only"]) == {"Rhys Receiver"}
    assert names(found["to_call"]["dormant"]) == {"Dora Dormant"}
    [dora] = found["to_call"]["dormant"]
    assert (dora["last_exchange"], dora["email"]) == (days_ago(199), p["Dora Dormant"].email)
    [rhys] = found["to_call"]["receive_only"]
    assert rhys["email"] is None
    assert [m.name for m in found["new_members"]] == ["Nia Newcomer"]


def test_what_waits_is_counted(planted):
    coord, _people = planted
    found = coordinator_today.today(coord, now=NOW)
    assert found["counts"] == {"members": 1, "listings": 0, "to_approve": 0, "disputes": 1}
    assert [e.minutes for e in found["disputes"]] == [20]
    assert found["undelivered_mail"] == 1
    assert found["alert_counts"]["give_only"] == 1


def test_evaluators_and_members_may_not_see_it(planted):
    _coord, p = planted
    for who in ("Eve Evaluator", "Gail Giver"):
        with pytest.raises(Forbidden):
            coordinator_today.today(p[who], now=NOW)
