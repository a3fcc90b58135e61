"""The warning before an approval: computed with the ledger's own rule, right at the boundary,
and only for those who decide (members don't learn each other's balances)."""

import pytest

from tests.support.factories import NOW, make_bank, make_member, post_exchange
from timebank.extensions import db
from timebank.models import Account
from timebank.services import exchanges, limit_check
from timebank.services.errors import LimitExceeded

FLOOR = -600


@pytest.fixture
def bank(app):
    bank = make_bank(approval_required=True, default_floor_minutes=FLOOR)
    return {"bank": bank, "giver": make_member(bank, "Gail Giver"),
            "taker": make_member(bank, "Tom Taker"),
            "coord": make_member(bank, "Cora Coord", role="coordinator")}


def waiting_for_approval(p, minutes):
    logged = exchanges.log(p["giver"], provider_id=p["giver"].id, receiver_id=p["taker"].id,
                           minutes=minutes, occurred_on=NOW.date(), now=NOW)
    return exchanges.confirm(p["taker"], logged.id, now=NOW)


def test_exactly_to_the_floor_is_allowed_and_one_minute_more_is_not(bank):
    at_floor = waiting_for_approval(bank, -FLOOR)
    past_floor = waiting_for_approval(bank, -FLOOR + 1)
    assert limit_check.problems(at_floor) == []
    [problem] = limit_check.problems(past_floor)
    assert (problem.member_id, problem.side, problem.balance, problem.change, problem.limit,
            problem.balance_after) == (bank["taker"].id, "floor", 0, FLOOR - 1, FLOOR, FLOOR - 1)
    assert exchanges.present(at_floor, bank["coord"])["would_exceed_limit"] is False
    assert exchanges.present(past_floor, bank["coord"])["would_exceed_limit"] is True


def test_the_warning_agrees_with_the_posting(bank):
    past_floor = waiting_for_approval(bank, -FLOOR + 1)
    at_floor = waiting_for_approval(bank, -FLOOR)
    with pytest.raises(LimitExceeded):
        exchanges.approve(bank["coord"], past_floor.id, now=NOW)
    assert exchanges.approve(bank["coord"], at_floor.id, now=NOW).status == "posted"
    # now at the floor, even one minute more is refused, and said so beforehand
    one_more = waiting_for_approval(bank, 1)
    assert exchanges.present(one_more, bank["coord"])["would_exceed_limit"] is True
    with pytest.raises(LimitExceeded):
        exchanges.approve(bank["coord"], one_more.id, now=NOW)


def test_a_ceiling_is_checked_for_the_giver(bank):
    account = db.session.get(Account, bank["giver"].account.id)
    account.ceiling_minutes = 120
    db.session.commit()
    post_exchange(bank["bank"], bank["giver"], bank["coord"], 60)
    at_ceiling = waiting_for_approval(bank, 60)
    past_ceiling = waiting_for_approval(bank, 61)
    assert limit_check.problems(at_ceiling) == []
    [problem] = limit_check.problems(past_ceiling)
    assert (problem.member_id, problem.side, problem.balance, problem.balance_after,
            problem.limit) == (bank["giver"].id, "ceiling", 60, 121, 120)


def test_members_are_not_told_about_limits(bank):
    past_floor = waiting_for_approval(bank, -FLOOR + 1)
    assert exchanges.present(past_floor, bank["taker"])["would_exceed_limit"] is None
    assert exchanges.present(past_floor, bank["giver"])["would_exceed_limit"] is None
    assert exchanges.present(past_floor)["would_exceed_limit"] is None


def test_posted_exchanges_have_no_warning(bank):
    fine = waiting_for_approval(bank, 30)
    posted = exchanges.approve(bank["coord"], fine.id, now=NOW)
    assert exchanges.present(posted, bank["coord"])["would_exceed_limit"] is None
