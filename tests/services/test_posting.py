"""Posting every kind of journal entry, and refusals that change nothing."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member, post_exchange
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Account, JournalEntry, LedgerHead
from timebank.models import Transfer as TransferRow
from timebank.services import accounts, banks, ledger, verification
from timebank.services.errors import InvalidTransition, LimitExceeded, ValidationFailed


def balances(*members):
    db.session.rollback()
    return [m.account.balance for m in members]


def entry_count():
    return db.session.scalar(select(func.count(JournalEntry.id)))


def test_an_exchange_credits_the_provider_and_debits_the_receiver(app):
    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    posted = post_exchange(bank, provider=ann, receiver=bob, minutes=90)
    assert balances(ann, bob) == [90, -90]
    assert posted.seq == 1
    entry = db.session.get(JournalEntry, posted.id)
    assert entry.kind == "exchange"
    assert [(t.debit_account_id, t.credit_account_id, t.minutes) for t in entry.transfers] == [
        (bob.account.id, ann.account.id, 90)
    ]
    assert verification.verify().ok


def test_every_kind_of_entry_posts_and_the_ledger_verifies(app):
    bank = make_bank()
    org = make_member(bank, group="organisation")
    ann, bob, cat = (make_member(bank) for _ in range(3))
    pool = banks.pool_account(bank.id)
    day = dt.date(2026, 5, 1)
    post_exchange(bank, ann, bob, 60)
    group = ledger.post(bank.id, Posting(
        kind=EntryKind.GROUP_CREDIT, occurred_on=day,
        transfers=tuple(Transfer(org.account.id, m.account.id, 120) for m in (ann, bob, cat)),
    ), now=NOW)
    ledger.post(bank.id, Posting(kind=EntryKind.DONATION, occurred_on=day,
                                 transfers=(Transfer(ann.account.id, pool.id, 30),)), now=NOW)
    ledger.post(bank.id, Posting(kind=EntryKind.GRANT, occurred_on=day,
                                 transfers=(Transfer(pool.id, cat.account.id, 20),)), now=NOW)
    ledger.reverse(bank.id, group.id, reason="Recorded for the wrong session", now=NOW)
    assert balances(org, ann, bob, cat) == [0, 30, -60, 20]
    db.session.expire_all()
    assert db.session.get(Account, pool.id).balance == 10
    kinds = db.session.scalars(select(JournalEntry.kind).order_by(JournalEntry.seq)).all()
    assert kinds == ["exchange", "group_credit", "donation", "grant", "reversal"]
    report = verification.verify()
    assert report.ok, report.as_dict()


def test_a_posting_past_the_floor_is_refused_and_changes_nothing(app):
    bank = make_bank(default_floor_minutes=-120)
    ann, bob = make_member(bank), make_member(bank)
    post_exchange(bank, ann, bob, 100)
    with pytest.raises(LimitExceeded) as error:
        post_exchange(bank, ann, bob, 21)
    assert error.value.code == "credit_limit_exceeded"
    assert error.value.account_id == bob.account.id
    assert balances(ann, bob) == [100, -100]
    assert entry_count() == 1
    assert db.session.get(LedgerHead, bank.id).last_seq == 1
    post_exchange(bank, ann, bob, 20)
    assert balances(ann, bob) == [120, -120]


def test_a_group_credit_is_all_or_nothing(app):
    bank = make_bank(default_floor_minutes=-100)
    org = make_member(bank, group="organisation")
    people = [make_member(bank) for _ in range(3)]
    with pytest.raises(LimitExceeded):
        ledger.post(bank.id, Posting(
            kind=EntryKind.GROUP_CREDIT, occurred_on=NOW.date(),
            transfers=tuple(Transfer(org.account.id, m.account.id, 40) for m in people),
        ), now=NOW)
    assert balances(org, *people) == [0, 0, 0, 0]
    assert db.session.scalar(select(func.count(TransferRow.id))) == 0


def test_a_ceiling_is_respected(app):
    bank = make_bank(default_ceiling_minutes=60)
    ann, bob = make_member(bank), make_member(bank)
    with pytest.raises(LimitExceeded, match="ceiling"):
        post_exchange(bank, ann, bob, 61)
    post_exchange(bank, ann, bob, 60)
    assert balances(ann, bob) == [60, -60]


def test_accounts_of_another_bank_are_refused(app):
    one, two = make_bank(), make_bank()
    ann, stranger = make_member(one), make_member(two)
    with pytest.raises(ValidationFailed):
        post_exchange(one, ann, stranger, 30)
    assert balances(ann, stranger) == [0, 0]
    assert entry_count() == 0


def test_sequence_numbers_and_chains_are_per_bank(app):
    one, two = make_bank(), make_bank()
    a1, b1, a2, b2 = make_member(one), make_member(one), make_member(two), make_member(two)
    seqs = [post_exchange(one, a1, b1, 10).seq, post_exchange(two, a2, b2, 10).seq,
            post_exchange(one, b1, a1, 10).seq]
    assert seqs == [1, 1, 2]
    assert verification.verify(one.slug).ok and verification.verify(two.slug).ok


def test_an_entry_is_reversed_at_most_once_and_a_reversal_not_at_all(app):
    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    posted = post_exchange(bank, ann, bob, 45)
    reversal = ledger.reverse(bank.id, posted.id, reason="Logged twice", now=NOW)
    with pytest.raises(InvalidTransition, match="already been reversed"):
        ledger.reverse(bank.id, posted.id, reason="again", now=NOW)
    with pytest.raises(InvalidTransition, match="cannot itself be reversed"):
        ledger.reverse(bank.id, reversal.id, reason="undo the undo", now=NOW)
    assert balances(ann, bob) == [0, 0]
    assert db.session.get(JournalEntry, reversal.id).reverses_id == posted.id


def test_a_reversal_obeys_the_limits_until_the_floor_is_lowered(app):
    bank = make_bank(default_floor_minutes=-60)
    ann, bob, cat, dan = (make_member(bank) for _ in range(4))
    first = post_exchange(bank, ann, bob, 60)
    post_exchange(bank, cat, ann, 60)
    post_exchange(bank, dan, ann, 60)
    assert balances(ann) == [-60]
    with pytest.raises(LimitExceeded):
        ledger.reverse(bank.id, first.id, reason="mistake", now=NOW)
    assert balances(ann, bob) == [-60, -60]
    accounts.set_limits(bank.id, ann.account.id, floor_minutes=-120, ceiling_minutes=None,
                        reason="so the mistake can be reversed", now=NOW)
    ledger.reverse(bank.id, first.id, reason="mistake", now=NOW)
    assert balances(ann, bob) == [-120, 0]


def test_reversing_an_entry_of_another_bank_is_not_found(app):
    one, two = make_bank(), make_bank()
    posted = post_exchange(one, make_member(one), make_member(one), 30)
    from timebank.services.errors import NotFound

    with pytest.raises(NotFound):
        ledger.reverse(two.id, posted.id, reason="x", now=NOW)


def test_the_database_refuses_a_second_entry_for_the_same_exchange(app):
    from timebank.models import Exchange

    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    exchange = Exchange(bank_id=bank.id, status="posted", provider_id=ann.id,
                        receiver_id=bob.id, minutes=30, occurred_on=NOW.date(),
                        logged_by_id=ann.id)
    db.session.add(exchange)
    db.session.commit()
    posting = Posting(kind=EntryKind.EXCHANGE, occurred_on=NOW.date(), exchange_id=exchange.id,
                      transfers=(Transfer(bob.account.id, ann.account.id, 30),))
    ledger.post(bank.id, posting, now=NOW)
    with pytest.raises(InvalidTransition, match="already been posted"):
        ledger.post(bank.id, posting, now=NOW)
    assert balances(ann, bob) == [30, -30]
    assert entry_count() == 1
    assert verification.verify().ok


def test_an_aware_posting_time_is_stored_as_utc(app):
    import datetime as dt

    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    summer = dt.timezone(dt.timedelta(hours=1))
    posted = post_exchange(bank, ann, bob, 30, now=dt.datetime(2026, 6, 1, 13, 0, tzinfo=summer))
    assert posted.posted_at == dt.datetime(2026, 6, 1, 12, 0)
    assert db.session.get(JournalEntry, posted.id).posted_at == dt.datetime(2026, 6, 1, 12, 0)
    assert verification.verify().ok
