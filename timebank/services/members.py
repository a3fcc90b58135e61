"""Creating members: a login when they have an email, and a time account always."""

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy import update as sa_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from .. import field_rules as rules
from ..extensions import db
from ..models import (
    GROUPS,
    ROLES,
    STATUSES,
    Account,
    ApiToken,
    Bank,
    Member,
    MemberStatusChange,
    User,
    ids,
)
from ..models.statuses import MemberStatus
from . import account_links, accounts, audit, notifications, policy, privacy
from .errors import Forbidden, InvalidTransition, ValidationFailed
from .paging import paginate
from .passwords import hash_password, password_problem
from .reasons import reason_text
from .transaction import is_unique_violation, unit_of_work

OLDEST_AGE = 110
YOUNGEST_AGE = 10


def birth_year_range(today) -> tuple[int, int]:
    """The years of birth that are plausible for a member today."""
    return today.year - OLDEST_AGE, today.year - YOUNGEST_AGE


def check_birth_year(value, today):
    """A year of birth, or None when not given; refused naming the field if implausible.

    It is optional, and asked only so that reports can count members by age band."""
    if value is None or value == "":
        return None
    earliest, latest = birth_year_range(today)
    if isinstance(value, bool) or not isinstance(value, int) or not earliest <= value <= latest:
        raise ValidationFailed.field("birth_year", _(
            "Enter a year of birth between %(earliest)d and %(latest)d, or leave it empty.",
            earliest=earliest, latest=latest))
    return value


def birth_year_from_text(text, today):
    """A year of birth typed in a form ("" for none), checked as check_birth_year does."""
    text = (text or "").strip()
    if not text:
        return None
    return check_birth_year(int(text) if text.isdigit() and len(text) <= 4 else -1, today)


def normalise_email(email):
    return email.strip().lower() if isinstance(email, str) else email


def _check_member_fields(*, name, email, group, role, status, password, errors):
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > rules.NAME_MAX:
        errors["name"] = [_("Enter a name of up to 120 characters.")]
    if email is not None and (not isinstance(email, str) or not rules.email_shaped(email)):
        errors["email"] = [_("Enter an email address like name@example.org.")]
    if group not in GROUPS:
        errors["group"] = [_("Choose one of: %(choices)s.", choices=", ".join(GROUPS))]
    if role not in ROLES:
        errors["role"] = [_("Choose one of: %(choices)s.", choices=", ".join(ROLES))]
    if status not in STATUSES:
        errors["status"] = [_("Choose one of: %(choices)s.", choices=", ".join(STATUSES))]
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            errors["password"] = [problem]
        if email is None:
            errors.setdefault("email", []).append(_("A member who signs in needs an email address."))


def add_member(
    bank,
    *,
    name,
    email=None,
    group="citizen",
    role="member",
    status=MemberStatus.PENDING,
    password=None,
    password_hash=None,
    skills="",
    is_admin=False,
    language=None,
    actor_id=None,
    birth_year=None,
    now,
):
    """Add a member (and their account) to the current transaction; no commit.

    `language` is the language of their pages and emails (None: the browser's, and English
    for emails)."""
    email = normalise_email(email) or None
    errors = {}
    _check_member_fields(
        name=name, email=email, group=group, role=role, status=status, password=password,
        errors=errors,
    )
    try:
        birth_year = check_birth_year(birth_year, now.date())
    except ValidationFailed as error:
        errors.update(error.errors)
    if email and "email" not in errors and email_taken(email):
        errors["email"] = [_email_taken()]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    user = None
    if email:
        user = User(
            email=email,
            password_hash=password_hash or (hash_password(password) if password else None),
            is_admin=is_admin,
            language=language,
            created_at=now,
        )
        db.session.add(user)
    member = Member(
        bank_id=bank.id,
        user=user,
        name=name.strip(),
        group=group,
        role=role,
        status=status,
        skills=skills or "",
        birth_year=birth_year,
        joined_on=now.date(),
        created_at=now,
    )
    db.session.add(member)
    db.session.flush()
    account = Account(
        bank_id=bank.id,
        member_id=member.id,
        floor_minutes=bank.default_floor_minutes,
        ceiling_minutes=bank.default_ceiling_minutes,
    )
    db.session.add(account)
    db.session.add(
        MemberStatusChange(bank_id=bank.id, member_id=member.id, status=status, changed_at=now)
    )
    audit.record(
        bank_id=bank.id,
        actor_id=actor_id,
        action="member.created",
        target_type="member",
        target_id=member.id,
        details={"role": role, "group": group, "status": status, "admin": bool(is_admin)},
        facts=accounts.limit_facts(account),
        now=now,
    )
    return member


def _email_taken():
    return _("Someone already uses this email address.")


def email_taken(email) -> bool:
    return bool(db.session.scalar(select(func.count(User.id)).where(User.email == email)))


def create_member(bank, *, now, then=None, accepted_notice=None, **fields):
    """Add a member in a unit of work of its own; `then(member)` runs in it too (to write
    the mail that announces the member, for instance), and the privacy notice they
    accepted, if any, is recorded with them."""
    try:
        with unit_of_work():
            member = add_member(bank, now=now, **fields)
            if accepted_notice is not None:
                privacy.record_acceptance(member, accepted_notice, now=now)
            if then is not None:
                then(member)
    except IntegrityError as error:
        # someone took the email address between the check and the insert
        if is_unique_violation(error) and "email" in str(error.orig).lower():
            raise ValidationFailed.field("email", _email_taken()) from None
        raise
    return member


def create_by(actor, *, name, email=None, group, role="member", password=None, skills="",
              birth_year=None, invitation_link=None, now):
    """A coordinator adds someone: active at once, since the coordinator has met them.

    Someone given an email address but no password gets an invitation by e-mail to choose
    one (when `invitation_link` is given); the coordinator can also print one for them."""
    policy.authorize(actor, "members.create")
    bank = actor.bank

    def invite(member):
        if invitation_link and member.user is not None and not password:
            account_links.invitation_mail(member, link=invitation_link, now=now)

    return create_member(bank, name=name, email=email, group=group, role=role, status=MemberStatus.ACTIVE,
                         password=password, skills=skills, birth_year=birth_year,
                         actor_id=actor.id, now=now, then=invite)


def register(bank, *, name, email, password, group="citizen", skills="", language=None,
             verify_link=None, reset_link=None, privacy_version=None, birth_year=None, now):
    """Someone asks to join on the web: pending until a coordinator approves. The language
    they asked in is kept, so that emails to them are in it too; the version of the privacy
    notice they accepted is recorded (it must be the one in force).

    The answer is the same whether or not the address already has an account, and costs the
    same password hash: a known address gets an e-mail instead of a second account, so that
    joining can't be used to find out who has one. Returns the new member, or None."""
    if group not in ("citizen", "professional"):
        raise ValidationFailed.field("group", _("Choose citizen or professional. "
                                                       "Organisations are added by a coordinator."))
    if not password:
        raise ValidationFailed.field("password", _("Choose a password."))
    notice = privacy.current(bank.id)
    if notice is not None and privacy_version != notice.version:
        raise ValidationFailed.field("privacy", _(
            "Read the privacy notice and tick the box to say you accept it."))
    email = normalise_email(email) or None
    errors = {}
    _check_member_fields(name=name, email=email, group=group, role="member", status=MemberStatus.PENDING,
                         password=password, errors=errors)
    try:
        check_birth_year(birth_year, now.date())
    except ValidationFailed as error:
        errors.update(error.errors)
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    password_hash = hash_password(password)
    try:
        with unit_of_work() as session:
            known = session.scalar(select(User).where(User.email == email))
            if known is not None:
                if reset_link:
                    account_links.known_address_mail(known, reset_link=reset_link,
                                                     bank_name=bank.name, now=now)
                return None
            member = add_member(bank, name=name, email=email, group=group, role="member",
                                status=MemberStatus.PENDING, password_hash=password_hash, skills=skills,
                                language=language, birth_year=birth_year, now=now)
            if notice is not None:
                privacy.record_acceptance(member, notice, now=now)
            if verify_link:
                account_links.verification_mail(member.user, link=verify_link,
                                                bank_name=bank.name, now=now)
    except IntegrityError as error:
        if is_unique_violation(error) and "email" in str(error.orig).lower():
            return None  # the address was taken at the same moment: as if it were known
        raise
    return member


def get(actor, member_id) -> Member:
    member = ids.get(Member, member_id)
    policy.authorize(actor, "member.view", member, what="member")
    return member


def me(actor) -> dict:
    """The actor's own membership and balance."""
    policy.authorize(actor, "member.view_private", actor, what="membership")
    account = actor.account
    return {"id": actor.id, "name": actor.name, "group": actor.group, "role": actor.role,
            "bank": actor.bank.slug, "balance_minutes": account.balance,
            "floor_minutes": account.floor_minutes, "ceiling_minutes": account.ceiling_minutes,
            "is_admin": policy.is_admin(actor)}


def present(actor, member) -> dict:
    """What the actor may see of a member: email and balance only for self and coordinators."""
    private = policy.can(actor, "member.view_private", member)
    account = member.account
    return {
        "id": member.id, "name": member.name, "group": member.group, "role": member.role,
        "status": member.status, "skills": member.skills,
        "balance_minutes": account.balance if private else None,
        "floor_minutes": account.floor_minutes if private else None,
        "ceiling_minutes": account.ceiling_minutes if private else None,
        "email": member.email if private else None,
        "birth_year": member.birth_year if private else None,
    }


def list_members(actor, *, q=None, group=None, role=None, status=None, page=1, per_page=20):
    policy.authorize(actor, "members.list")
    query = (select(Member).where(Member.bank_id == actor.bank_id)
             .options(selectinload(Member.account), selectinload(Member.user)))
    if not policy.is_coordinator(actor):
        query = query.where((Member.status == MemberStatus.ACTIVE) | (Member.id == actor.id))
    if status:
        query = query.where(Member.status == status)
    if group:
        query = query.where(Member.group == group)
    if role:
        query = query.where(Member.role == role)
    if q and q.strip():
        words = q.strip().lower()
        query = query.where(func.lower(Member.name).contains(words, autoescape=True)
                            | func.lower(Member.skills).contains(words, autoescape=True))
    return paginate(query.order_by(func.lower(Member.name), Member.id), page=page,
                    per_page=per_page)


PROFILE_FIELDS = {"name", "skills", "birth_year"}
MANAGED_FIELDS = {"group", "role", "status", "floor_minutes", "ceiling_minutes"}


def update(actor, member_id, changes: dict, *, reason="", now) -> Member:
    """Change a member as the actor may: their own profile, or anything for a coordinator.

    Group, role, status and limit changes need a reason and are audited with it
    (who, when, why). Everything is one transaction: all of it happens or none.
    """
    member = get(actor, member_id)
    policy.authorize(actor, "member.update_profile", member)
    if member.erased_at is not None:
        raise InvalidTransition(_("This member's data was erased: their closed account can't "
                                  "be changed."))
    managed = sorted(MANAGED_FIELDS & set(changes))
    if managed and not policy.can(actor, "member.manage", member):
        raise Forbidden(_("Only a coordinator can change %(fields)s.", fields=", ".join(managed)),
                        {field: [_("Only a coordinator can change this.")] for field in managed})
    errors = {}
    reason = reason_text(reason)
    if "name" in changes and not (changes["name"] or "").strip():
        errors["name"] = [_("Enter a name.")]
    if "birth_year" in changes:
        try:
            check_birth_year(changes["birth_year"], now.date())
        except ValidationFailed as error:
            errors.update(error.errors)
    if managed and not reason:
        errors["reason"] = [_("Say why you are making this change: it is kept in the audit log.")]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    actor_id = actor.id if actor else None
    with unit_of_work() as session:
        if {"role", "status"} & set(changes):
            _keep_a_coordinator(session.get(Member, member_id), changes)
        if {"floor_minutes", "ceiling_minutes"} & set(changes):
            account = session.get(Member, member_id).account
            accounts.set_limits(
                account.bank_id, account.id,
                floor_minutes=changes.get("floor_minutes", account.floor_minutes),
                ceiling_minutes=changes.get("ceiling_minutes", account.ceiling_minutes),
                actor_id=actor_id, reason=reason, now=now)
        member = session.get(Member, member_id)
        _apply(session, member, changes, actor_id=actor_id, reason=reason, now=now)
    return member


def _apply(session, member, changes, *, actor_id, reason, now):
    before = {}
    for field in ("name", "skills", "birth_year", "group", "role", "status"):
        value = changes[field].strip() if field == "name" and field in changes else changes.get(field)
        if field in changes and getattr(member, field) != value:
            before[field] = getattr(member, field)
            setattr(member, field, value)
    if "status" in before:
        session.add(MemberStatusChange(bank_id=member.bank_id, member_id=member.id,
                                       status=member.status, changed_at=now))
        user = member.user
        if (member.status in (MemberStatus.SUSPENDED, MemberStatus.LEFT) and user is not None
                and not user.is_admin):
            _end_access(session, user, now=now)
    audited = {k: v for k, v in before.items() if k in MANAGED_FIELDS}
    if audited:
        audit.record(
            bank_id=member.bank_id, actor_id=actor_id, action="member.changed",
            target_type="member", target_id=member.id, reason=reason,
            details={"before": audited, "after": {k: getattr(member, k) for k in audited}},
            now=now)


def _end_access(session, user, *, now):
    """Suspension and leaving end every web session and revoke every API token at once,
    so that being made active again doesn't bring old sessions or tokens back. (A platform
    admin keeps admin access whatever their membership, so keeps their sessions too.)"""
    user.session_version += 1
    session.execute(sa_update(ApiToken).where(ApiToken.user_id == user.id,
                                              ApiToken.revoked_at.is_(None))
                    .values(revoked_at=now))


def _keep_a_coordinator(member, changes):
    """A bank must keep at least one active coordinator.

    The bank's row is locked first (PostgreSQL; SQLite's write transaction already
    excludes other writers), so two coordinators can't step down at the same time.
    """
    leaving = (member.role == "coordinator" and member.status == MemberStatus.ACTIVE
               and (changes.get("role", "coordinator") != "coordinator"
                    or changes.get("status", MemberStatus.ACTIVE) != MemberStatus.ACTIVE))
    if not leaving:
        return
    db.session.execute(select(Bank.id).where(Bank.id == member.bank_id).with_for_update())
    others = db.session.scalar(select(func.count(Member.id)).where(
        Member.bank_id == member.bank_id, Member.role == "coordinator",
        Member.status == MemberStatus.ACTIVE, Member.id != member.id))
    if not others:
        field = "role" if changes.get("role", "coordinator") != "coordinator" else "status"
        raise ValidationFailed.field(field, _("The time bank needs at least one active coordinator."))


def pending(actor, *, page=1, per_page=100):
    """People waiting for a coordinator's approval, oldest first."""
    policy.authorize(actor, "members.approve")
    query = (select(Member).where(Member.bank_id == actor.bank_id, Member.status == MemberStatus.PENDING)
             .options(selectinload(Member.user)).order_by(Member.created_at, Member.id))
    return paginate(query, page=page, per_page=per_page)


def approve(actor, member_id, *, now) -> Member:
    member = get(actor, member_id)
    policy.authorize(actor, "members.approve", member, what="member")
    if member.status != MemberStatus.PENDING:
        raise InvalidTransition(_("Only a pending member can be approved."))
    with unit_of_work():
        member = update(actor, member_id, {"status": MemberStatus.ACTIVE}, reason="Approved", now=now)
        notifications.to_member(member, "member_approved", now=now)
    return member


def set_language(user_id, code, *, now):
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is not None:
            user.language = code
