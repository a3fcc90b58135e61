import datetime as dt

import pytest

from timebank.ledger import (
    EntryKind,
    InvalidPosting,
    Posting,
    Transfer,
    net_changes,
    reversal_transfers,
)

DAY = dt.date(2026, 3, 2)


def test_transfer_moves_positive_whole_minutes_between_two_accounts():
    t = Transfer(debit=1, credit=2, minutes=90)
    assert (t.debit, t.credit, t.minutes) == (1, 2, 90)


@pytest.mark.parametrize("minutes", [0, -5])
def test_transfer_refuses_minutes_that_are_not_positive(minutes):
    with pytest.raises(InvalidPosting) as error:
        Transfer(1, 2, minutes)
    assert error.value.field == "minutes"


@pytest.mark.parametrize("minutes", [1.5, "60", True])
def test_transfer_refuses_minutes_that_are_not_whole_numbers(minutes):
    with pytest.raises(InvalidPosting):
        Transfer(1, 2, minutes)


def test_transfer_refuses_the_same_account_on_both_sides():
    with pytest.raises(InvalidPosting, match="itself"):
        Transfer(3, 3, 60)


def test_posting_needs_a_transfer():
    with pytest.raises(InvalidPosting, match="at least one transfer"):
        Posting(kind=EntryKind.EXCHANGE, occurred_on=DAY, transfers=())


def test_only_reversals_name_a_reversed_entry():
    with pytest.raises(InvalidPosting):
        Posting(kind=EntryKind.REVERSAL, occurred_on=DAY, transfers=(Transfer(1, 2, 5),))
    with pytest.raises(InvalidPosting):
        Posting(kind=EntryKind.EXCHANGE, occurred_on=DAY, transfers=(Transfer(1, 2, 5),),
                reverses_id=7)


def test_net_changes_adds_up_per_account_in_id_order():
    transfers = [Transfer(9, 2, 60), Transfer(9, 4, 60), Transfer(2, 9, 15)]
    assert list(net_changes(transfers).items()) == [(2, (15, 60)), (4, (0, 60)), (9, (120, 15))]


def test_every_posting_sums_to_zero():
    transfers = [Transfer(9, 2, 60), Transfer(9, 4, 30), Transfer(5, 9, 15)]
    total = sum(credits - debits for debits, credits in net_changes(transfers).values())
    assert total == 0


def test_reversal_mirrors_each_transfer():
    original = (Transfer(1, 2, 60), Transfer(1, 3, 30))
    assert reversal_transfers(original) == (Transfer(2, 1, 60), Transfer(3, 1, 30))
    changes = net_changes(original + reversal_transfers(original))
    assert all(d == c for d, c in changes.values())
