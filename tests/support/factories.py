"""Small builders for test data, all through the service layer."""

import datetime as dt
import itertools

from timebank.ledger import EntryKind, Posting, Transfer
from timebank.services import banks, ledger, members

NOW = dt.datetime(2026, 6, 1, 12, 0, 0)
_counter = itertools.count(1)


def make_bank(slug=None, **settings):
    bank = banks.create_bank(slug=slug or f"bank-{next(_counter)}", name="Test Time Bank",
                             now=NOW)
    if settings:
        from timebank.extensions import db

        for key, value in settings.items():
            setattr(bank, key, value)
        db.session.commit()
    return bank


def make_member(bank, name=None, *, group="citizen", role="member", status="active",
                email=None, password=None, **fields):
    number = next(_counter)
    return members.create_member(
        bank, name=name or f"Member {number}", group=group, role=role, status=status,
        email=email if email is not None else f"m{number}@example.org",
        password=password, now=NOW, **fields,
    )


def post_exchange(bank, provider, receiver, minutes, *, occurred_on=None, now=NOW):
    """Post time given by `provider` to `receiver` straight to the ledger."""
    return ledger.post(
        bank.id,
        Posting(
            kind=EntryKind.EXCHANGE,
            occurred_on=occurred_on or now.date(),
            transfers=(Transfer(receiver.account.id, provider.account.id, minutes),),
        ),
        now=now,
    )
