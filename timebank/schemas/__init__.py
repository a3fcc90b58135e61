"""Marshmallow schemas shared by the API, the pages and the OpenAPI document.

Input schemas refuse unknown fields, so a misspelt field is an error, not a
silent no-op. Output schemas describe exactly what the API answers.
"""

import datetime as dt

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from marshmallow import Schema, ValidationError, validates_schema

from .. import field_rules as rules
from ..field_rules import MAX_ID, REASON_MAX_LENGTH, has_control_characters
from ..models import (
    ERASURE_REASONS,
    EXCHANGE_STATUSES,
    GROUPS,
    LEVELS,
    LISTING_STATUSES,
    ROLES,
    STATUSES,
)
from ..models.bank import ERASED_BALANCE_DESTINATIONS
from ..models.ids import is_id
from . import fields, validate

MAX_PER_PAGE = 100
MINUTES = dict(strict=True)


class Text(fields.Str):
    """A string without NUL or other control characters (newlines and tabs allowed)."""

    default_error_messages = {"control": _l("Remove control characters from this text.")}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if has_control_characters(text):
            raise self.make_error("control")
        return text


class StrictBool(fields.Bool):
    """Only JSON true or false: 0, 1, "yes" and the like are refused, not guessed at."""

    default_error_messages = {"invalid": _l("Use true or false.")}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class UTCDateTime(fields.DateTime):
    """Timestamps are stored as naive UTC; the API says so with an explicit offset."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def _range(bounds):
    """A range from `field_rules`, the same one the pages' forms check."""
    return validate.Range(min=bounds[0], max=bounds[1])


def Id(**kwargs):  # noqa: N802 - reads like a field class
    return fields.Int(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


NAME = validate.Length(min=1, max=rules.NAME_MAX)


def plain(messages):
    """Marshmallow's messages with every lazy (translatable) message turned into text."""
    if isinstance(messages, dict):
        return {key: plain(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [plain(value) for value in messages]
    return str(messages) if isinstance(messages, LazyString) else messages


class Input(Schema):
    """Refuses unknown fields; its messages are in the request's language."""

    error_messages = {"unknown": _l("Unknown field."), "type": _l("Invalid input type.")}

    class Meta:
        ordered = True

    def handle_error(self, error, data, *, many, **kwargs):
        messages = plain(error.messages)
        if isinstance(error.messages, dict):
            error.messages.clear()
            error.messages.update(messages)
        else:
            error.messages[:] = messages


class Problem(Schema):
    """RFC 9457 problem details, with the API's `code` and field errors."""

    type = fields.Str(required=True)
    title = fields.Str(required=True)
    status = fields.Int(required=True)
    detail = fields.Str(required=True)
    code = fields.Str(required=True, validate=validate.OneOf([
        "validation_error", "not_found", "forbidden", "unauthenticated", "invalid_transition",
        "credit_limit_exceeded", "idempotency_key_reused", "rate_limited", "bad_request",
        "unsupported_media_type", "method_not_allowed", "payload_too_large"]))
    errors = fields.Dict(keys=fields.Str(), values=fields.List(fields.Str()))


class PageQuery(Input):
    page = fields.Int(load_default=1, validate=validate.Range(min=1, max=1_000_000),
                      metadata={"description": "Which page of results, from 1."})
    per_page = fields.Int(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"Results per page, at most {MAX_PER_PAGE}."})


class ListQuery(PageQuery):
    """Short lists (categories, activities) come whole by default."""

    per_page = fields.Int(load_default=MAX_PER_PAGE,
                          validate=validate.Range(min=1, max=MAX_PER_PAGE),
                          metadata={"description": f"Results per page, at most {MAX_PER_PAGE}."})


def page_of(item_schema, name):
    return type(name, (Schema,), {
        "items": fields.List(fields.Nested(item_schema), required=True),
        "page": fields.Int(required=True),
        "per_page": fields.Int(required=True),
        "total": fields.Int(required=True),
        "Meta": type("Meta", (), {"ordered": True}),
    })


class DateRangeQuery(PageQuery):
    from_ = fields.Date(data_key="from", load_default=None,
                        metadata={"description": "First day included (the day the time was "
                                                 "given), YYYY-MM-DD."})
    to = fields.Date(load_default=None,
                     metadata={"description": "First day no longer included, YYYY-MM-DD."})

    @validates_schema
    def _order(self, data, **kwargs):
        if data.get("from_") and data.get("to") and data["from_"] >= data["to"]:
            raise ValidationError(_("The end of the period must be after its start."), "to")


# --- tokens -------------------------------------------------------------------------------

class TokenRequest(Input):
    email = Text(required=True, validate=validate.Length(min=1, max=rules.EMAIL_MAX))
    password = Text(required=True, validate=validate.Length(min=1, max=rules.PASSWORD_MAX),
                          load_only=True)


class TokenResponse(Schema):
    token = fields.Str(required=True)
    expires_at = UTCDateTime(required=True)


class PasswordResetRequest(Input):
    email = Text(required=True, validate=validate.Length(min=1, max=rules.EMAIL_MAX))


class PasswordResetAccepted(Schema):
    detail = fields.Str(required=True)


class PasswordResetConfirm(Input):
    token = Text(required=True, validate=validate.Length(min=1, max=200), load_only=True)
    password = Text(required=True, validate=validate.Length(min=1, max=rules.PASSWORD_MAX), load_only=True)


# --- bank ---------------------------------------------------------------------------------

class BankSettings(Schema):
    class Meta:
        ordered = True

    slug = fields.Str(required=True)
    name = fields.Str(required=True)
    default_floor_minutes = fields.Int(required=True)
    default_ceiling_minutes = fields.Int(required=True, allow_none=True)
    approval_threshold_minutes = fields.Int(required=True, allow_none=True)
    approval_required = fields.Bool(required=True)
    moderate_listings = fields.Bool(required=True)
    confirmation_days = fields.Int(required=True)
    listing_days = fields.Int(required=True)
    dormant_days = fields.Int(required=True)
    suppression_threshold = fields.Int(required=True)
    max_exchange_minutes = fields.Int(required=True)
    erased_balance_to = fields.Str(required=True, validate=validate.OneOf(ERASED_BALANCE_DESTINATIONS),
                                   metadata={"description": "Where an erased member's balance "
                                             "goes: the community pool, or kept on the closed "
                                             "account."})
    retention_days = fields.Int(required=True, allow_none=True,
                                metadata={"description": "Days the personal data of members "
                                          "who left is kept before `members retention` erases "
                                          "it; null keeps it."})
    colour = fields.Str(required=True, allow_none=True, metadata={
        "description": "The bank's colour as #rrggbb: its header, buttons and links. It has at "
                       "least 4.5:1 contrast with white."})
    welcome_text_en = fields.Str(required=True, allow_none=True)
    welcome_text_cy = fields.Str(required=True, allow_none=True)
    contact_phone = fields.Str(required=True, allow_none=True)
    contact_email = fields.Str(required=True, allow_none=True)
    contact_address = fields.Str(required=True, allow_none=True)
    opening_hours = fields.Str(required=True, allow_none=True)
    logo_url = fields.Method("_logo_url", required=True, allow_none=True, metadata={
        "type": "string",
        "description": "Where the bank's logo is (PNG or JPEG), or null if it has none. Set "
                       "it with PUT /bank/logo."})

    def _logo_url(self, bank):
        if not getattr(bank, "logo_sha256", None):
            return None
        return url_for("web.bank_logo", slug=bank.slug, v=bank.logo_sha256[:12])


class BankSettingsPatch(Input):
    name = Text(validate=NAME)
    default_floor_minutes = fields.Int(validate=_range(rules.BANK_FLOOR_MINUTES), **MINUTES)
    default_ceiling_minutes = fields.Int(validate=_range(rules.BANK_CEILING_MINUTES),
                                         allow_none=True, **MINUTES)
    approval_threshold_minutes = fields.Int(validate=_range(rules.EXCHANGE_MINUTES),
                                            allow_none=True, **MINUTES)
    approval_required = StrictBool()
    moderate_listings = StrictBool()
    confirmation_days = fields.Int(validate=_range(rules.BANK_DAYS["confirmation_days"]), strict=True)
    listing_days = fields.Int(validate=_range(rules.BANK_DAYS["listing_days"]), strict=True)
    dormant_days = fields.Int(validate=_range(rules.BANK_DAYS["dormant_days"]), strict=True)
    suppression_threshold = fields.Int(validate=_range(rules.BANK_DAYS["suppression_threshold"]), strict=True)
    max_exchange_minutes = fields.Int(validate=_range(rules.EXCHANGE_MINUTES), **MINUTES)
    erased_balance_to = fields.Str(validate=validate.OneOf(ERASED_BALANCE_DESTINATIONS))
    retention_days = fields.Int(validate=_range(rules.BANK_DAYS["retention_days"]),
                                allow_none=True, strict=True)
    colour = Text(allow_none=True, validate=validate.Length(max=7), metadata={
        "description": "#rrggbb with at least 4.5:1 contrast with white (e.g. #1d4f91); the "
                       "error gives the contrast found. Null or empty: the default colour."})
    welcome_text_en = Text(allow_none=True, validate=validate.Length(max=2000))
    welcome_text_cy = Text(allow_none=True, validate=validate.Length(max=2000))
    contact_phone = Text(allow_none=True, validate=validate.Length(max=40))
    contact_email = Text(allow_none=True, validate=validate.Length(max=254))
    contact_address = Text(allow_none=True, validate=validate.Length(max=500))
    opening_hours = Text(allow_none=True, validate=validate.Length(max=500),
                         metadata={"description": "Free text, e.g. 'Mon–Fri 10:00–16:00'."})
    reason = Text(validate=validate.Length(max=REASON_MAX_LENGTH), load_default="",
                  metadata={"description": "Why the settings change: needed for any change, "
                                           "and kept in the audit log."})


class LogoQuery(Input):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH),
                  metadata={"description": "Why the logo changes: kept in the audit log."})


# --- members ------------------------------------------------------------------------------

class Me(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    name = fields.Str(required=True)
    group = fields.Str(required=True, validate=validate.OneOf(GROUPS))
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    bank = fields.Str(required=True)
    balance_minutes = fields.Int(required=True)
    floor_minutes = fields.Int(required=True)
    ceiling_minutes = fields.Int(required=True, allow_none=True)
    is_admin = fields.Bool(required=True)


class Member(Schema):
    """Email and balance are null unless the reader is the member or a coordinator."""

    class Meta:
        ordered = True

    id = fields.Int(required=True)
    name = fields.Str(required=True)
    group = fields.Str(required=True, validate=validate.OneOf(GROUPS))
    role = fields.Str(required=True, validate=validate.OneOf(ROLES))
    status = fields.Str(required=True, validate=validate.OneOf(STATUSES))
    skills = fields.Str(required=True)
    balance_minutes = fields.Int(required=True, allow_none=True)
    floor_minutes = fields.Int(required=True, allow_none=True)
    ceiling_minutes = fields.Int(required=True, allow_none=True)
    email = fields.Str(required=True, allow_none=True)
    birth_year = fields.Int(required=True, allow_none=True, metadata={
        "description": "Optional, for reports' age bands; null unless the reader is the member "
                       "or a coordinator."})


MemberPage = page_of(Member, "MemberPage")


class MemberQuery(PageQuery):
    q = Text(validate=validate.Length(max=rules.QUERY_MAX), load_default=None,
             metadata={"description": "Words to find in names or skills (any case)."})
    group = Text(validate=validate.OneOf(GROUPS), load_default=None)
    role = Text(validate=validate.OneOf(ROLES), load_default=None)
    status = Text(validate=validate.OneOf(STATUSES), load_default=None,
                  metadata={"description": "Only coordinators see members who are not active."})


class MemberCreate(Input):
    name = Text(required=True, validate=NAME)
    email = fields.Email(load_default=None, allow_none=True,
                         validate=validate.Length(max=rules.EMAIL_MAX))
    group = Text(required=True, validate=validate.OneOf(GROUPS))
    role = Text(load_default="member", validate=validate.OneOf(ROLES))
    password = Text(load_default=None, allow_none=True, load_only=True,
                          validate=validate.Length(max=rules.PASSWORD_MAX))
    skills = Text(load_default="", validate=validate.Length(max=rules.SKILLS_MAX))
    birth_year = fields.Int(allow_none=True, load_default=None, strict=True,
                            metadata={"description": "Year of birth (optional): only for the "
                                      "reports' age bands. A plausible year: up to 110 years ago "
                                      "and at least 10 years ago."})


class MemberPatch(Input):
    name = Text(validate=NAME)
    skills = Text(validate=validate.Length(max=rules.SKILLS_MAX))
    birth_year = fields.Int(allow_none=True, strict=True,
                            metadata={"description": "Year of birth (optional): only for the "
                                      "reports' age bands. A plausible year: up to 110 years ago "
                                      "and at least 10 years ago."})
    group = Text(validate=validate.OneOf(GROUPS))
    role = Text(validate=validate.OneOf(ROLES))
    status = Text(validate=validate.OneOf(STATUSES))
    floor_minutes = fields.Int(validate=_range(rules.FLOOR_MINUTES), **MINUTES)
    ceiling_minutes = fields.Int(validate=_range(rules.CEILING_MINUTES),
                                 allow_none=True, **MINUTES)
    reason = Text(validate=validate.Length(max=REASON_MAX_LENGTH), load_default="",
                  metadata={"description": "Why: needed for group, role, status and limit "
                                           "changes, and kept in the audit log."})


class StatementItem(Schema):
    class Meta:
        ordered = True

    entry_id = fields.Int(required=True)
    occurred_on = fields.Date(required=True)
    posted_at = UTCDateTime(required=True)
    kind = fields.Str(required=True)
    counterparty_id = fields.Int(required=True, allow_none=True)
    minutes = fields.Int(required=True)
    balance_after = fields.Int(required=True, metadata={
        "description": "Minutes on the account once this row and every row before it in the "
                       "statement's order (date of the exchange, then posting order) are "
                       "counted, over the whole history: the newest row's is the balance now."})
    description = fields.Str(required=True)


StatementPage = page_of(StatementItem, "StatementPage")


# --- catalogue ----------------------------------------------------------------------------

class Category(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)


class CategoryCreate(Input):
    name = Text(required=True, validate=validate.Length(min=1, max=rules.CATEGORY_MAX))


class Activity(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    level = fields.Str(required=True, validate=validate.OneOf(LEVELS))


class ActivityCreate(Input):
    name = Text(required=True, validate=NAME)
    level = Text(required=True, validate=validate.OneOf(LEVELS))


CategoryPage = page_of(Category, "CategoryPage")
ActivityPage = page_of(Activity, "ActivityPage")


# --- ledger -------------------------------------------------------------------------------

class VerifyCheck(Schema):
    name = fields.Str(required=True)
    ok = fields.Bool(required=True)
    detail = fields.Str(required=True)


class VerifyReport(Schema):
    ok = fields.Bool(required=True)
    checks = fields.List(fields.Nested(VerifyCheck), required=True)


# --- listings -----------------------------------------------------------------------------

LISTING_KINDS = ("offer", "request")


class Listing(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    kind = fields.Str(required=True, validate=validate.OneOf(LISTING_KINDS))
    title = fields.Str(required=True)
    description = fields.Str(required=True)
    category = fields.Str(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(LISTING_STATUSES))
    member_id = fields.Int(required=True)
    member_name = fields.Str(required=True)
    rejection_reason = fields.Str(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    published_at = UTCDateTime(required=True, allow_none=True)
    expires_at = UTCDateTime(required=True, allow_none=True)


ListingPage = page_of(Listing, "ListingPage")


class ListingQuery(PageQuery):
    kind = Text(validate=validate.OneOf(LISTING_KINDS), load_default=None)
    category = Text(validate=validate.Length(min=1, max=rules.CATEGORY_MAX), load_default=None)
    q = Text(validate=validate.Length(max=rules.QUERY_MAX), load_default=None)
    status = Text(validate=validate.OneOf(LISTING_STATUSES), load_default=None)
    member_id = Id(load_default=None)


class ListingCreate(Input):
    kind = Text(required=True, validate=validate.OneOf(LISTING_KINDS))
    title = Text(required=True, validate=validate.Length(min=1, max=rules.TITLE_MAX))
    description = Text(load_default="", validate=validate.Length(max=rules.LISTING_TEXT_MAX))
    category = Text(required=True, validate=validate.Length(min=1, max=rules.CATEGORY_MAX))


class Reason(Input):
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH))


class Erasure(Input):
    reason = fields.Str(required=True, validate=validate.OneOf(ERASURE_REASONS), metadata={
        "description": "Why the data is erased, as a code (kept in the audit log; free text "
                       "could itself name the member)."})


class Erased(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    status = fields.Str(required=True)
    erased_at = UTCDateTime(required=True)
    balance_minutes = fields.Int(required=True)


class MemberExport(Schema):
    """Everything held about the member; other people appear only as ids."""

    class Meta:
        ordered = True

    format_version = fields.Str(required=True)
    generated_at = fields.Str(required=True)
    bank = fields.Str(required=True)
    profile = fields.Dict(required=True)
    account = fields.Dict(required=True)
    status_history = fields.List(fields.Dict(), required=True)
    listings = fields.List(fields.Dict(), required=True)
    exchanges = fields.List(fields.Dict(), required=True)
    statement = fields.List(fields.Dict(), required=True)
    consents = fields.List(fields.Dict(), required=True)
    audit_events = fields.List(fields.Dict(), required=True)
    api_tokens = fields.List(fields.Dict(), required=True)
    repeat_protection = fields.List(fields.Dict(), required=True)


class OptionalReason(Input):
    reason = Text(load_default="", validate=validate.Length(max=REASON_MAX_LENGTH))


# --- exchanges ----------------------------------------------------------------------------


class Exchange(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    status = fields.Str(required=True, validate=validate.OneOf(EXCHANGE_STATUSES))
    provider_id = fields.Int(required=True)
    receiver_id = fields.Int(required=True)
    minutes = fields.Int(required=True)
    occurred_on = fields.Date(required=True)
    description = fields.Str(required=True)
    category = fields.Str(required=True, allow_none=True)
    activity_id = fields.Int(required=True, allow_none=True)
    listing_id = fields.Int(required=True, allow_none=True)
    logged_by_id = fields.Int(required=True)
    entry_id = fields.Int(required=True, allow_none=True)
    reason = fields.Str(required=True, allow_none=True)
    created_at = UTCDateTime(required=True)
    expires_at = UTCDateTime(required=True, allow_none=True)
    would_exceed_limit = fields.Bool(required=True, allow_none=True, metadata={
        "description": "For coordinators, on an exchange still to be posted: whether posting "
                       "it now would take either account below its floor or above its "
                       "ceiling (then approving it is refused). Null otherwise."})


ExchangePage = page_of(Exchange, "ExchangePage")


class ExchangeQuery(PageQuery):
    status = Text(validate=validate.OneOf(EXCHANGE_STATUSES), load_default=None)
    member_id = Id(load_default=None)


class ExchangeCreate(Input):
    provider_id = Id(required=True)
    receiver_id = Id(required=True)
    minutes = fields.Int(required=True, validate=_range(rules.EXCHANGE_MINUTES), **MINUTES)
    occurred_on = fields.Date(required=True)
    description = Text(load_default="", validate=validate.Length(max=rules.DESCRIPTION_MAX))
    category = Text(load_default=None, allow_none=True,
                    validate=validate.Length(min=1, max=rules.CATEGORY_MAX))
    listing_id = Id(load_default=None, allow_none=True)
    activity_id = Id(load_default=None, allow_none=True)


class ExchangeCorrection(Input):
    minutes = fields.Int(required=True, validate=validate.Range(min=1, max=100_000), **MINUTES)
    occurred_on = fields.Date(load_default=None, allow_none=True)
    description = Text(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    reason = Text(required=True, validate=validate.Length(min=1, max=REASON_MAX_LENGTH))


# --- group credits and the pool -------------------------------------------------------------

class AccountRef(fields.Field):
    """A member id, or the string "pool"."""

    default_error_messages = {"invalid": _l('Give a member id or "pool".')}

    def _deserialize(self, value, attr, data, **kwargs):
        if value == "pool":
            return value
        if is_id(value):
            return value
        raise self.make_error("invalid")

    def _serialize(self, value, attr, obj, **kwargs):
        return value


class GroupCreditCreate(Input):
    from_account = AccountRef(required=True, metadata={
        "oneOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID},
                  {"type": "string", "enum": ["pool"]}]})
    member_ids = fields.List(Id(), required=True,
                            validate=validate.Length(min=1, max=rules.GROUP_CREDIT_MEMBERS_MAX))
    minutes = fields.Int(required=True, validate=_range(rules.EXCHANGE_MINUTES), **MINUTES)
    occurred_on = fields.Date(required=True)
    activity_id = Id(load_default=None, allow_none=True)
    description = Text(load_default="", validate=validate.Length(max=rules.DESCRIPTION_MAX))
    direction = Text(load_default="members_gave",
                     validate=validate.OneOf(("members_gave", "members_received")))


class GroupCredit(Schema):
    class Meta:
        ordered = True

    entry_id = fields.Int(required=True)
    from_account = AccountRef(required=True, metadata={
        "oneOf": [{"type": "integer"}, {"type": "string", "enum": ["pool"]}]})
    member_ids = fields.List(fields.Int(), required=True)
    minutes = fields.Int(required=True)
    occurred_on = fields.Date(required=True)
    activity_id = fields.Int(required=True, allow_none=True)
    description = fields.Str(required=True)
    direction = fields.Str(required=True)


class Pool(Schema):
    balance_minutes = fields.Int(required=True)
    floor_minutes = fields.Int(required=True)
    donated_minutes = fields.Int(required=True)
    granted_minutes = fields.Int(required=True)


class DonationCreate(Input):
    minutes = fields.Int(required=True, validate=_range(rules.EXCHANGE_MINUTES), **MINUTES)
    description = Text(load_default="", validate=validate.Length(max=rules.DESCRIPTION_MAX))


class GrantCreate(Input):
    member_id = Id(required=True)
    minutes = fields.Int(required=True, validate=_range(rules.EXCHANGE_MINUTES), **MINUTES)
    description = Text(required=True, validate=validate.Length(min=1, max=rules.DESCRIPTION_MAX))


class PoolPosting(Schema):
    class Meta:
        ordered = True

    entry_id = fields.Int(required=True)
    member_id = fields.Int(required=True)
    minutes = fields.Int(required=True)
    occurred_on = fields.Date(required=True)
    description = fields.Str(required=True)


class WaitingMember(Schema):
    id = fields.Int(required=True)
    name = fields.Str(required=True)
    group = fields.Str(required=True)


class Waiting(Schema):
    class Meta:
        ordered = True

    to_confirm = fields.List(fields.Nested(Exchange), required=True)
    awaiting_others = fields.List(fields.Nested(Exchange), required=True)
    to_approve = fields.List(fields.Nested(Exchange), required=True)
    disputes = fields.List(fields.Nested(Exchange), required=True)
    listings = fields.List(fields.Nested(Listing), required=True)
    members = fields.List(fields.Nested(WaitingMember), required=True)
    unread_messages = fields.Int(required=True, metadata={
        "description": "Messages from other members you have not read yet (GET /messages)."})
    reported_messages = fields.Int(required=True, metadata={
        "description": "Coordinators: reported messages waiting for a decision."})
