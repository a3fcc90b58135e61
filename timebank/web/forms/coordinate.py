"""The forms of the coordinator pages: members, recording time, group credits, the pool,
the bank's settings, the catalogue, decisions with a reason, new banks, research grants
and the privacy notice."""

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ... import field_rules as rules
from ...models import GROUPS, LEVELS, ROLES, STATUSES
from ...models._types import utcnow
from ...models.bank import ERASED_BALANCE_DESTINATIONS
from .base import PageForm
from .fields import (
    BirthYear,
    Day,
    Duration,
    Id,
    NotInFuture,
    OneOf,
    Secret,
    Text,
    Ticked,
    WholeNumber,
    text_rules,
)

_TIME = _l("Enter the time in hours and minutes.")
_HOURS_AND_MINUTES = _l("Enter whole hours, and minutes from 0 to 59.")
_NAME = _l("Enter a name of up to 120 characters.")
_CHOOSE = _l("Choose one of the options.")


def negated(bounds):
    """The range of a limit typed as a positive time below zero (the lowest balance)."""
    return -bounds[1], -bounds[0]


def time_boxes(*, required=True, bounds=rules.EXCHANGE_MINUTES):
    return Duration(required=_TIME if required else None, message=_HOURS_AND_MINUTES,
                    bounds=bounds)


def description(required=None):
    return Text(validators=text_rules(rules.DESCRIPTION_MAX, required))


class OnceForm(PageForm):
    """A coordinator form that posts once: its token (see `once`)."""

    form_token = Text()


class MemberChangeForm(PageForm):
    name = Text(validators=text_rules(rules.NAME_MAX, _NAME))
    birth_year = Text(validators=[BirthYear()])
    group = Text(validators=[OneOf(GROUPS, _CHOOSE)])
    role = Text(validators=[OneOf(ROLES, _CHOOSE)])
    status = Text(validators=[OneOf(STATUSES, _CHOOSE)])
    below = time_boxes(bounds=negated(rules.FLOOR_MINUTES))
    ceiling = time_boxes(required=False, bounds=rules.CEILING_MINUTES)
    reason = Text(validators=text_rules(rules.REASON_MAX_LENGTH))


class NewMemberForm(OnceForm):
    """The service checks names, groups and passwords in its own words too; this form
    checks the shape first, with the same limits as the API."""

    name = Text(validators=text_rules(rules.NAME_MAX, _NAME))
    email = Text(validators=text_rules(rules.EMAIL_MAX))
    group = Text(validators=[OneOf(GROUPS, _CHOOSE)])
    role = Text(default="member")
    skills = Text(validators=text_rules(rules.SKILLS_MAX))
    birth_year = Text(validators=[BirthYear()])
    password = Secret(validators=text_rules(rules.PASSWORD_MAX))

    def validate_email(self, field):
        if field.data and not rules.email_shaped(field.data):
            raise ValidationError(_("Enter an email address like name@example.org."))

    def validate_role(self, field):
        field.data = field.data or "member"
        if field.data not in ROLES:
            raise ValidationError(str(_CHOOSE))


class RecordForm(OnceForm):
    provider_id = Id(message=_l("Choose who gave the time."))
    receiver_id = Id(message=_l("Choose who received the time."))
    minutes = time_boxes()
    occurred_on = Day([NotInFuture()], required=_l("Enter the date."))
    category = Text(validators=text_rules(rules.CATEGORY_MAX))
    activity_id = Id(required=False)
    description = description()


class GroupCreditForm(OnceForm):
    q = Text()
    action = Text()
    from_account = Text()
    direction = Text(validators=[OneOf(("members_gave", "members_received"), _CHOOSE)])
    member_ids = Ticked()
    minutes = time_boxes()
    occurred_on = Day([NotInFuture()], required=_l("Enter the date."))
    activity_id = Id(required=False)
    description = description()

    def validate_from_account(self, field):
        raw = field.data or ""
        if raw != "pool" and not (raw.isdigit() and 0 < int(raw) <= rules.MAX_ID):
            raise ValidationError(_("Choose the organisation, or the community pool."))

    def validate_member_ids(self, field):
        if not field.data:
            raise ValidationError(_("Tick at least one member."))
        if len(field.data) > rules.GROUP_CREDIT_MEMBERS_MAX:
            raise ValidationError(_("Tick at most %(count)d members.",
                                    count=rules.GROUP_CREDIT_MEMBERS_MAX))

    def source(self):
        raw = self.from_account.data
        return raw if raw == "pool" else int(raw)


class GrantForm(OnceForm):
    member_id = Id(message=_l("Choose who receives it."))
    minutes = time_boxes()
    description = description(_l("Say what the time is for; it is kept in the audit log."))


class SettingsForm(PageForm):
    name = Text(validators=text_rules(rules.NAME_MAX, _NAME))
    approval_required = Text(validators=[OneOf(("yes", "no"), _CHOOSE)])
    moderate_listings = Text(validators=[OneOf(("yes", "no"), _CHOOSE)])
    default_below = time_boxes(bounds=negated(rules.BANK_FLOOR_MINUTES))
    default_ceiling = time_boxes(required=False, bounds=rules.BANK_CEILING_MINUTES)
    approval_threshold = time_boxes(required=False)
    max_exchange = time_boxes()
    confirmation_days = WholeNumber(message=_l("Enter a whole number."),
                                    bounds=rules.BANK_DAYS["confirmation_days"])
    listing_days = WholeNumber(message=_l("Enter a whole number."),
                               bounds=rules.BANK_DAYS["listing_days"])
    dormant_days = WholeNumber(message=_l("Enter a whole number."),
                               bounds=rules.BANK_DAYS["dormant_days"])
    suppression_threshold = WholeNumber(message=_l("Enter a whole number."),
                                        bounds=rules.BANK_DAYS["suppression_threshold"])
    erased_balance_to = Text(validators=[OneOf(ERASED_BALANCE_DESTINATIONS, _CHOOSE)])
    retention_days = WholeNumber(required=False, bounds=rules.BANK_DAYS["retention_days"],
                                 message=_l("Enter a whole number of days, or leave it empty."))
    reason = Text(validators=text_rules(rules.REASON_MAX_LENGTH))

    def changes(self):
        """The settings as the service takes them, from the fields that were read."""
        below = self.default_below.minutes
        changes = {
            "name": self.name.data,
            "default_floor_minutes": -below if below is not None else None,
            "default_ceiling_minutes": self.default_ceiling.minutes,
            "approval_threshold_minutes": self.approval_threshold.minutes,
            "approval_required": self.approval_required.data == "yes",
            "moderate_listings": self.moderate_listings.data == "yes",
            "max_exchange_minutes": self.max_exchange.minutes,
            "erased_balance_to": self.erased_balance_to.data,
            "retention_days": self.retention_days.number,
        }
        for key in ("confirmation_days", "listing_days", "dormant_days",
                    "suppression_threshold"):
            changes[key] = getattr(self, key).number
        return changes


class CategoryForm(PageForm):
    name = Text(validators=text_rules(rules.CATEGORY_MAX, _l("Enter a name.")))


class ActivityForm(PageForm):
    name = Text(validators=text_rules(rules.NAME_MAX, _NAME))
    level = Text(validators=[OneOf(LEVELS, _l("Choose how much people take part."))])


class DecisionForm(PageForm):
    """A decision with an optional or required reason (the service says which); `back`
    is "queue" when it was sent from a card of the queue."""

    reason = Text(validators=text_rules(rules.REASON_MAX_LENGTH))
    back = Text()

    def from_queue(self):
        return self.back.data == "queue"


class ErasureForm(PageForm):
    erase_reason = Text()


class NewBankForm(OnceForm):
    """Every rule of a new bank is the service's; the form reads the fields."""

    name = Text()
    slug = Text(filters=(lambda text: (text or "").lower(),))
    coordinator_name = Text()
    email = Text()
    group = Text()
    password = Secret()


class ResearchGrantForm(PageForm):
    """The service checks every field at once; the form reads the evaluator and the date."""

    evaluator_id = Text()
    purpose = Text()
    ends_on = Day(required=_l("Enter the date."))

    def evaluator(self):
        chosen = self.evaluator_id.data or ""
        return int(chosen) if chosen.isdigit() and len(chosen) < 10 else None


class PrivacyNoticeForm(PageForm):
    """The notice's text is kept as typed, blank lines and all."""

    text_en = Text(trim=False)
    text_cy = Text(trim=False)


class MemberFilterForm(PageForm):
    """The members list's filters (GET); a value that isn't one of the options is ignored."""

    q = Text()
    group = Text()
    role = Text()
    status = Text()

    def filters(self):
        found = {"q": (self.q.data or "")[:rules.QUERY_MAX] or None}
        for key, allowed in (("group", GROUPS), ("role", ROLES), ("status", STATUSES)):
            value = getattr(self, key).data
            found[key] = value if value in allowed else None
        return found


class ExchangeFilterForm(PageForm):
    """The exchanges list's filters (GET); a value that isn't one is ignored."""

    status = Text()
    member_id = Text()

    def chosen_status(self, statuses):
        return self.status.data if self.status.data in statuses else None

    def chosen_member(self):
        raw = self.member_id.data or ""
        return int(raw) if raw.isdigit() and 0 < int(raw) <= rules.MAX_ID else None


class LookForm(PageForm):
    colour = StringField(_l("Colour"))
    welcome_text_en = TextAreaField(_l("Welcome in English"))
    welcome_text_cy = TextAreaField(_l("Welcome in Welsh"))
    contact_phone = StringField(_l("Phone"))
    contact_email = StringField(_l("Email"))
    contact_address = TextAreaField(_l("Address"))
    opening_hours = TextAreaField(_l("Opening hours"))
    look_reason = TextAreaField(_l("Why are you changing the look?"))


class LogoForm(PageForm):
    logo = FileField(_l("Logo"))
    remove_logo = BooleanField(_l("Remove the logo"))
    logo_reason = TextAreaField(_l("Why are you changing the logo?"))


# service field -> the page's field id
FIELD_IDS = {"reason": "correct-reason", "minutes_hours": "minutes", "minutes_mins": "minutes"}


class CorrectionForm(PageForm):
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


class ReportDecisionForm(PageForm):
    reason = TextAreaField(_l("Reason (needed to suspend; the members don't see it)"))
