"""Refusals on pages: plain words on a page of the site, never a stack trace."""

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError
from . import bp

STATUSES = (400, 403, 404, 405, 429)


def _messages():
    return {
        400: (_("Something went wrong with the form"),
              _("Go back, reload the page and try again.")),
        403: (_("You can't see this page"),
              _("If you think you should, talk to your time bank's coordinator.")),
        404: (_("Page not found"), _("If you typed the web address, check it is correct.")),
        405: (_("Page not found"), _("If you typed the web address, check it is correct.")),
        429: (_("Too many attempts"),
              _("You have tried too many times. Wait 15 minutes, then try again.")),
    }


def page(status, detail=None):
    title, message = _messages()[status]
    return render_template("errors/problem.html", title=title, message=detail or message), status


@bp.before_request
def _refuse_nul():
    """NUL can't be typed, pasted or kept (PostgreSQL refuses it in text): a request that
    carries it in any field is refused before a page reads it, naming the field. Other
    control characters are the forms' own business (field errors, with the value kept).
    An address with NUL in it names no page."""
    if "\x00" in request.path:
        return page(404)
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                return page(400, _("The field “%(field)s” holds characters that can't be kept "
                                   "(control characters). Remove them and send it again.",
                                   field="?" if "\x00" in name else name))
    return None


@bp.errorhandler(ServiceError)
def _service_error(error):
    status = error.status if error.status in STATUSES else 400
    return page(status, error.message if status == 403 else None)


@bp.app_errorhandler(CSRFError)
def _csrf_error(error):
    """A form without its CSRF token, or from a session that has ended: say what to do."""
    return render_template("errors/form_expired.html"), 400


@bp.errorhandler(HTTPException)
def http_error(error):
    """Also used for addresses that match no page at all (see create_app)."""
    if error.code not in STATUSES:
        return error
    response = page(error.code)
    headers = dict(error.get_headers() or [])
    if "Retry-After" in headers:
        return response[0], response[1], {"Retry-After": headers["Retry-After"]}
    return response
