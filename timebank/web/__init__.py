"""HTML pages: server-rendered, working without JavaScript."""

from flask import Blueprint

bp = Blueprint("web", __name__)


def init_app(app):
    from . import auth, coordination, filters, home, i18n, reports, security, session  # noqa: F401

    i18n.init_app(app)
    filters.init_app(app)
    session.init_app(app)
    security.init_app(app)
    app.register_blueprint(bp)
