"""HTML pages: server-rendered, working without JavaScript."""

from importlib import import_module

from flask import Blueprint

bp = Blueprint("web", __name__)

# The modules that add pages to the blueprint, by their path under timebank.web.
PAGE_MODULES = (
    "accounts",
    "auth",
    "errors",
    "home",
    "privacy",
    "coordinate.admin",
    "coordinate.catalogue",
    "coordinate.common",
    "coordinate.correction",
    "coordinate.erasure",
    "coordinate.exchanges",
    "coordinate.group",
    "coordinate.limits",
    "coordinate.look",
    "coordinate.mail",
    "coordinate.members",
    "coordinate.messages",
    "coordinate.queue",
    "coordinate.record",
    "coordinate.settings",
    "coordinate.today",
    "coordinate.words",
    "evaluate.reports",
    "evaluate.research",
    "evaluate.research_links",
    "member.common",
    "member.directory",
    "member.exchange_actions",
    "member.exchanges",
    "member.listings",
    "member.messages",
    "member.pool",
    "member.profile",
    "member.statement",
    "member.waiting",
    "member.words",
)


def init_app(app):
    from . import bank_look, filters, i18n, security, session

    for name in PAGE_MODULES:
        import_module(f"{__name__}.{name}")

    i18n.init_app(app)
    filters.init_app(app)
    session.init_app(app)
    security.init_app(app)
    bank_look.init_app(app)
    app.register_blueprint(bp)
