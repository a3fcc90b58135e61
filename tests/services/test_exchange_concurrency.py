"""Invariant I8: an exchange posts at most one entry, however many confirm or approve at once."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import current_app
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.models import Exchange, JournalEntry
from timebank.services import exchanges, verification
from timebank.services.errors import InvalidTransition

pytestmark = pytest.mark.slow
THREADS = 8


def at_once(action):
    """Run `action()` in THREADS threads released together; return results or errors."""
    flask_app = current_app._get_current_object()
    barrier = threading.Barrier(THREADS)

    def run(_):
        with flask_app.app_context():
            barrier.wait()
            try:
                return action().status
            except InvalidTransition:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, range(THREADS)))


def entry_count():
    db.session.rollback()
    return db.session.scalar(select(func.count(JournalEntry.id)))


def test_confirming_from_many_threads_posts_one_entry(app):
    bank = make_bank()
    ann, bob = make_member(bank), make_member(bank)
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=90,
                       occurred_on=NOW.date(), now=NOW)
    bob_id, exchange_id = bob.id, ex.id
    from timebank.models import Member

    results = at_once(lambda: exchanges.confirm(db.session.get(Member, bob_id), exchange_id,
                                                now=NOW))
    assert results.count("posted") == 1
    assert results.count("refused") == THREADS - 1
    assert entry_count() == 1
    assert db.session.get(Exchange, exchange_id).status == "posted"
    assert db.session.get(Member, bob_id).account.balance == -90
    assert verification.verify().ok


def test_approving_from_many_threads_posts_one_entry(app):
    bank = make_bank(approval_required=True)
    ann, bob = make_member(bank), make_member(bank)
    coordinators = [make_member(bank, role="coordinator").id for _ in range(2)]
    ex = exchanges.log(ann, provider_id=ann.id, receiver_id=bob.id, minutes=60,
                       occurred_on=NOW.date(), now=NOW)
    exchanges.confirm(bob, ex.id, now=NOW)
    exchange_id = ex.id
    from timebank.models import Member

    counter = iter(range(THREADS))
    lock = threading.Lock()

    def approve():
        with lock:
            who = coordinators[next(counter) % 2]
        return exchanges.approve(db.session.get(Member, who), exchange_id, now=NOW)

    results = at_once(approve)
    assert results.count("posted") == 1
    assert entry_count() == 1
    assert verification.verify().ok
