"""Concurrent writers in one bank: limits hold, the chain stays whole (invariants I2–I4, I6)."""

import random
import threading

import pytest

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.models import Account
from timebank.services import ledger, verification
from timebank.services.errors import LimitExceeded


@pytest.mark.slow
def test_concurrent_postings_keep_limits_and_the_chain(app):
    bank = make_bank(default_floor_minutes=-90)
    account_ids = [make_member(bank).account.id for _ in range(4)]
    bank_id, slug = bank.id, bank.slug
    db.session.commit()  # the threads must not touch this session (on SQLite it would lock)
    outcomes = {"posted": 0, "refused": 0}
    failures = []
    lock = threading.Lock()

    def writer(seed):
        rng = random.Random(seed)
        with app.app_context():
            try:
                for _ in range(25):
                    debit, credit = rng.sample(account_ids, 2)
                    try:
                        ledger.post(bank_id, Posting(
                            kind=EntryKind.EXCHANGE, occurred_on=NOW.date(),
                            transfers=(Transfer(debit, credit, rng.choice((30, 45, 60))),),
                        ), now=NOW)
                        outcome = "posted"
                    except LimitExceeded:
                        outcome = "refused"
                    with lock:
                        outcomes[outcome] += 1
            except Exception as error:  # noqa: BLE001 - reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not failures, failures
    assert outcomes["posted"] + outcomes["refused"] == 100
    assert outcomes["posted"] > 0
    db.session.expire_all()
    balances = [db.session.get(Account, i).balance for i in account_ids]
    assert min(balances) >= -90
    assert sum(balances) == 0
    report = verification.verify(slug)
    assert report.ok, report.as_dict()
    assert f"{outcomes['posted']} entries" in report.checks[5].detail
