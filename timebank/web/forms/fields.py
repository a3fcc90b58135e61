"""Fields and checks the page forms share, reading their limits from `field_rules`.

Pages keep their own input names (`minutes_hours`, `hours`, `occurred_on`, …), so
the fields here take text as typed, keep it for showing the form again, and turn
it into the value a service takes (whole minutes, a date, an id) or a message in
plain words at the field.
"""

import datetime as dt

from flask_babel import gettext as _
from wtforms import Field, StringField
from wtforms.validators import StopValidation, ValidationError

from ... import field_rules
from ...models._types import utcnow
from ...services import members
from ...services.errors import ValidationFailed
from ..filters import hours as in_hours


def strip(value):
    return value.strip() if isinstance(value, str) else value


class Text(StringField):
    """Text with the spaces around it trimmed."""

    def __init__(self, label=None, validators=None, *, trim=True, filters=(), **kwargs):
        kwargs.setdefault("default", "")
        super().__init__(label, validators, filters=((strip,) if trim else ()) + tuple(filters),
                         **kwargs)

    def typed(self):
        return {self.name: self.data or ""}


class Secret(Text):
    """A password: never trimmed, never shown again."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, trim=False, **kwargs)

    def typed(self):
        return {}


class Required:
    """Something must be typed or chosen; `message` says what."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if field.data in (None, "", []):
            raise StopValidation(str(self.message))


class MaxLength:
    def __init__(self, limit):
        self.limit = limit

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(field.data) > self.limit:
            raise ValidationError(_("Use at most %(count)d characters.", count=self.limit))


class PlainText:
    """No control characters (newlines and tabs are fine), as the API's `Text` fields."""

    def __call__(self, form, field):
        if isinstance(field.data, str) and field_rules.has_control_characters(field.data):
            raise ValidationError(_("Remove unusual characters (such as control characters) "
                                    "from this text."))


def text_rules(limit, required=None):
    """The checks of a text field: required (with its message) or not, plain, not too long."""
    first = [Required(required)] if required else []
    return [*first, PlainText(), MaxLength(limit)]


class OneOf:
    def __init__(self, choices, message=None):
        self.choices, self.message = choices, message

    def __call__(self, form, field):
        if field.data not in self.choices:
            raise ValidationError(str(self.message or _("Choose one of the options.")))


class WholeNumber(Text):
    """A whole number as typed; `data` stays the text, `number` is the int or None."""

    def __init__(self, label=None, validators=None, *, message=None, required=True,
                 bounds=(-(2**31) + 1, 2**31 - 1), **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message, self.required, self.bounds = message, required, bounds
        self.number = None

    def pre_validate(self, form):
        self.number = None
        raw = self.data or ""
        if not raw:
            if self.required:
                raise StopValidation(str(self.message or _("Choose one.")))
            raise StopValidation()
        try:
            value = int(raw)
        except ValueError:
            raise StopValidation(str(self.message or _("Enter a whole number."))) from None
        if not -(2**31) < value < 2**31:
            raise StopValidation(str(self.message or _("Enter a smaller number.")))
        if not field_rules.within(value, self.bounds):
            raise StopValidation(_range_message(*self.bounds))
        self.number = value


class Id(WholeNumber):
    """The id of something chosen from a list."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, bounds=(1, field_rules.MAX_ID), **kwargs)


def _range_message(low, high):
    return _("Enter a number from %(low)d to %(high)d.", low=low, high=high)


class Day(Text):
    """A date from a date field (YYYY-MM-DD); `day` is the date or None."""

    def __init__(self, label=None, validators=None, *, required=None, invalid=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required, self.invalid = required, invalid
        self.day = None

    def pre_validate(self, form):
        self.day = None
        raw = self.data or ""
        if not raw:
            if self.required:
                raise StopValidation(str(self.required))
            raise StopValidation()
        try:
            if len(raw) != 10:
                raise ValueError(raw)
            self.day = dt.date.fromisoformat(raw)
        except ValueError:
            raise StopValidation(str(self.invalid) if self.invalid else _(
                "Enter a real date, for example %(example)s.",
                example=utcnow().date().isoformat())) from None


class Ticked(Field):
    """The ids of the ticked boxes of a list (`<input type=checkbox name=… value=id>`)."""

    def process_formdata(self, valuelist):
        self.data = [int(v) for v in valuelist if v.isdigit() and len(v) < 10]

    def typed(self):
        return {}


class Duration(Field):
    """Hours and minutes typed in two boxes, as whole minutes (`minutes`, or None).

    The boxes are `<name>_hours` and `<name>_mins` unless named; errors are shown at
    `<name>`. `bounds` is the range of minutes allowed (from `field_rules`).
    """

    def __init__(self, label=None, validators=None, *, boxes=None, required=None,
                 message=None, bounds=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.boxes = boxes
        self.required_message, self.message, self.bounds = required, message, bounds
        self.minutes = None

    def process(self, formdata, data=None, extra_filters=None):
        self.process_errors = []
        self.object_data = data
        hours_name, mins_name = self.boxes or (f"{self.name}_hours", f"{self.name}_mins")
        self.box_names = (hours_name, mins_name)
        source = formdata if formdata is not None else {}
        self.hours_text = (source.get(hours_name) or "").strip()
        self.mins_text = (source.get(mins_name) or "").strip()
        self.data = self.raw_data = None

    def typed(self):
        return dict(zip(self.box_names, (self.hours_text, self.mins_text), strict=True))

    def pre_validate(self, form):
        self.minutes = None
        if not self.hours_text and not self.mins_text:
            if self.required_message:
                raise StopValidation(str(self.required_message))
            raise StopValidation()
        problems = []
        hours = minutes = 0
        if self.hours_text:
            if not self.hours_text.isdigit() or len(self.hours_text) > 6:
                problems.append(self.message or _("Enter the hours as a whole number, like 2."))
            else:
                hours = int(self.hours_text)
        if self.mins_text:
            if (not self.mins_text.isdigit() or len(self.mins_text) > 2
                    or int(self.mins_text) > 59):
                problems.append(self.message or _("Enter the minutes as a number from 0 to 59."))
            else:
                minutes = int(self.mins_text)
        if problems:
            self.errors.extend(dict.fromkeys(str(p) for p in problems))
            raise StopValidation()
        total = hours * 60 + minutes
        low, high = self.bounds or (0, None)
        if total < low:
            raise StopValidation(_("Enter the time given, in minutes, more than 0."))
        if high is not None and total > high:
            raise StopValidation(_("Enter at most %(time)s.", time=in_hours(high)))
        self.minutes = total


def duration_boxes(minutes):
    """The (hours, minutes) texts the two boxes show for a number of minutes."""
    if minutes is None:
        return "", ""
    hours, mins = divmod(abs(minutes), 60)
    return str(hours), str(mins)


class NotInFuture:
    """A date field's day is today or earlier: the rule the services apply to what the API
    records, from the same function."""

    def __call__(self, form, field):
        if field.day is not None and not field_rules.not_in_future(field.day, utcnow().date()):
            raise ValidationError(_("The date can't be in the future."))


class BirthYear:
    """An optional year of birth, checked by the members service's own rule, so that the
    page and the API refuse the same years in the same words."""

    def __call__(self, form, field):
        try:
            members.birth_year_from_text(field.data, utcnow().date())
        except ValidationFailed as error:
            raise ValidationError(error.errors["birth_year"][0]) from error
