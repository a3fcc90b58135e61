"""Refusals a use case can answer with. Pages and the API turn them into words and statuses.

Each carries the `code` of DESIGN.md §6 so that both front ends agree.
"""

from ..ledger import CreditLimitExceeded, InvalidPosting, LedgerError


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message, errors=None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


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


def from_ledger_error(error: LedgerError) -> ServiceError:
    if isinstance(error, CreditLimitExceeded):
        return LimitExceeded(str(error), error.account_id)
    if isinstance(error, InvalidPosting):
        return ValidationFailed.field(error.field or "transfers", str(error))
    return ServiceError(str(error))
