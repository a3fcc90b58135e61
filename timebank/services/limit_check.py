"""Would posting an exchange break a credit limit? Asked before a coordinator decides.

The posting itself is the judge (ledger.record_posting refuses with the same rule,
ledger.limits); this reads the balances as they are now, so that the queue card
and the exchange page can say so before the click instead of after it.
"""

from dataclasses import dataclass

from ..ledger.limits import balance_after, breaks_limits
from . import policy

ASKED = ("awaiting_confirmation", "awaiting_approval", "disputed")


@dataclass(frozen=True)
class LimitProblem:
    """One account that the posting would take past a limit."""

    member_id: int
    name: str
    side: str  # "floor" or "ceiling"
    balance: int
    change: int
    limit: int

    @property
    def balance_after(self) -> int:
        return self.balance + self.change


def problems(exchange, minutes=None) -> list[LimitProblem]:
    """The accounts posting `exchange` (with `minutes` instead of its own, if given) would
    take below their floor or above their ceiling, provider first."""
    minutes = exchange.minutes if minutes is None else minutes
    found = []
    for member, debits, credits in ((exchange.provider, 0, minutes),
                                    (exchange.receiver, minutes, 0)):
        account = member.account
        after = balance_after(account.debits_posted, account.credits_posted, debits, credits)
        if not breaks_limits(after, account.floor_minutes, account.ceiling_minutes):
            continue
        below = after < account.floor_minutes
        found.append(LimitProblem(
            member_id=member.id, name=member.name, side="floor" if below else "ceiling",
            balance=account.balance, change=credits - debits,
            limit=account.floor_minutes if below else account.ceiling_minutes))
    return found


def would_exceed_limit(actor, exchange) -> bool | None:
    """For the exchange resource: None unless the actor decides on exchanges (members must not
    learn about each other's balances) and the exchange is still to be posted."""
    if exchange.status not in ASKED or not policy.can(actor, "exchange.decide", exchange):
        return None
    return bool(problems(exchange))
