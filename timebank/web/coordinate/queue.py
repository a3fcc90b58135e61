"""The coordinator's queue: every decision that waits, one card each.

New members (approve, or decline with a reason), offers and requests (publish,
or reject with a reason the member sees), exchanges above the threshold and
disputes (post, or cancel with a reason). The exchange decisions live with the
exchange pages and come back here when sent from a card.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import conversations, listings, members, policy, waiting
from ...services.coordination import decline_member as decline
from ...services.errors import InvalidTransition, ValidationFailed
from .. import bp
from ..forms.coordinate import DecisionForm
from ..forms.errors import service_errors
from .common import actor, coordinator_page
from .limits import warnings_for


def render_queue(errors=None, values=None, status=200):
    me = actor()
    found = waiting.waiting_for(me, now=utcnow())
    return render_template(
        "coordinate/queue.html", found=found, errors=errors or {}, values=values or {},
        is_admin=policy.can(me, "banks.create"), reported=conversations.open_reports(me),
        limits=warnings_for(found["to_approve"] + found["disputes"]),
        total=sum(len(found[k]) for k in ("members", "listings", "to_approve", "disputes")),
    ), status


def back_to(default_url):
    """Where a decision returns: the queue when it was made there, else the given page."""
    if DecisionForm().from_queue():
        return redirect(url_for("web.coordinate_queue"))
    return redirect(default_url)


def refused(error, card_field, fallback_url, *, from_queue=None):
    """A decision that could not be made: at its field when it is about the reason."""
    form = DecisionForm()
    if from_queue is None:
        from_queue = form.from_queue()
    if isinstance(error, ValidationFailed) and from_queue:
        messages = [m for found in service_errors(error, "reason").values() for m in found]
        errors = {card_field: messages}
        return render_queue(errors=errors, values={card_field: form.reason.data}, status=422)
    flash(error.message, "error")
    return back_to(fallback_url)


def _reason():
    """The decision's reason as typed; the service says when one is needed or too long."""
    return DecisionForm().reason.data


@bp.get("/coordinate")
@coordinator_page
def coordinate_queue():
    return render_queue()


@bp.post("/coordinate/members/<int:member_id>/approve")
@coordinator_page
def coordinate_approve_member(member_id):
    detail = url_for("web.coordinate_member", member_id=member_id)
    try:
        member = members.approve(actor(), member_id, now=utcnow())
    except (InvalidTransition, ValidationFailed) as error:
        flash(error.message, "error")
        return back_to(detail)
    flash(_("%(name)s is now an active member and can take part.", name=member.name),
          "success")
    return back_to(detail)


@bp.post("/coordinate/members/<int:member_id>/decline")
@coordinator_page
def coordinate_decline_member(member_id):
    detail = url_for("web.coordinate_member", member_id=member_id)
    try:
        member = decline(actor(), member_id, reason=_reason(), now=utcnow())
    except (InvalidTransition, ValidationFailed) as error:
        return refused(error, f"reason-member-{member_id}", detail)
    flash(_("You declined %(name)s's request to join.", name=member.name), "success")
    return back_to(detail)


@bp.post("/coordinate/listings/<int:listing_id>/approve")
@coordinator_page
def coordinate_approve_listing(listing_id):
    try:
        listing = listings.approve(actor(), listing_id, now=utcnow())
    except (InvalidTransition, ValidationFailed) as error:
        flash(error.message, "error")
        return redirect(url_for("web.coordinate_queue"))
    flash(_("Published: “%(title)s”. Members can now see it.", title=listing.title), "success")
    return redirect(url_for("web.coordinate_queue"))


@bp.post("/coordinate/listings/<int:listing_id>/reject")
@coordinator_page
def coordinate_reject_listing(listing_id):
    queue = url_for("web.coordinate_queue")
    try:
        listing = listings.reject(actor(), listing_id, reason=_reason(), now=utcnow())
    except (InvalidTransition, ValidationFailed) as error:
        return refused(error, f"reason-listing-{listing_id}", queue, from_queue=True)
    flash(_("Rejected: “%(title)s”. %(name)s will see your reason.", title=listing.title,
            name=listing.member.name), "success")
    return redirect(queue)
