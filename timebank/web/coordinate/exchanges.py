"""Exchanges for coordinators: the list with a status filter, one exchange's page, and the
decisions on it: approve (post), cancel with a reason, reverse with a reason."""

from flask import flash, render_template, url_for
from flask_babel import gettext as _

from ...models import EXCHANGE_STATUSES
from ...models._types import utcnow
from ...services import coordination, exchanges
from ...services.errors import InvalidTransition, LimitExceeded, ValidationFailed
from .. import bp
from ..filters import hours
from ..forms.coordinate import DecisionForm, ExchangeFilterForm
from ..forms.errors import service_errors
from ..forms.fields import duration_boxes
from .common import actor, coordinator_page, page_number
from .limits import refusal_for, warnings_for
from .queue import back_to, refused


@bp.get("/coordinate/exchanges")
@coordinator_page
def coordinate_exchanges():
    filters = ExchangeFilterForm.from_query()
    status = filters.chosen_status(EXCHANGE_STATUSES)
    member_id = filters.chosen_member()
    page = exchanges.search(actor(), status=status, member_id=member_id, page=page_number(),
                            per_page=25, now=utcnow())
    member_name = coordination.names(actor(), [member_id]).get(member_id) if member_id else None
    params = {k: v for k, v in (("status", status), ("member_id", member_id)) if v}
    return render_template("coordinate/exchanges.html", page=page, status=status,
                           statuses=EXCHANGE_STATUSES, member_id=member_id,
                           member_name=member_name, params=params)


def render_exchange(exchange_id, errors=None, values=None, status=200):
    exchange = exchanges.get(actor(), exchange_id, now=utcnow())
    values = values or {}
    return render_template("coordinate/exchange.html", exchange=exchange, errors=errors or {},
                           values=values, limits=warnings_for([exchange]).get(exchange.id),
                           correction=values.get("correction") or correction_values(exchange)
                           ), status


def correction_values(exchange):
    """What the correction form shows at first: the exchange as it was recorded."""
    hours_part, mins_part = duration_boxes(exchange.minutes)
    return {"minutes_hours": hours_part, "minutes_mins": mins_part,
            "occurred_on": exchange.occurred_on.isoformat(),
            "description": exchange.description, "reason": ""}


@bp.get("/coordinate/exchanges/<int:exchange_id>")
@coordinator_page
def coordinate_exchange(exchange_id):
    return render_exchange(exchange_id)


def limit_message(error):
    cause = error.__cause__
    owners = coordination.account_owners(actor(), [error.account_id])
    name = owners.get(error.account_id, (None, _("The community pool")))[1]
    if getattr(cause, "floor", None) is not None and cause.balance + cause.change < cause.floor:
        return _("%(name)s's balance is %(balance)s; this would take it below the lowest "
                 "allowed, %(floor)s. Nothing was changed. Change their limit on their page "
                 "first if this is right.", name=name, balance=hours(cause.balance),
                 floor=hours(cause.floor))
    if cause is not None and cause.ceiling is not None:
        return _("%(name)s's balance is %(balance)s; this would take it above the highest "
                 "allowed, %(ceiling)s. Nothing was changed.", name=name,
                 balance=hours(cause.balance), ceiling=hours(cause.ceiling))
    return error.message


@bp.post("/coordinate/exchanges/<int:exchange_id>/approve")
@coordinator_page
def coordinate_approve_exchange(exchange_id):
    detail = url_for("web.coordinate_exchange", exchange_id=exchange_id)
    try:
        exchange = exchanges.approve(actor(), exchange_id, now=utcnow())
    except LimitExceeded as error:
        flash(refusal_for(actor(), error, limit_message(error)), "error")
        return back_to(detail)
    except (InvalidTransition, ValidationFailed) as error:
        flash(error.message, "error")
        return back_to(detail)
    flash(_("Posted: %(provider)s gave %(time)s to %(receiver)s.",
            provider=exchange.provider.name, time=hours(exchange.minutes),
            receiver=exchange.receiver.name), "success")
    return back_to(detail)


@bp.post("/coordinate/exchanges/<int:exchange_id>/cancel")
@coordinator_page
def coordinate_cancel_exchange(exchange_id):
    detail = url_for("web.coordinate_exchange", exchange_id=exchange_id)
    form = DecisionForm()
    reason = form.reason.data
    try:
        exchange = coordination.cancel_exchange(actor(), exchange_id, reason=reason,
                                                now=utcnow())
    except ValidationFailed as error:
        if form.from_queue():
            return refused(error, f"reason-exchange-{exchange_id}", detail)
        return render_exchange(exchange_id, errors={"cancel-reason": service_errors(
            error, "reason").get("reason", [error.message])}, values={"cancel-reason": reason},
            status=422)
    except InvalidTransition as error:
        flash(error.message, "error")
        return back_to(detail)
    flash(_("Cancelled. %(provider)s and %(receiver)s are told why.",
            provider=exchange.provider.name, receiver=exchange.receiver.name), "success")
    return back_to(detail)


@bp.post("/coordinate/exchanges/<int:exchange_id>/reverse")
@coordinator_page
def coordinate_reverse_exchange(exchange_id):
    detail = url_for("web.coordinate_exchange", exchange_id=exchange_id)
    reason = DecisionForm().reason.data
    try:
        exchange = exchanges.reverse(actor(), exchange_id, reason=reason, now=utcnow())
    except LimitExceeded as error:
        return render_exchange(exchange_id, errors={"reverse-reason": [limit_message(error)]},
                               values={"reverse-reason": reason}, status=409)
    except ValidationFailed as error:
        return render_exchange(exchange_id, errors={"reverse-reason": service_errors(
            error, "reason").get("reason", [error.message])}, values={"reverse-reason": reason},
            status=422)
    except InvalidTransition as error:
        flash(error.message, "error")
        return back_to(detail)
    flash(_("Reversed: the %(time)s are taken back from both accounts. The reason is in the "
            "audit log.", time=hours(exchange.minutes)), "success")
    return back_to(detail)
