"""Correcting a disputed exchange: the time (and the date or description) as it really
was, with a reason, posted in one go (services.exchanges.correct)."""


from flask import flash, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import exchanges
from ...services.errors import InvalidTransition, LimitExceeded, ValidationFailed
from .. import bp
from ..filters import hours
from ..forms.coordinate import FIELD_IDS, CorrectionForm
from .common import actor, coordinator_page
from .exchanges import limit_message, render_exchange
from .limits import refusal_for
from .queue import back_to


@bp.post("/coordinate/exchanges/<int:exchange_id>/correct")
@coordinator_page
def coordinate_correct_exchange(exchange_id):
    form = CorrectionForm(meta={"csrf": False})  # CSRFProtect has checked the request already
    detail = url_for("web.coordinate_exchange", exchange_id=exchange_id)
    values = {"correction": form.values()}
    if not form.validate():
        return render_exchange(exchange_id, errors=form.page_errors(), values=values,
                               status=422)
    try:
        exchange = exchanges.correct(actor(), exchange_id, minutes=form.minutes,
                                     occurred_on=form.day, description=form.description.data,
                                     reason=form.reason.data, now=utcnow())
    except LimitExceeded as error:
        values["limit_refusal"] = refusal_for(actor(), error, limit_message(error))
        return render_exchange(exchange_id, errors={"minutes": [limit_message(error)]},
                               values=values, status=409)
    except ValidationFailed as error:
        found = {}
        for name, messages in (error.errors or {"reason": [error.message]}).items():
            found.setdefault(FIELD_IDS.get(name, name), []).extend(messages)
        return render_exchange(exchange_id, errors=found, values=values, status=422)
    except InvalidTransition as error:
        flash(error.message, "error")
        return back_to(detail)
    flash(_("Corrected and posted: %(provider)s gave %(time)s to %(receiver)s. Both are told, "
            "and the audit log keeps what it was before.", provider=exchange.provider.name,
            time=hours(exchange.minutes), receiver=exchange.receiver.name), "success")
    return back_to(detail)
