"""Errors raised by the ledger core and by the posting service."""


class LedgerError(Exception):
    """Base class of every ledger refusal; `code` is the API's problem code."""

    code = "ledger_error"


class InvalidPosting(LedgerError):
    """A posting that breaks invariant I1 (balanced, positive, same bank)."""

    code = "validation_error"

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


class CreditLimitExceeded(LedgerError):
    """The posting would take an account below its floor or above its ceiling."""

    code = "credit_limit_exceeded"

    def __init__(self, account_id, balance, change, floor, ceiling):
        self.account_id = account_id
        self.balance = balance
        self.change = change
        self.floor = floor
        self.ceiling = ceiling
        if floor is not None and balance + change < floor:
            why = f"below its floor of {floor} minutes"
        else:
            why = f"above its ceiling of {ceiling} minutes"
        super().__init__(
            f"Account {account_id} would go {why} "
            f"(balance {balance} minutes, change {change:+d} minutes)."
        )
