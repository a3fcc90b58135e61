"""A bank's own look on its pages: a tiny stylesheet with its colour, and its logo.

The colour reaches the page through a stylesheet, not an inline style, so the strict
Content-Security-Policy (web/security.py) stays as it is. Both addresses carry the
version of the look (`v`), so they can be cached for a day and still change at once.
"""

from flask import abort, current_app, request, url_for
from flask_login import current_user

from ..locales import current_language
from ..services import bank_look, banks
from ..services.errors import NotFound
from . import bp

CACHE_SECONDS = 86400


def current_bank():
    """The bank whose pages these are: the signed-in member's, or None."""
    if not current_user.is_authenticated or current_user.member is None:
        return None
    return current_user.member.bank


def look():
    """What base.html needs to draw the bank's header, stylesheet and contact details."""
    bank = current_bank()
    if bank is None:
        return None
    version = bank_look.version(bank)
    return {
        "bank": bank,
        "stylesheet": url_for("web.bank_stylesheet", slug=bank.slug, v=version)
        if bank.colour else None,
        "logo": url_for("web.bank_logo", slug=bank.slug, v=bank.logo_sha256[:12])
        if bank.logo_sha256 else None,
        "welcome": bank_look.welcome_text(bank, current_language()),
        "has_contact": bank_look.has_contact(bank),
    }


def _cached(response):
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return response


@bp.get("/banks/<slug>/bank.css")
def bank_stylesheet(slug):
    try:
        bank = banks.get_bank(slug)
    except NotFound:
        abort(404)
    colour = bank.colour or ""
    css = "/* this time bank has no colour of its own */\n"
    if bank_look.COLOUR.match(colour):
        css = (f":root {{ --brand: {colour}; --link: {colour}; }}\n"
               f".button, button.button {{ background: {colour}; box-shadow: 0 2px 0 #0b0c0c; }}\n"
               f".site-header {{ border-bottom-color: #0b0c0c; }}\n")
    response = current_app.response_class(css, mimetype="text/css")
    return _cached(response)


@bp.get("/banks/<slug>/logo")
def bank_logo(slug):
    logo = bank_look.logo_of(slug)
    if logo is None:
        abort(404)
    response = current_app.response_class(bytes(logo.data), mimetype=logo.content_type)
    response.headers["Content-Disposition"] = "inline"
    if request.args.get("v"):
        return _cached(response)
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app):
    app.add_template_global(look, "bank_look")
