"""Telling people what waits for them: email through SMTP, or the log when none is set.

Sent after the work is committed; a failure to send is logged and never undoes
or breaks the request. Messages are in the recipient's language.
"""

import smtplib
from collections import deque
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..ledger import format_minutes
from ..models import Member
from . import words

log_name = "timebank.notifications"


def _hours(minutes):
    return format_minutes(minutes, hour=_("h"), minute=_("min"))


def _date(day):
    return format_date(day, "long")


def _message(kind, **context):
    """(subject, body) for a kind of event, in the current locale."""
    exchange = context.get("exchange")
    listing = context.get("listing")
    if kind == "exchange_to_confirm":
        return (_("Please confirm an exchange"),
                _("%(name)s recorded %(time)s on %(date)s: \"%(what)s\". Please confirm it "
                  "or say if something is wrong.", name=exchange.logged_by.name,
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on),
                  what=exchange.description))
    if kind == "exchange_posted":
        return (_("Your exchange is recorded"),
                _("%(time)s on %(date)s is now in your time account.",
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on)))
    if kind == "exchange_needs_decision":
        return (_("An exchange waits for a coordinator"),
                _("Exchange %(id)s (%(time)s) is %(status)s and needs a decision.",
                  id=exchange.id, time=_hours(exchange.minutes),
                  status=words.exchange_status(exchange.status)))
    if kind == "exchange_cancelled":
        return (_("An exchange was cancelled"),
                _("Exchange %(id)s (%(time)s on %(date)s) was cancelled.", id=exchange.id,
                  time=_hours(exchange.minutes), date=_date(exchange.occurred_on)))
    if kind == "listing_pending":
        return (_("A listing waits for approval"),
                _("\"%(title)s\" waits for a coordinator.", title=listing.title))
    if kind == "listing_approved":
        return (_("Your listing is published"),
                _("\"%(title)s\" can now be seen by other members.", title=listing.title))
    if kind == "listing_rejected":
        return (_("Your listing needs a change"),
                _("\"%(title)s\" was not published: %(reason)s", title=listing.title,
                  reason=listing.rejection_reason))
    if kind == "member_approved":
        return (_("Welcome to the time bank"),
                _("Your membership is approved. You can now sign in and take part."))
    raise ValueError(kind)


def to_member(member, kind, **context):
    if member is None or member.user is None:
        return
    with force_locale(member.user.language or "en"):
        subject, body = _message(kind, **context)
    _send(member.user.email, subject, body, kind=kind, member_id=member.id)


def to_coordinators(bank_id, kind, **context):
    for member in db.session.scalars(select(Member).where(
            Member.bank_id == bank_id, Member.role == "coordinator", Member.status == "active")):
        to_member(member, kind, **context)


def _send(address, subject, body, *, kind, member_id):
    config = current_app.config
    logger = current_app.logger
    if not config.get("MAIL_SERVER"):
        logger.info("notification %s for member %s: %s", kind, member_id, subject)
        current_app.extensions.setdefault("timebank_outbox", deque(maxlen=200)).append(
            {"to": address, "subject": subject, "body": body, "kind": kind})
        return
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = config["MAIL_FROM"], address, subject
    message.set_content(body)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        logger.warning("could not send %s notification to member %s: %s", kind, member_id,
                       type(error).__name__)
