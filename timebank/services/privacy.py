"""A bank's privacy notice and members' acceptance of it.

Each bank starts with a default notice (version 1). A coordinator publishes a new
version by editing the text; members who have not accepted the newest version are
asked to read it when they next sign in. Joining records the version accepted.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import Consent, PrivacyNotice
from ..plain_text import has_control_characters
from . import audit, policy
from .errors import ValidationFailed
from .transaction import unit_of_work

MAX_LENGTH = 20_000
DEFAULT_EN = (
    "This time bank keeps your name, email address, what you can bring, the offers and "
    "requests you post, and the time you give and receive, so that members can find each "
    "other and your hours are counted. Coordinators can see all of it; other members see "
    "your name, what you can bring and your listings. You can download everything we hold "
    "about you from your profile, and ask a coordinator to erase it."
)
DEFAULT_CY = (
    "Mae'r banc amser hwn yn cadw eich enw, eich cyfeiriad e-bost, yr hyn y gallwch ei "
    "gynnig, y cynigion a'r ceisiadau rydych yn eu postio, a'r amser rydych yn ei roi ac yn ei "
    "dderbyn, fel bod aelodau'n gallu dod o hyd i'w gilydd a bod eich oriau'n cael eu cyfrif. "
    "Gall cydlynwyr weld y cyfan; mae aelodau eraill yn gweld eich enw, yr hyn y gallwch ei "
    "gynnig a'ch hysbysebion. Gallwch lawrlwytho popeth sydd gennym amdanoch o'ch proffil, a "
    "gofyn i gydlynydd ei ddileu."
)


def add_default(bank_id, *, now):
    """Version 1 for a new bank, inside the caller's transaction."""
    db.session.add(PrivacyNotice(bank_id=bank_id, version=1, text_en=DEFAULT_EN,
                                 text_cy=DEFAULT_CY, published_at=now))


def current(bank_id) -> PrivacyNotice | None:
    return db.session.scalar(select(PrivacyNotice).where(PrivacyNotice.bank_id == bank_id)
                             .order_by(PrivacyNotice.version.desc()).limit(1))


def _text(field, value):
    value = (value or "").strip()
    if not value:
        raise ValidationFailed.field(field, _("Write the notice in English and in Welsh."))
    if len(value) > MAX_LENGTH:
        raise ValidationFailed.field(field, _("Keep the notice to %(count)s characters or fewer.",
                                              count=MAX_LENGTH))
    if has_control_characters(value.replace("\n", "").replace("\r", "").replace("\t", "")):
        raise ValidationFailed.field(field, _(
            "Remove unusual characters (such as control characters) from this text."))
    return value


def publish(actor, *, text_en, text_cy, now) -> PrivacyNotice:
    """A new version; members are asked to read it at their next sign-in. Audited."""
    policy.authorize(actor, "privacy.publish")
    text_en, text_cy = _text("text_en", text_en), _text("text_cy", text_cy)
    with unit_of_work() as session:
        latest = current(actor.bank_id)
        if latest is not None and (latest.text_en, latest.text_cy) == (text_en, text_cy):
            raise ValidationFailed.field("text_en", _("The notice is unchanged."))
        notice = PrivacyNotice(bank_id=actor.bank_id, version=(latest.version if latest else 0) + 1,
                               text_en=text_en, text_cy=text_cy, published_by_id=actor.id,
                               published_at=now)
        session.add(notice)
        session.flush()
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="privacy.published",
                     target_type="bank", target_id=actor.bank_id,
                     details={"version": notice.version}, now=now)
    return notice


def record_acceptance(member, notice, *, now):
    """Inside the caller's transaction."""
    db.session.add(Consent(bank_id=member.bank_id, member_id=member.id, notice_id=notice.id,
                           accepted_at=now))


def needs_acceptance(member) -> PrivacyNotice | None:
    """The newest notice if the member has not accepted it yet and it is a new version.

    The default notice (version 1) is accepted when joining on the web; members a
    coordinator adds are given it by the coordinator, so they are asked only once a
    coordinator publishes a version of the bank's own.
    """
    notice = current(member.bank_id)
    if notice is None or notice.version == 1:
        return None
    accepted = db.session.scalar(select(Consent.id).where(Consent.member_id == member.id,
                                                          Consent.notice_id == notice.id))
    return None if accepted else notice


def accept(member, version, *, now):
    """The member accepts the version they were shown (an older one if a newer one was
    published meanwhile: they will be asked again)."""
    notice = db.session.scalar(select(PrivacyNotice).where(
        PrivacyNotice.bank_id == member.bank_id, PrivacyNotice.version == version))
    if notice is None:
        raise ValidationFailed.field("version", _("That version of the notice was not found."))
    with unit_of_work() as session:
        if session.scalar(select(Consent.id).where(Consent.member_id == member.id,
                                                   Consent.notice_id == notice.id)) is None:
            record_acceptance(member, notice, now=now)
