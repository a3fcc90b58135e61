"""While the database can't be reached: 503 with Retry-After, never a 500.

The answer is built without the database and without the signed-in user (finding either
would fail again): a problem+json under the API, a plain page in English and Welsh elsewhere.
"""

from contextlib import suppress

from flask import current_app, json, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import OperationalError

from ..extensions import db

API_PREFIX = "/api/v1"


def _problem():
    """In the language of Accept-Language: the member's own setting would need the database."""
    language = request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"
    with force_locale(language):
        return {
            "type": "https://timebank.example/problems/service-unavailable",
            "title": _("Service unavailable"),
            "status": 503,
            "detail": _("The database can't be reached just now. Try again in a little while."),
            "code": "service_unavailable",
        }


def unavailable_response():
    retry_after = str(current_app.config.get("OUTAGE_RETRY_AFTER", 30))
    if request.path.startswith(API_PREFIX) or request.path == "/readyz":
        response = current_app.response_class(json.dumps(_problem()), status=503,
                                              mimetype="application/problem+json")
    else:
        response = current_app.response_class(render_template("errors/unavailable.html"),
                                              status=503, mimetype="text/html")
    response.headers["Retry-After"] = retry_after
    return response


def init_app(app):
    @app.errorhandler(OperationalError)
    def _database_unreachable(error):
        current_app.logger.error("Database unavailable: %s", type(error.orig).__name__)
        with suppress(Exception):  # the connection is already gone; nothing to undo
            db.session.rollback()
        return unavailable_response()
