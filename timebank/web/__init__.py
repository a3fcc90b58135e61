"""HTML pages: server-rendered, working without JavaScript."""

from flask import Blueprint

bp = Blueprint("web", __name__)


def init_app(app):
    from . import (  # noqa: F401
        accounts,
        auth,
        bank_look,
        coordinate_admin,
        coordinate_catalogue,
        coordinate_correction,
        coordinate_erasure,
        coordinate_exchanges,
        coordinate_group,
        coordinate_limits,
        coordinate_look,
        coordinate_mail,
        coordinate_members,
        coordinate_messages,
        coordinate_queue,
        coordinate_record,
        coordinate_settings,
        coordinate_today,
        coordinate_words,
        errors,
        filters,
        home,
        i18n,
        member_directory,
        member_exchange_actions,
        member_exchanges,
        member_listings,
        member_messages,
        member_pool,
        member_profile,
        member_statement,
        member_waiting,
        member_words,
        privacy,
        reports,
        research,
        security,
        session,
    )

    i18n.init_app(app)
    filters.init_app(app)
    session.init_app(app)
    security.init_app(app)
    bank_look.init_app(app)
    app.register_blueprint(bp)
