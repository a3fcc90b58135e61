"""What every member page shares: who is acting, refusals as pages, paging arguments."""

from functools import wraps

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required

from ...models import ids
from ...models._types import utcnow
from ...services.errors import Forbidden, NotFound
from .. import bp

MAX_PAGE = 1_000_000


def actor():
    """The member acting on this request (pages are always for one membership)."""
    return current_user.member


def now():
    return utcnow()


def member_page(view):
    """Signed in with a membership; a refusal from a service becomes a plain page."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.member is None:
            abort(404)
        try:
            return view(*args, **kwargs)
        except NotFound:
            return render_template("errors/404.html"), 404
        except Forbidden:
            return render_template("member/forbidden.html"), 403

    return login_required(wrapper)


def page_number():
    number = request.args.get("page", 1, type=int)
    return min(max(number or 1, 1), MAX_PAGE)


def id_argument(name):
    """A positive id from the query string, or None."""
    value = request.args.get(name, type=int)
    return value if ids.is_id(value) else None


@bp.app_template_global()
def page_url(number):
    """This page's address with another page number, keeping the filters."""
    args = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint, **(request.view_args or {}), **args)
