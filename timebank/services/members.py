"""Creating members: a login when they have an email, and a time account always."""

import re

from sqlalchemy import func, select

from ..extensions import db
from ..models import GROUPS, ROLES, STATUSES, Account, Member, MemberStatusChange, User
from . import audit
from .errors import ValidationFailed
from .passwords import hash_password, password_problem
from .transaction import unit_of_work

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_email(email):
    return email.strip().lower() if isinstance(email, str) else email


def _check_member_fields(*, name, email, group, role, status, password, errors):
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > 120:
        errors["name"] = ["Enter a name of up to 120 characters."]
    if email is not None and (
        not isinstance(email, str) or len(email) > 254 or not EMAIL_PATTERN.match(email)
    ):
        errors["email"] = ["Enter an email address like name@example.org."]
    if group not in GROUPS:
        errors["group"] = [f"Choose one of: {', '.join(GROUPS)}."]
    if role not in ROLES:
        errors["role"] = [f"Choose one of: {', '.join(ROLES)}."]
    if status not in STATUSES:
        errors["status"] = [f"Choose one of: {', '.join(STATUSES)}."]
    if password is not None:
        problem = password_problem(password, email=email)
        if problem:
            errors["password"] = [problem]
        if email is None:
            errors.setdefault("email", []).append("A member who signs in needs an email address.")


def add_member(
    bank,
    *,
    name,
    email=None,
    group="citizen",
    role="member",
    status="pending",
    password=None,
    skills="",
    is_admin=False,
    actor_id=None,
    now,
):
    """Add a member (and their account) to the current transaction; no commit."""
    email = normalise_email(email) or None
    errors = {}
    _check_member_fields(
        name=name, email=email, group=group, role=role, status=status, password=password,
        errors=errors,
    )
    if email and "email" not in errors:
        taken = db.session.scalar(select(func.count(User.id)).where(User.email == email))
        if taken:
            errors["email"] = ["Someone already uses this email address."]
    if errors:
        raise ValidationFailed("Some details need correcting.", errors)
    user = None
    if email:
        user = User(
            email=email,
            password_hash=hash_password(password) if password else None,
            is_admin=is_admin,
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
        joined_on=now.date(),
        created_at=now,
    )
    db.session.add(member)
    db.session.flush()
    db.session.add(
        Account(
            bank_id=bank.id,
            member_id=member.id,
            floor_minutes=bank.default_floor_minutes,
            ceiling_minutes=bank.default_ceiling_minutes,
        )
    )
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
        now=now,
    )
    return member


def create_member(bank, *, now, **fields):
    with unit_of_work():
        member = add_member(bank, now=now, **fields)
    return member
