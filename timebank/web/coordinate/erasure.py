"""A coordinator erases a member's personal data from the member's page."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import erasure
from ...services.errors import ServiceError
from .. import bp
from ..forms.coordinate import ErasureForm
from .common import actor, coordinator_page
from .members import render_member


@bp.post("/coordinate/members/<int:member_id>/erase")
@coordinator_page
def coordinate_erase_member(member_id):
    reason = ErasureForm().erase_reason.data or ""
    try:
        erasure.erase(actor(), member_id, reason=reason, now=utcnow())
    except ServiceError as error:
        message = next(iter(error.errors.values())) if error.errors else [error.message]
        return render_member(member_id, {"erase_reason": reason}, {"erase_reason": message},
                             422)
    flash(_("The member's personal data is erased and their account is closed."), "success")
    return redirect(url_for("web.coordinate_member", member_id=member_id), 303)

