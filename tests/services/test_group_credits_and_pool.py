"""Group credits (one entry, all or nothing), and donations to and grants from the pool."""

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from tests.support.plans import plan_of, statements_sent
from timebank.extensions import db
from timebank.models import JournalEntry
from timebank.services import banks, catalogue, group_credits, pool, verification
from timebank.services.errors import Forbidden, LimitExceeded, ValidationFailed


@pytest.fixture
def bank(app):
    bank = make_bank(default_floor_minutes=-300)
    bank.coordinator = make_member(bank, role="coordinator")
    bank.centre = make_member(bank, "Day Centre", group="organisation")
    bank.people = [make_member(bank) for _ in range(3)]
    return bank


def balances(*members):
    db.session.rollback()
    return [m.account.balance for m in members]


def test_an_organisation_credits_a_group_in_one_entry(bank):
    activity = catalogue.create_activity(bank.coordinator, name="Redesign group",
                                         level="co-design", now=NOW)
    result = group_credits.record(
        bank.coordinator, from_account=bank.centre.id, member_ids=[m.id for m in bank.people],
        minutes=90, occurred_on=NOW.date(), activity_id=activity.id,
        description="Workshop", now=NOW)
    assert balances(bank.centre, *bank.people) == [-270, 90, 90, 90]
    entry = db.session.get(JournalEntry, result["entry_id"])
    assert (entry.kind, len(entry.transfers), entry.activity_id) == (
        "group_credit", 3, activity.id)
    assert {t.activity_id for t in entry.transfers} == {activity.id}
    assert verification.verify().ok


def test_members_debited_for_time_received_from_one_provider(bank):
    group_credits.record(bank.coordinator, from_account=bank.centre.id,
                         member_ids=[m.id for m in bank.people], minutes=60,
                         occurred_on=NOW.date(), direction="members_received", now=NOW)
    assert balances(bank.centre, *bank.people) == [180, -60, -60, -60]


def test_a_group_credit_that_breaks_a_limit_posts_nothing(bank):
    with pytest.raises(LimitExceeded):
        group_credits.record(bank.coordinator, from_account=bank.centre.id,
                             member_ids=[m.id for m in bank.people], minutes=120,
                             occurred_on=NOW.date(), now=NOW)
    assert balances(bank.centre, *bank.people) == [0, 0, 0, 0]
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 0


def test_group_credit_input_is_checked(bank):
    with pytest.raises(ValidationFailed) as error:
        group_credits.record(bank.coordinator, from_account=bank.centre.id,
                             member_ids=[bank.centre.id, 999_999], minutes=60,
                             occurred_on=NOW.date(), activity_id=55_555, now=NOW)
    assert {"member_ids", "activity_id"} <= set(error.value.errors)
    with pytest.raises(Forbidden):
        group_credits.record(bank.people[0], from_account=bank.centre.id,
                             member_ids=[bank.people[1].id], minutes=60,
                             occurred_on=NOW.date(), now=NOW)


def test_donations_fill_the_pool_and_grants_empty_it(bank):
    giver, helped = bank.people[0], bank.people[1]
    pool.donate(giver, minutes=120, description="For people who need it", now=NOW)
    assert pool.view(giver)["balance_minutes"] == 120
    with pytest.raises(Forbidden):
        pool.grant(giver, member_id=helped.id, minutes=60, description="x", now=NOW)
    pool.grant(bank.coordinator, member_id=helped.id, minutes=90,
               description="Shopping while recovering", now=NOW)
    assert balances(giver, helped) == [-120, 90]
    assert pool.view(giver) == {"balance_minutes": 30, "floor_minutes": 0,
                                "donated_minutes": 120, "granted_minutes": 90}
    with pytest.raises(LimitExceeded):
        pool.grant(bank.coordinator, member_id=helped.id, minutes=31, description="x", now=NOW)
    group_credits.record(bank.coordinator, from_account="pool", member_ids=[helped.id],
                         minutes=30, occurred_on=NOW.date(), now=NOW)
    assert pool.view(giver)["balance_minutes"] == 0
    assert verification.verify().ok


def test_the_pool_account_is_found_through_its_own_index(bank):
    """Every report and fold looks the pool up: through the partial index of the one pool
    per bank, not by reading every account of the bank (a query whose test of is_pool
    isn't written as the index's predicate can't use that index)."""
    with statements_sent("FROM accounts") as seen:
        found = banks.pool_account(bank.id)
    assert found.is_pool and found.bank_id == bank.id
    (statement, parameters), = seen
    plan = plan_of(statement, parameters)
    assert "uq_accounts_one_pool_per_bank" in plan, plan
