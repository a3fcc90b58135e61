"""One exchange: reading it, confirming or disputing it, cancelling one I recorded; my list."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models.statuses import ExchangeStatus
from ...services import exchanges
from ...services.errors import Forbidden, LimitExceeded, NotFound, ServiceError, ValidationFailed
from .. import bp
from ..auth import safe_next
from ..filters import hours
from ..forms.member import ConfirmForm, DisputeForm, OnceForm
from ..forms.once import submit_once
from .common import actor, member_page, now, page_number


def _page(exchange, errors=None, form=None):
    me = actor()
    waiting = exchange.status == ExchangeStatus.AWAITING_CONFIRMATION
    return render_template(
        "member/exchange.html", exchange=exchange, me=me, errors=errors or {}, form=form or {},
        can_answer=waiting and me.id in (exchange.provider_id, exchange.receiver_id)
        and me.id != exchange.logged_by_id,
        can_cancel=waiting and me.id == exchange.logged_by_id), 422 if errors else 200


@bp.get("/exchanges/<int:exchange_id>")
@member_page
def exchange(exchange_id):
    return _page(exchanges.get(actor(), exchange_id, now=now()))


@bp.get("/exchanges")
@member_page
def my_exchanges():
    found = exchanges.search(actor(), member_id=actor().id, page=page_number(), per_page=20,
                             now=now())
    return render_template("member/my_exchanges.html", found=found, me=actor())


def _refused(error, exchange_id):
    """A refusal after the page was shown (someone else acted first, a limit): say so."""
    if isinstance(error, NotFound | Forbidden):
        raise error
    if isinstance(error, LimitExceeded):
        message = _("This can't be recorded now: it would take a time account past its limit. "
                    "Please talk to your coordinator.")
    else:
        message = error.message
    flash(message, "error")
    return redirect(url_for("web.exchange", exchange_id=exchange_id), 303)


def _confirmed_message(exchange):
    if exchange.status == ExchangeStatus.POSTED:
        return _("Thank you. %(time)s is now in both time accounts.",
                 time=hours(exchange.minutes))
    return _("Thank you. A coordinator will approve it next; then it is recorded.")


@bp.post("/exchanges/<int:exchange_id>/confirm")
@member_page
def confirm_exchange(exchange_id):
    form = ConfirmForm()
    form.check()
    back = safe_next(form.next.data, url_for("web.exchange", exchange_id=exchange_id))
    try:
        return submit_once(lambda: exchanges.confirm(actor(), exchange_id, now=now()),
                           lambda exchange: (back, _confirmed_message(exchange)))
    except ServiceError as error:
        return _refused(error, exchange_id)


@bp.post("/exchanges/<int:exchange_id>/dispute")
@member_page
def dispute_exchange(exchange_id):
    form = DisputeForm()
    try:
        if form.check():
            return submit_once(
                lambda: exchanges.dispute(actor(), exchange_id, reason=form.reason.data,
                                          now=now()),
                lambda exchange: (url_for("web.exchange", exchange_id=exchange.id),
                                  _("Thank you for saying. A coordinator will look at it and "
                                    "may get in touch.")))
    except ValidationFailed as error:
        form.refused_by(error, "form")
    except ServiceError as error:
        return _refused(error, exchange_id)
    exchange = exchanges.get(actor(), exchange_id, now=now())
    return _page(exchange, form.problems(), form.typed())


@bp.post("/exchanges/<int:exchange_id>/cancel")
@member_page
def cancel_exchange(exchange_id):
    OnceForm().check()
    try:
        return submit_once(lambda: exchanges.cancel(actor(), exchange_id, now=now()),
                           lambda exchange: (url_for("web.exchange", exchange_id=exchange.id),
                                             _("The exchange is cancelled.")))
    except ServiceError as error:
        return _refused(error, exchange_id)
