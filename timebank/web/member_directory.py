"""Who else is in the time bank, and what they can bring."""

from flask import render_template, request

from .. import schemas
from ..models.statuses import MemberStatus
from ..services import members
from ..services.errors import ValidationFailed
from ..services.paging import Page
from . import bp
from .member_common import actor, member_page, page_number
from .member_forms import check_shape, errors_of

PER_PAGE = 20


@bp.get("/members")
@member_page
def member_directory():
    q = (request.args.get("q") or "").strip()
    errors = {}
    found = Page(items=[], page=1, per_page=PER_PAGE, total=0)
    try:
        check_shape(schemas.MemberQuery, {"q": q}, ("q",))
        found = members.list_members(actor(), q=q or None, status=MemberStatus.ACTIVE, page=page_number(),
                                     per_page=PER_PAGE)
    except ValidationFailed as error:
        errors = errors_of(error)
    return render_template("member/directory.html", found=found, q=q, errors=errors,
                           me=actor()), 422 if errors else 200
