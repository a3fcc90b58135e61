"""The forms of the member pages: profile, offers and requests, recording and answering
exchanges, giving to the pool, the statement's period, finding people."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import ValidationError

from ... import field_rules as rules
from .base import PageForm
from .fields import BirthYear, Day, Duration, NotInFuture, OneOf, Secret, Text, text_rules

_REAL_DATE = _l("Enter a real date, like 2026-06-01.")
_HOW_LONG = _l("Enter how long: hours, minutes or both.")


class OnceForm(PageForm):
    """A form that posts once (see `once`): its token, and nothing else to check."""

    form_token = Text()


class ProfileForm(PageForm):
    """Empty name: the service says what is missing, in its words."""

    name = Text(validators=text_rules(rules.NAME_MAX))
    skills = Text(validators=text_rules(rules.SKILLS_MAX))
    birth_year = Text(validators=[BirthYear()])
    language = Text()

    def validate_language(self, field):
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_("Choose English or Cymraeg."))


class PasswordForm(PageForm):
    current_password = Secret()
    new_password = Secret()
    new_password_again = Secret()

    def validate_current_password(self, field):
        if not field.data:
            raise ValidationError(_("Enter your current password."))

    def validate_new_password_again(self, field):
        if field.data != self.new_password.data:
            raise ValidationError(_("The two new passwords are not the same."))


class ListingSearchForm(PageForm):
    q = Text(validators=text_rules(rules.QUERY_MAX))
    category = Text(validators=text_rules(rules.CATEGORY_MAX))
    kind = Text()


class MemberSearchForm(PageForm):
    q = Text(validators=text_rules(rules.QUERY_MAX))


class ListingForm(OnceForm):
    kind = Text()
    title = Text(validators=text_rules(rules.TITLE_MAX))
    description = Text(validators=text_rules(rules.LISTING_TEXT_MAX))
    category = Text(validators=text_rules(rules.CATEGORY_MAX))


class ConfirmForm(OnceForm):
    next = Text()


class DisputeForm(OnceForm):
    reason = Text(validators=text_rules(rules.REASON_MAX_LENGTH))


class ExchangeForm(OnceForm):
    """Hours and minutes are the boxes `hours` and `minutes`; their errors show at `hours`."""

    member_id = Text()
    listing_id = Text()
    direction = Text(validators=[OneOf(("gave", "received"),
                                       _l("Say whether you gave time or received it."))])
    hours = Duration(boxes=("hours", "minutes"), required=_HOW_LONG,
                     bounds=rules.EXCHANGE_MINUTES)
    occurred_on = Day([NotInFuture()], required=_l("Enter the date the time was given."),
                      invalid=_REAL_DATE)
    description = Text(validators=text_rules(rules.DESCRIPTION_MAX))
    category = Text(validators=text_rules(rules.CATEGORY_MAX))

    def chosen_id(self, name):
        """A positive id from a hidden field, or None."""
        raw = getattr(self, name).data or ""
        return int(raw) if raw.isdigit() and 0 < int(raw) <= rules.MAX_ID else None


class DonateForm(OnceForm):
    hours = Duration(boxes=("hours", "minutes"), required=_HOW_LONG,
                     bounds=rules.EXCHANGE_MINUTES)
    description = Text(validators=text_rules(rules.DESCRIPTION_MAX))


class PeriodForm(PageForm):
    """The statement's period from the query string; `to` is inclusive."""

    start = Day(name="from", invalid=_REAL_DATE)
    end = Day(name="to", invalid=_REAL_DATE)

    def validate_end(self, field):
        if self.start.day and field.day and field.day < self.start.day:
            raise ValidationError(_("The end date must be the same as the start date or "
                                    "after it."))


class MessageForm(PageForm):
    """A message to the other member; the rules (required, length) are the service's."""

    body = TextAreaField(_l("Your message"))


class ReportForm(PageForm):
    reason = TextAreaField(_l("What is wrong with it? (optional)"))


class MarkReadForm(PageForm):
    pass
