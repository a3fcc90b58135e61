"""Correcting a disputed exchange: the time (and the date or description) as it really
was, with a reason, posted in one go (services.exchanges.correct)."""

import datetime as dt

from flask import flash, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from ..models._types import utcnow
from ..services import exchanges
from ..services.errors import InvalidTransition, LimitExceeded, ValidationFailed
from . import bp
from .coordinate_common import actor, coordinator_page
from .coordinate_exchanges import limit_message, render_exchange
from .coordinate_limits import refusal_for
from .coordinate_queue import back_to
from .filters import hours

# service field -> the page's field id
FIELD_IDS = {"reason": "correct-reason", "minutes_hours": "minutes", "minutes_mins": "minutes"}


class CorrectionForm(FlaskForm):
    """Hours and minutes as typed (the duration fields of the coordinator pages), a date, a
    description and the reason."""

    minutes_hours = StringField()
    minutes_mins = StringField()
    occurred_on = StringField()
    description = TextAreaField()
    reason = TextAreaField()

    def validate_minutes_hours(self, field):
        raw_hours = (field.data or "").strip()
        raw_mins = (self.minutes_mins.data or "").strip()
        if not raw_hours and not raw_mins:
            raise ValidationError(_("Enter the time in hours and minutes."))
        if not (raw_hours or "0").isdigit() or not (raw_mins or "0").isdigit():
            raise ValidationError(_("Enter whole hours, and minutes from 0 to 59."))
        if int(raw_mins or 0) > 59 or int(raw_hours or 0) > 100_000:
            raise ValidationError(_("Enter whole hours, and minutes from 0 to 59."))

    def validate_occurred_on(self, field):
        raw = (field.data or "").strip()
        if not raw:
            raise ValidationError(_("Enter the date."))
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(_("Enter a real date, for example %(example)s.",
                                    example=utcnow().date().isoformat())) from None

    @property
    def minutes(self) -> int:
        return int(self.minutes_hours.data.strip() or 0) * 60 + int(
            (self.minutes_mins.data or "").strip() or 0)

    @property
    def day(self) -> dt.date:
        return dt.date.fromisoformat(self.occurred_on.data.strip())

    def page_errors(self) -> dict:
        found = {}
        for name, messages in self.errors.items():
            if name != "csrf_token":
                found.setdefault(FIELD_IDS.get(name, name), []).extend(messages)
        return found

    def values(self) -> dict:
        return {name: self[name].data or "" for name in
                ("minutes_hours", "minutes_mins", "occurred_on", "description", "reason")}


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
