"""Creating time banks and reading them."""

import re

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from ..models import SETTINGS, Account, Bank, LedgerHead
from ..models.account import IS_POOL
from ..models.bank import MIN_SUPPRESSION_THRESHOLD
from ..reports import cellkey
from . import accounts, audit, bank_look, policy, privacy
from .errors import NotFound, ValidationFailed
from .reasons import reason_text
from .transaction import unit_of_work

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")


def validate_slug(slug):
    if not isinstance(slug, str) or not SLUG_PATTERN.match(slug):
        raise ValidationFailed.field(
            "slug", _("Use 1 to 40 lower-case letters, digits and hyphens, e.g. 'riverside'.")
        )


def create_bank(*, slug, name, suppression_threshold=10, actor_id=None, now):
    """A new bank with its ledger head and its community pool account."""
    validate_slug(slug)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationFailed.field("name", _("Give the time bank a name of up to 120 characters."))
    if suppression_threshold < MIN_SUPPRESSION_THRESHOLD:
        raise ValidationFailed.field(
            "suppression_threshold",
            _("The suppression threshold must be at least %(count)s.",
              count=MIN_SUPPRESSION_THRESHOLD),
        )
    with unit_of_work() as session:
        if session.scalar(select(Bank.id).where(Bank.slug == slug)) is not None:
            raise ValidationFailed.field(
                "slug", _("A time bank called '%(slug)s' already exists.", slug=slug))
        bank = Bank(
            slug=slug, name=name, suppression_threshold=suppression_threshold, created_at=now
        )
        session.add(bank)
        session.flush()
        session.add(LedgerHead(bank_id=bank.id))
        pool = Account(bank_id=bank.id, is_pool=True, floor_minutes=0)
        session.add(pool)
        privacy.add_default(bank.id, now=now)
        audit.record(
            bank_id=bank.id,
            actor_id=actor_id,
            action="bank.created",
            target_type="bank",
            target_id=bank.id,
            details={"slug": slug},
            facts=accounts.limit_facts(pool),
            now=now,
        )
    return bank


def get_bank(slug) -> Bank:
    bank = db.session.scalar(select(Bank).where(Bank.slug == slug))
    if bank is None:
        raise NotFound(_("No time bank called '%(slug)s'.", slug=slug))
    return bank


def pool_account(bank_id) -> Account:
    return db.session.scalar(
        select(Account).where(Account.bank_id == bank_id, IS_POOL)
    )


def view(actor) -> Bank:
    policy.authorize(actor, "bank.view")
    return actor.bank


def update_settings(actor, changes: dict, *, reason="", now) -> Bank:
    """Change a bank's settings; the change needs a reason and is audited with the old and
    new values (who, when, why)."""
    policy.authorize(actor, "bank.update")
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise ValidationFailed(_("Unknown settings."), {k: [_("Unknown setting.")] for k in unknown})
    changes = {k: v.strip() if k == "name" else v for k, v in changes.items()}
    changes.update(bank_look.clean(changes))
    if "name" in changes and not changes["name"]:
        raise ValidationFailed.field("name", _("Give the time bank a name."))
    if changes.get("suppression_threshold", MIN_SUPPRESSION_THRESHOLD) < MIN_SUPPRESSION_THRESHOLD:
        raise ValidationFailed.field("suppression_threshold",
                                     _("The threshold must be at least %(count)s.",
                                       count=MIN_SUPPRESSION_THRESHOLD))
    reason = reason_text(reason)
    with unit_of_work() as session:
        bank = session.get(Bank, actor.bank_id)
        before = {k: getattr(bank, k) for k, v in changes.items() if getattr(bank, k) != v}
        if before and not reason:
            raise ValidationFailed.field(
                "reason", _("Say why you are changing the settings: it is kept in the audit log."))
        for key in before:
            setattr(bank, key, changes[key])
        if before:
            audit.record(bank_id=bank.id, actor_id=actor.id, action="bank.settings_changed",
                         target_type="bank", target_id=bank.id, reason=reason,
                         details={"before": before, "after": {k: changes[k] for k in before}},
                         now=now)
    return bank


def set_perturbation_table(slug, text: str | None, *, now) -> Bank:
    """Load a bank's own perturbation table for protected reports (CSV `pcv,ckey,pvalue`,
    checked against the bank's threshold by reports/cellkey.py), or with None go back to
    the default table. An operator's command: audited without an actor."""
    bank = get_bank(slug)
    if text is not None:
        try:
            cellkey.parse(text, bank.suppression_threshold)
        except cellkey.TableError as error:
            raise ValidationFailed.field("file", str(error)) from None
    with unit_of_work() as session:
        bank = session.get(Bank, bank.id)
        bank.perturbation_table = text
        audit.record(bank_id=bank.id, actor_id=None, action="bank.perturbation_table_set",
                     target_type="bank", target_id=bank.id,
                     details={"table": "own" if text is not None else "default"}, now=now)
    return bank


def perturbation_table_csv(slug) -> str:
    """The table the bank's protected reports use, as CSV."""
    bank = get_bank(slug)
    table = cellkey.for_bank(bank.perturbation_table, max(bank.suppression_threshold,
                                                          MIN_SUPPRESSION_THRESHOLD))
    return cellkey.to_csv(table)
