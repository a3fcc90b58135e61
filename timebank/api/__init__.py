"""The JSON API under /api/v1 (DESIGN.md §6)."""

from flask import Blueprint
from marshmallow import ValidationError
from sqlalchemy.exc import DataError
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
    return errors.problem(422, "validation_error", "A value is out of the allowed range.")


def init_app(app):
    from . import bank, catalogue, ledger, members, openapi, reports, tokens  # noqa: F401

    app.register_blueprint(bp)

    @app.errorhandler(HTTPException)
    def _http_error(error):
        from flask import request

        if request.path.startswith(bp.url_prefix):
            return errors.from_http_exception(error)
        return error

    @app.errorhandler(Exception)
    def _unexpected(error):
        from flask import request

        if isinstance(error, HTTPException):
            return _http_error(error)
        if request.path.startswith(bp.url_prefix):
            return errors.from_unexpected(error)
        raise error
