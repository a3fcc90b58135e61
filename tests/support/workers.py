"""Code run in other processes by the concurrency and crash tests."""

import datetime as dt
import sys

from timebank import create_app
from timebank.ledger import EntryKind, Posting, Transfer
from timebank.services import ledger
from timebank.services.errors import LimitExceeded

NOW = dt.datetime(2026, 6, 1, 12, 0, 0)


def spend(url, bank_id, debit, credits, minutes, start_event):
    """Try one posting per credit account; return how many were accepted."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    posted = 0
    with app.app_context():
        start_event.wait()
        for credit in credits:
            try:
                ledger.post(bank_id, Posting(kind=EntryKind.EXCHANGE, occurred_on=NOW.date(),
                                             transfers=(Transfer(debit, credit, minutes),)),
                            now=NOW)
                posted += 1
            except LimitExceeded:
                pass
    return posted


def stream(url, bank_id, source, accounts):
    """Post group credits for ever, reporting each commit on stdout, until killed."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        n = 0
        while True:
            n += 1
            ledger.post(bank_id, Posting(
                kind=EntryKind.GROUP_CREDIT, occurred_on=NOW.date(), description=f"session {n}",
                transfers=tuple(Transfer(source, a, 1 + n % 7) for a in accounts),
            ), now=NOW)
            print(n, flush=True)


if __name__ == "__main__":
    url, bank_id, source, *accounts = sys.argv[1:]
    stream(url, int(bank_id), int(source), [int(a) for a in accounts])
