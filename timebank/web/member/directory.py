"""Who else is in the time bank, and what they can bring."""

from flask import render_template

from ...models.statuses import MemberStatus
from ...services import members
from ...services.errors import ValidationFailed
from ...services.paging import Page
from .. import bp
from ..forms.member import MemberSearchForm
from .common import actor, member_page, page_number

PER_PAGE = 20


@bp.get("/members")
@member_page
def member_directory():
    form = MemberSearchForm.from_query()
    q = form.q.data or ""
    found = Page(items=[], page=1, per_page=PER_PAGE, total=0)
    if form.check():
        try:
            found = members.list_members(actor(), q=q or None, status=MemberStatus.ACTIVE,
                                         page=page_number(), per_page=PER_PAGE)
        except ValidationFailed as error:
            form.refused_by(error, "q")
    errors = form.problems()
    return render_template("member/directory.html", found=found, q=q, errors=errors,
                           me=actor()), 422 if errors else 200
