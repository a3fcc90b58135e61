"""Reported messages: a coordinator reads what was reported, then dismisses the report or
suspends the conversation (both audited)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import conversations
from ...services.errors import InvalidTransition, ValidationFailed
from .. import bp
from ..forms.coordinate import ReportDecisionForm
from ..member.common import page_number
from .common import actor, coordinator_page


def _page(errors=None, failed_id=None, form=None):
    found = conversations.reported(actor(), page=page_number())
    return render_template("coordinate/messages.html", found=found, form=ReportDecisionForm(),
                           errors=errors or {}, failed_id=failed_id,
                           failed_form=form), 422 if errors else 200


@bp.get("/coordinate/messages")
@coordinator_page
def coordinate_messages():
    return _page()


def _decide(message_id, decision, done):
    form = ReportDecisionForm()
    if not form.validate_on_submit():
        return _page()
    try:
        decision(message_id, form.reason.data)
    except ValidationFailed as error:
        messages = [m for found in (error.errors or {"reason": [error.message]}).values()
                    for m in found]
        return _page({"reason": messages}, failed_id=message_id, form=form)
    except InvalidTransition as error:
        flash(error.message, "error")
        return redirect(url_for("web.coordinate_messages"), 303)
    flash(done, "success")
    return redirect(url_for("web.coordinate_messages"), 303)


@bp.post("/coordinate/messages/<int:message_id>/dismiss")
@coordinator_page
def coordinate_dismiss_report(message_id):
    return _decide(message_id, lambda mid, reason: conversations.dismiss_report(
        actor(), mid, reason=reason, now=utcnow()), _("The report is dismissed."))


@bp.post("/coordinate/messages/<int:message_id>/suspend")
@coordinator_page
def coordinate_suspend_conversation(message_id):
    return _decide(message_id, lambda mid, reason: conversations.suspend(
        actor(), mid, reason=reason, now=utcnow()), _("The conversation is suspended."))
