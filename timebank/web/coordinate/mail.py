"""Mail for coordinators: messages that failed for good, and invitation letters to print."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import account_links, outbox
from ...services.errors import ServiceError
from .. import bp
from .common import actor, coordinator_page, page_number


@bp.get("/coordinate/mail")
@coordinator_page
def coordinate_mail():
    page = outbox.failed_messages(actor(), page=page_number(), per_page=50)
    return render_template("coordinate/mail.html", page=page)


@bp.post("/coordinate/mail/<int:message_id>/retry")
@coordinator_page
def coordinate_retry_mail(message_id):
    try:
        outbox.retry(actor(), message_id, now=utcnow())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("The message will be sent again."), "success")
    return redirect(url_for("web.coordinate_mail"))


@bp.post("/coordinate/members/<int:member_id>/invitation")
@coordinator_page
def coordinate_invitation(member_id):
    try:
        member, token, expires_at = account_links.print_invitation(actor(), member_id,
                                                                   now=utcnow())
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("web.coordinate_member", member_id=member_id))
    link = url_for("web.accept_invitation", token=token, _external=True)
    response = render_template("coordinate/invitation_letter.html", member=member, link=link,
                               expires_at=expires_at)
    return response, 200, {"Cache-Control": "no-store"}
