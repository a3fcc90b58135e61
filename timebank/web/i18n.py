"""English and Welsh: the member's setting, then the browser's Accept-Language."""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from ..extensions import babel
from ..locales import formatting_locale

LANGUAGE_NAMES = {"en": "English", "cy": "Cymraeg"}


def select_locale():
    """None (the default, British English) outside a request: the command line, background
    work. English pages are formatted as en_GB ("1 January 2026")."""
    if not has_request_context():
        return None
    return formatting_locale(_chosen_language())


def _chosen_language():
    choice = session.get("language")
    if current_user and current_user.is_authenticated and current_user.user.language:
        choice = current_user.user.language
    if choice in current_app.config["LANGUAGES"]:
        return choice
    return request.accept_languages.best_match(current_app.config["LANGUAGES"]) or "en"


def init_app(app):
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages():
        return {"languages": lambda: [(c, LANGUAGE_NAMES[c]) for c in app.config["LANGUAGES"]]}
