"""Refusals a use case can answer with. Pages and the API turn them into words and statuses.

Each carries the `code` of the API's problem documents so that both front ends agree. Messages
are translated when the service raises (inside the request's locale) and kept
as plain strings, so nothing lazy reaches JSON or the session.
"""

from flask_babel import gettext as _

from ..ledger import CreditLimitExceeded, InvalidPosting, LedgerError


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message, errors=None):
        message = str(message)
        super().__init__(message)
        self.message = message
        self.errors = {str(field): [str(m) for m in messages]
                       for field, messages in (errors or {}).items()}


class ValidationFailed(ServiceError):
    """`errors` maps each field to a list of messages."""

    code = "validation_error"
    status = 422

    @classmethod
    def field(cls, name, message):
        return cls(message, {name: [message]})


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403


class Unauthenticated(ServiceError):
    code = "unauthenticated"
    status = 401


class InvalidTransition(ServiceError):
    code = "invalid_transition"
    status = 409


class LimitExceeded(ServiceError):
    code = "credit_limit_exceeded"
    status = 409

    def __init__(self, message, account_id=None):
        super().__init__(message)
        self.account_id = account_id


class IdempotencyKeyReused(ServiceError):
    code = "idempotency_key_reused"
    status = 409


def _limit_message(error: CreditLimitExceeded) -> str:
    values = {"account": error.account_id, "balance": error.balance,
              "change": f"{error.change:+d}"}
    if error.floor is not None and error.balance + error.change < error.floor:
        return _("Account %(account)s would go below its floor of %(limit)s minutes "
                 "(balance %(balance)s minutes, change %(change)s minutes).",
                 limit=error.floor, **values)
    return _("Account %(account)s would go above its ceiling of %(limit)s minutes "
             "(balance %(balance)s minutes, change %(change)s minutes).",
             limit=error.ceiling, **values)


def _posting_message(error: InvalidPosting) -> str:
    """The ledger core speaks English only (it has no Flask); its refusals are translated here."""
    known = {
        "Minutes must be a whole number.": _("Minutes must be a whole number."),
        "Minutes must be more than zero.": _("Minutes must be more than zero."),
        "An account cannot give time to itself.": _("An account cannot give time to itself."),
        "A journal entry needs at least one transfer.":
            _("A journal entry needs at least one transfer."),
        "A reversal must name the entry it reverses.":
            _("A reversal must name the entry it reverses."),
        "Only a reversal may name an entry it reverses.":
            _("Only a reversal may name an entry it reverses."),
    }
    return known.get(str(error), str(error))


def from_ledger_error(error: LedgerError) -> ServiceError:
    if isinstance(error, CreditLimitExceeded):
        return LimitExceeded(_limit_message(error), error.account_id)
    if isinstance(error, InvalidPosting):
        return ValidationFailed.field(error.field or "transfers", _posting_message(error))
    return ServiceError(str(error))
