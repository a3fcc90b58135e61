"""A bank's own look: its colour, welcome texts, contact details and logo.

The colour is the background of the bank's header and buttons and the colour of its
links, always with white or on white, so it must reach the WCAG 2 contrast of 4.5:1
against white. The logo is a PNG or JPEG recognised by its first bytes (never SVG, which
can carry script), at most MAX_LOGO_BYTES.
"""

import hashlib
import re

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Bank, BankLogo
from ..plain_text import has_control_characters
from . import audit, policy
from .errors import ValidationFailed
from .reasons import reason_text
from .transaction import unit_of_work

LOOK_FIELDS = ("colour", "welcome_text_en", "welcome_text_cy", "contact_phone",
               "contact_email", "contact_address", "opening_hours")
MIN_CONTRAST = 4.5
MAX_LOGO_BYTES = 200 * 1024
LOGO_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
PHONE = re.compile(r"^[0-9+() .-]{3,40}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LENGTHS = {"welcome_text_en": 2000, "welcome_text_cy": 2000, "contact_phone": 40,
           "contact_email": 254, "contact_address": 500, "opening_hours": 500}


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour."""
    def channel(hex_pair):
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_with_white(colour: str) -> float:
    """WCAG 2's contrast ratio of a #rrggbb colour against white (1 to 21)."""
    return 1.05 / (relative_luminance(colour) + 0.05)


def _colour_error(value):
    if not isinstance(value, str) or not COLOUR.match(value):
        return _("Give the colour as # and six hexadecimal digits, e.g. #1d4f91.")
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        return _("The colour %(colour)s has a contrast of %(ratio)s:1 with white; it needs at "
                 "least %(minimum)s:1 so that white text on it and it as text on white can be "
                 "read. Choose a darker colour.",
                 colour=value, ratio=f"{ratio:.2f}", minimum=MIN_CONTRAST)
    return None


def _text_error(key, value):
    if has_control_characters(value):
        return _("Remove unusual characters (such as control characters) from this text.")
    if len(value) > LENGTHS[key]:
        return _("Use at most %(count)d characters.", count=LENGTHS[key])
    if key == "contact_phone" and not PHONE.match(value):
        return _("Give a phone number of digits, spaces and + ( ) - only, e.g. 01632 960 123.")
    if key == "contact_email" and not EMAIL.match(value):
        return _("Give an email address like name@example.org.")
    return None


def clean(changes: dict) -> dict:
    """The look fields among `changes`, trimmed, empty ones as None, the colour in lower
    case; refused naming each field that is wrong."""
    cleaned, errors = {}, {}
    for key in LOOK_FIELDS:
        if key not in changes:
            continue
        value = changes[key]
        if value is not None and not isinstance(value, str):
            errors[key] = [_("Give text.")]
            continue
        value = (value or "").strip() or None
        if value is None:
            cleaned[key] = None
            continue
        error = _colour_error(value) if key == "colour" else _text_error(key, value)
        if error:
            errors[key] = [error]
        else:
            cleaned[key] = value.lower() if key == "colour" else value
    if errors:
        raise ValidationFailed(_("Check the look of the time bank."), errors)
    return cleaned


def logo_type(data: bytes) -> str:
    """The content type of a logo, from its first bytes; refused if not PNG or JPEG or too
    large."""
    if not data:
        raise ValidationFailed.field("logo", _("Choose a PNG or JPEG picture for the logo."))
    if len(data) > MAX_LOGO_BYTES:
        raise ValidationFailed.field(
            "logo", _("The logo is %(size)d kB; it can be at most %(limit)d kB.",
                      size=-(-len(data) // 1024), limit=MAX_LOGO_BYTES // 1024))
    for signature, content_type in LOGO_SIGNATURES:
        if data.startswith(signature):
            return content_type
    raise ValidationFailed.field("logo", _("The logo must be a PNG or JPEG picture."))


def set_logo(actor, data: bytes | None, *, reason="", now) -> Bank:
    """Store a new logo (or with None remove it), audited with its type, size and hash."""
    policy.authorize(actor, "bank.update")
    content_type = logo_type(data) if data is not None else None
    reason = reason_text(reason, _("Say why you are changing the logo: it is kept in the "
                                   "audit log."))
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    with unit_of_work() as session:
        bank = session.get(Bank, actor.bank_id)
        logo = session.get(BankLogo, bank.id)
        if data is None:
            if logo is not None:
                session.delete(logo)
        elif logo is None:
            session.add(BankLogo(bank_id=bank.id, content_type=content_type, data=data,
                                 updated_at=now))
        else:
            logo.content_type, logo.data, logo.updated_at = content_type, data, now
        details = {"before": {"logo": bank.logo_sha256},
                   "after": {"logo": digest}}
        if content_type:
            details.update(content_type=content_type, bytes=len(data))
        bank.logo_sha256 = digest
        audit.record(bank_id=bank.id, actor_id=actor.id, action="bank.logo_changed",
                     target_type="bank", target_id=bank.id, reason=reason, details=details,
                     now=now)
    return bank


def logo_of(slug) -> BankLogo | None:
    """A bank's logo, for anyone: a logo is shown on the bank's own pages and printouts."""
    return db.session.scalar(select(BankLogo).join(Bank, Bank.id == BankLogo.bank_id)
                             .where(Bank.slug == slug))


def welcome_text(bank, language: str) -> str | None:
    """The welcome in the reader's language, or in the other one if only that is given."""
    if language == "cy":
        return bank.welcome_text_cy or bank.welcome_text_en
    return bank.welcome_text_en or bank.welcome_text_cy


def version(bank) -> str:
    """A short name for the current colour and logo, for links that may be cached."""
    return hashlib.sha256(f"{bank.colour}|{bank.logo_sha256}".encode()).hexdigest()[:12]


def has_contact(bank) -> bool:
    return any(getattr(bank, key) for key in ("contact_phone", "contact_email",
                                              "contact_address", "opening_hours"))
