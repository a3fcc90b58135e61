"""The JSON API under /api/v1."""

from flask import Blueprint
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.exc import DataError, IntegrityError
from werkzeug.exceptions import HTTPException

from ..extensions import csrf
from ..services.errors import ServiceError
from . import errors

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

bp.register_error_handler(ServiceError, errors.from_service_error)
bp.register_error_handler(ValidationError, errors.from_validation_error)


@bp.errorhandler(DataError)
def _data_error(error):
    from flask import current_app

    current_app.logger.warning("A value the database refused got past validation: %s",
                               type(error.orig).__name__)
    from ..extensions import db

    db.session.rollback()
    return errors.problem(422, "validation_error", _("A value is out of the allowed range."))


@bp.errorhandler(IntegrityError)
def _integrity_error(error):
    """A unique key taken by a request at the same moment: nothing was written; try again."""
    from ..extensions import db

    db.session.rollback()
    return errors.problem(409, "invalid_transition",
                          _("This conflicts with a change made at the same moment. Try again."))


def init_app(app):
    from . import (  # noqa: F401  (register routes)
        accounts,
        bank,
        catalogue,
        conversations,
        exchanges,
        ledger,
        listings,
        members,
        openapi,
        reports,
        research_grants,
        tokens,
    )

    app.register_blueprint(bp)


def serves(path) -> bool:
    """True for addresses of the API, whose every error is a problem+json."""
    return path.startswith(bp.url_prefix)


def http_error(error: HTTPException):
    return errors.from_http_exception(error)


def unexpected(error: Exception):
    return errors.from_unexpected(error)
