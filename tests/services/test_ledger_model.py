"""The real ledger and a plain-Python model, driven side by side by Hypothesis.

Random postings of every kind, reversals and limit changes; after every step the
balances must match the model and invariants I1–I6 must verify.
"""

import datetime as dt

import hypothesis.strategies as st
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from tests.support.factories import NOW, make_bank, make_member
from timebank.extensions import db
from timebank.ledger import EntryKind, Posting, Transfer, net_changes, reversal_transfers
from timebank.models import Account
from timebank.services import accounts, banks, ledger, verification
from timebank.services.errors import LimitExceeded, ValidationFailed

MEMBERS = 4
minutes = st.integers(min_value=1, max_value=400)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.bank = make_bank(default_floor_minutes=-300)
        people = [make_member(self.bank) for _ in range(MEMBERS)]
        self.member_accounts = [m.account.id for m in people]
        self.pool = banks.pool_account(self.bank.id).id
        self.model = {a: {"balance": 0, "floor": -300, "ceiling": None}
                      for a in self.member_accounts}
        self.model[self.pool] = {"balance": 0, "floor": 0, "ceiling": None}
        self.reversible = {}
        self.day = dt.date(2026, 1, 1)

    def _allowed(self, transfers):
        for account, (debits, credits) in net_changes(transfers).items():
            state = self.model[account]
            after = state["balance"] + credits - debits
            if after < state["floor"] or (state["ceiling"] is not None and after > state["ceiling"]):
                return False
        return True

    def _apply(self, transfers):
        for account, (debits, credits) in net_changes(transfers).items():
            self.model[account]["balance"] += credits - debits

    def _post(self, kind, transfers):
        expected = self._allowed(transfers)
        try:
            posted = ledger.post(self.bank.id, Posting(kind=kind, occurred_on=self.day,
                                                       transfers=tuple(transfers)), now=NOW)
        except LimitExceeded:
            assert not expected, f"refused a posting the model allows: {transfers}"
            return
        assert expected, f"posted what the model refuses: {transfers}"
        self._apply(transfers)
        self.reversible[posted.id] = transfers

    @rule(giver=st.integers(0, MEMBERS - 1), taker=st.integers(0, MEMBERS - 1), m=minutes)
    def exchange(self, giver, taker, m):
        if giver != taker:
            self._post(EntryKind.EXCHANGE, [Transfer(self.member_accounts[taker],
                                                     self.member_accounts[giver], m)])

    @rule(source=st.integers(0, MEMBERS - 1), m=minutes,
          receivers=st.sets(st.integers(0, MEMBERS - 1), min_size=1, max_size=MEMBERS))
    def group_credit(self, source, m, receivers):
        legs = [Transfer(self.member_accounts[source], self.member_accounts[t], m)
                for t in sorted(receivers) if t != source]
        if legs:
            self._post(EntryKind.GROUP_CREDIT, legs)

    @rule(donor=st.integers(0, MEMBERS - 1), m=minutes)
    def donation(self, donor, m):
        self._post(EntryKind.DONATION, [Transfer(self.member_accounts[donor], self.pool, m)])

    @rule(receiver=st.integers(0, MEMBERS - 1), m=minutes)
    def grant(self, receiver, m):
        self._post(EntryKind.GRANT, [Transfer(self.pool, self.member_accounts[receiver], m)])

    @precondition(lambda self: self.reversible)
    @rule(data=st.data())
    def reverse(self, data):
        entry_id = data.draw(st.sampled_from(sorted(self.reversible)))
        mirror = list(reversal_transfers(self.reversible[entry_id]))
        expected = self._allowed(mirror)
        try:
            ledger.reverse(self.bank.id, entry_id, reason="model", now=NOW)
        except LimitExceeded:
            assert not expected
            return
        assert expected
        self._apply(mirror)
        del self.reversible[entry_id]

    @rule(index=st.integers(0, MEMBERS), floor=st.integers(-800, 200),
          ceiling=st.one_of(st.none(), st.integers(-200, 1200)))
    def change_limits(self, index, floor, ceiling):
        account = (self.member_accounts + [self.pool])[index]
        state = self.model[account]
        expected = floor <= state["balance"] and (
            ceiling is None or (ceiling >= state["balance"] and ceiling >= floor))
        try:
            accounts.set_limits(self.bank.id, account, floor_minutes=floor,
                                ceiling_minutes=ceiling, reason="model", now=NOW)
        except ValidationFailed:
            assert not expected
            return
        assert expected
        state.update(floor=floor, ceiling=ceiling)

    @invariant()
    def balances_match_the_model(self):
        db.session.expire_all()
        stored = dict(db.session.execute(
            select(Account.id, Account.credits_posted - Account.debits_posted)
            .where(Account.bank_id == self.bank.id)).all())
        assert stored == {a: s["balance"] for a, s in self.model.items()}
        total = db.session.scalar(select(func.sum(Account.credits_posted - Account.debits_posted))
                                  .where(Account.bank_id == self.bank.id))
        assert total == 0

    @invariant()
    def ledger_verifies(self):
        report = verification.verify(self.bank.slug)
        assert report.ok, report.as_dict()
        db.session.rollback()


def test_the_ledger_behaves_like_its_model(app):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(max_examples=25, stateful_step_count=25, deadline=None,
                          suppress_health_check=list(HealthCheck)),
    )
