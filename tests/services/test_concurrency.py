"""Invariants I4 and I7 under concurrent writers: threads and processes, on both engines."""

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.support import workers
from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Account, JournalEntry
from timebank.services import idempotency, ledger, verification
from timebank.services.errors import IdempotencyKeyReused, LimitExceeded

pytestmark = pytest.mark.slow

K = 5
MINUTES = 60


def spender_and_givers(givers):
    """A receiver whose floor allows exactly K postings of MINUTES, and many givers."""
    bank = make_bank(default_floor_minutes=-K * MINUTES)
    receiver = make_member(bank)
    return bank, receiver, [make_member(bank).account.id for _ in range(givers)]


def balance(account_id):
    db.session.rollback()
    return db.session.get(Account, account_id).balance


def test_threads_spending_at_once_post_exactly_what_the_floor_allows(app):
    bank, receiver, givers = spender_and_givers(16)
    debit = receiver.account.id
    barrier = threading.Barrier(len(givers))
    flask_app = current_app._get_current_object()

    def attempt(credit):
        with flask_app.app_context():
            barrier.wait()
            try:
                ledger.post(bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=NOW.date(),
                                             transfers=(Transfer(debit, credit, MINUTES),)),
                            now=NOW)
                return True
            except LimitExceeded:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(len(givers)) as pool:
        results = list(pool.map(attempt, givers))
    assert results.count(True) == K
    assert balance(debit) == -K * MINUTES
    assert db.session.scalar(select(func.count(JournalEntry.id))) == K
    assert verification.verify().ok


def test_processes_spending_at_once_post_exactly_what_the_floor_allows(app, database_url):
    bank, receiver, givers = spender_and_givers(12)
    context = multiprocessing.get_context("spawn")
    start = context.Manager().Event()
    shares = [givers[i::4] for i in range(4)]
    with context.Pool(4) as pool:
        pending = [pool.apply_async(workers.spend, (database_url, bank.id, receiver.account.id,
                                                    share, MINUTES, start)) for share in shares]
        start.set()
        posted = sum(p.get(timeout=120) for p in pending)
    assert posted == K
    assert balance(receiver.account.id) == -K * MINUTES
    assert verification.verify().ok


def test_the_same_idempotency_key_sent_at_once_posts_once(app):
    bank = make_bank()
    giver, taker = make_member(bank), make_member(bank)
    user_id = giver.user_id
    fingerprint = idempotency.request_fingerprint("POST", "/exchanges", {"minutes": 30})
    flask_app = current_app._get_current_object()
    barrier = threading.Barrier(8)

    def attempt(_):
        with flask_app.app_context():
            barrier.wait()
            try:
                return idempotency.run_once(
                    user_id=user_id, key="same-key", request_hash=fingerprint,
                    operation=lambda: ledger.record_posting(
                        bank.id, Posting(kind=EntryKind.EXCHANGE, occurred_on=NOW.date(),
                                         transfers=(Transfer(taker.account.id,
                                                             giver.account.id, 30),)),
                        created_by_id=giver.id, now=NOW),
                    render=lambda posted: (201, {"entry_id": posted.id}),
                    now=NOW,
                )
            finally:
                db.session.remove()

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(attempt, range(8)))
    db.session.rollback()
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
    assert len({a.body["entry_id"] for a in answers}) == 1
    assert sorted(a.replayed for a in answers) == [False] + [True] * 7
    assert balance(giver.account.id) == 30
    with pytest.raises(IdempotencyKeyReused):
        idempotency.run_once(user_id=user_id, key="same-key", request_hash="0" * 64,
                             operation=lambda: None, render=lambda _: (201, {}), now=NOW)
    assert db.session.scalar(select(func.count(JournalEntry.id))) == 1
