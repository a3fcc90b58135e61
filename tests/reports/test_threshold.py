"""Suppression at k − 1, k and k + 1 people, through the whole report."""

import datetime as dt

import pytest

from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.reports.scope import Scope
from timebank.services import banks, ledger, members, reports

JOINED = dt.datetime(2025, 1, 6, 9)
NOW = dt.datetime(2026, 3, 1, 12)


def ring_bank(n, k):
    """n citizens in a ring, each giving the next an hour in January 2026; threshold k."""
    bank = banks.create_bank(slug=f"ring-{n}-{k}", name="Ring", suppression_threshold=k,
                             now=JOINED)
    people = [members.create_member(bank, name=f"P{i}", group="citizen", status="active",
                                    now=JOINED) for i in range(n)]
    evaluator = members.create_member(bank, name="E", email=f"e{n}{k}@example.org",
                                      group="professional", role="evaluator", status="active",
                                      now=JOINED)
    for i, giver in enumerate(people):
        receiver = people[(i + 1) % n]
        ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=dt.date(2026, 1, 5 + i),
                                     transfers=(Transfer(receiver.account.id, giver.account.id,
                                                         60),)), now=NOW)
    db.session.expire_all()
    return evaluator


@pytest.mark.parametrize("k", [5, 10])
@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_figures_about_k_minus_1_people_are_hidden_and_k_or_more_shown(app, k, offset):
    n = k + offset
    evaluator = ring_bank(n, k)
    report = reports.reciprocity_report(evaluator, now=NOW, date_from=dt.date(2026, 1, 1),
                                        date_to=dt.date(2026, 2, 1))
    m = report["metrics"]
    shown = n >= k
    # n people, n exchanges of an hour; every one gave once and received once.
    assert (m["hours"], m["exchanges"]) == ((float(n), n) if shown else (None, None))
    assert m["members"] == (n if shown else None)
    assert m["active_members"] == (n if shown else None)
    assert m["two_way_share"] == (1.0 if shown else None)
    assert m["direct_reciprocity"] == (0.0 if shown else None)  # a ring: nobody gives back
    assert m["gini_given"] == (0.0 if shown else None)
    (january,) = report["monthly"]
    assert january == ({"month": "2026-01", "hours": float(n), "exchanges": n,
                        "active_members": n} if shown else
                       {"month": "2026-01", "hours": None, "exchanges": None,
                        "active_members": None})
    assert ("hours" in report["suppressed"]) is not shown
    assert ("monthly[2026-01]" in report["suppressed"]) is not shown


def test_a_report_never_uses_a_threshold_below_5():
    scope = Scope(bank_id=1, pool_id=1, date_from=dt.date(2026, 1, 1),
                  date_to=dt.date(2026, 2, 1), threshold=3)
    assert scope.k == 5
