"""Single-use links to a user's account: password reset, e-mail verification, invitation.

A link's token is random and long, so the database keeps only its SHA-256. A link
that goes by e-mail gets its token when the message leaves the outbox
(`outbox.TOKEN_MARK` stands in for it until then); an invitation printed for a
member gets its token at once and shows it once. A token works once, before it
expires: the first use is a conditional UPDATE on `used_at`, so two uses at the
same moment can't both succeed.

`link` arguments are addresses with `outbox.TOKEN_MARK` where the token goes,
built by the pages (services don't know the site's address).
"""

import datetime as dt

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..extensions import db
from ..locales import formatting_locale
from ..models import AccountLink, ApiToken, Member, User, ids
from ..models.statuses import MemberStatus
from ..wording import accounts
from . import outbox, policy
from .errors import NotFound, ValidationFailed
from .passwords import hash_password, password_problem
from .transaction import unit_of_work

RESET_LIFETIME = dt.timedelta(hours=1)
VERIFY_LIFETIME = dt.timedelta(days=3)
INVITATION_LIFETIME = dt.timedelta(days=14)


def _new_link(user_id, purpose, *, now, lifetime, token=None):
    link = AccountLink(user_id=user_id, purpose=purpose, created_at=now, expires_at=now + lifetime,
                       token_hash=outbox.link_digest(token) if token else None)
    db.session.add(link)
    db.session.flush()
    return link


def _mail(user, kind, *, link_id=None, now, **context):
    member = user.member
    with force_locale(formatting_locale(user.language or "en")):
        subject, body = accounts.MESSAGES[kind](**context)
    outbox.enqueue(recipient=user.email, subject=subject, body=body, kind=kind,
                   bank_id=member.bank_id if member else None,
                   member_id=member.id if member else None, link_id=link_id, now=now)


def request_password_reset(email, *, link, now, lifetime=RESET_LIFETIME):
    """Mail a reset link if the address belongs to someone who may sign in; say nothing
    either way (the caller answers the same whatever happened)."""
    address = email.strip().lower() if isinstance(email, str) else None
    if not address:
        raise ValidationFailed.field("email", _("Enter your email address."))
    with unit_of_work() as session:
        user = session.scalar(select(User).where(User.email == address))
        if user is None or (user.member is not None and user.member.status == MemberStatus.LEFT):
            return
        reset = _new_link(user.id, "reset", now=now, lifetime=lifetime)
        _mail(user, "password_reset", link_id=reset.id, now=now,
              link=link, minutes=int(lifetime.total_seconds() // 60))


def verification_mail(user, *, link, bank_name, now, lifetime=VERIFY_LIFETIME):
    """Add a link to confirm `user`'s address to the current unit of work."""
    verify = _new_link(user.id, "verify", now=now, lifetime=lifetime)
    _mail(user, "verify_email", link_id=verify.id, now=now, link=link, bank=bank_name)


def known_address_mail(user, *, reset_link, bank_name, now, lifetime=RESET_LIFETIME):
    """Someone tried to join with an address that has an account: tell its owner, and offer
    a reset link, in the current unit of work."""
    reset = _new_link(user.id, "reset", now=now, lifetime=lifetime)
    _mail(user, "join_known_address", link_id=reset.id, now=now, link=reset_link,
          bank=bank_name)


def invitation_mail(member, *, link, now, lifetime=INVITATION_LIFETIME):
    invite = _new_link(member.user.id, "invite", now=now, lifetime=lifetime)
    _mail(member.user, "invitation", link_id=invite.id, now=now, link=link,
          bank=member.bank.name, name=member.name, days=lifetime.days)


def print_invitation(actor, member_id, *, now, lifetime=INVITATION_LIFETIME):
    """A coordinator's invitation for a member to print and hand over: (member, token,
    expires_at). The token is shown this once; earlier unused invitations stop working."""
    member = ids.get(Member, member_id)
    policy.authorize(actor, "members.create", member, what="member")
    if member.user is None:
        raise ValidationFailed.field(
            "email", _("Add an email address for this member first: it is how they sign in."))
    token = outbox.new_link_token()
    with unit_of_work() as session:
        _spend_unused(session, member.user_id, "invite", now)
        invite = _new_link(member.user_id, "invite", now=now, lifetime=lifetime, token=token)
    return member, token, invite.expires_at


def _spend_unused(session, user_id, purpose, now):
    session.execute(update(AccountLink).where(
        AccountLink.user_id == user_id, AccountLink.purpose == purpose,
        AccountLink.used_at.is_(None)).values(used_at=now))


def _link_problem():
    return _("This link has expired or was already used. Ask for a new one.")


def find(token, purpose, *, now) -> AccountLink:
    """The unused, unexpired link with this token, or ValidationFailed naming `token`."""
    found = None
    if isinstance(token, str) and 0 < len(token) <= 200:
        found = db.session.scalar(select(AccountLink).where(
            AccountLink.token_hash == outbox.link_digest(token), AccountLink.purpose == purpose))
    if found is None or found.used_at is not None or found.expires_at <= now:
        raise ValidationFailed.field("token", _link_problem())
    return found


def invited_member(token, *, now) -> Member:
    link = find(token, "invite", now=now)
    if link.user.member is None:
        raise NotFound(_("That member was not found."))
    return link.user.member


def _use(session, link, now):
    used = session.execute(
        update(AccountLink).where(AccountLink.id == link.id, AccountLink.used_at.is_(None),
                                  AccountLink.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)).rowcount
    if used != 1:
        raise ValidationFailed.field("token", _link_problem())


def _set_password(token, password, purpose, *, now) -> User:
    link = find(token, purpose, now=now)
    problem = password_problem(password, email=link.user.email)
    if problem:
        raise ValidationFailed.field("password", problem)
    password_hash = hash_password(password)
    user_id = link.user_id
    with unit_of_work() as session:
        _use(session, link, now)
        _spend_unused(session, user_id, purpose, now)
        user = session.get(User, user_id)
        user.password_hash = password_hash
        user.session_version += 1
        user.email_verified_at = user.email_verified_at or now
        session.execute(update(ApiToken).where(ApiToken.user_id == user_id,
                                               ApiToken.revoked_at.is_(None))
                        .values(revoked_at=now))
    return user


def reset_password(token, password, *, now) -> User:
    """Set a new password with a reset link: the link is spent, other reset links too, every
    session ends and API tokens are revoked. Receiving the link proves the address."""
    return _set_password(token, password, "reset", now=now)


def accept_invitation(token, password, *, now) -> User:
    return _set_password(token, password, "invite", now=now)


def verify_email(token, *, now) -> User:
    link = find(token, "verify", now=now)
    with unit_of_work() as session:
        _use(session, link, now)
        user = session.get(User, link.user_id)
        user.email_verified_at = user.email_verified_at or now
    return user
