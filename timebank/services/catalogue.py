"""Categories of help and co-production activities of a bank."""

from contextlib import contextmanager

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Activity, Category
from . import audit, policy
from .errors import ValidationFailed
from .paging import paginate
from .transaction import is_unique_violation, unit_of_work


def list_categories(actor, *, bank_id=None, page=1, per_page=100):
    policy.authorize(actor, "catalogue.view")
    bank_id = actor.bank_id if actor else bank_id
    return paginate(select(Category).where(Category.bank_id == bank_id).order_by(Category.name),
                    page=page, per_page=per_page)


def list_activities(actor, *, bank_id=None, page=1, per_page=100):
    policy.authorize(actor, "catalogue.view")
    bank_id = actor.bank_id if actor else bank_id
    return paginate(select(Activity).where(Activity.bank_id == bank_id).order_by(Activity.name),
                    page=page, per_page=per_page)


def _same_name(model, bank_id, name):
    """The bank's row called `name`, ignoring case (compared in Python: Unicode-aware on every
    engine, unlike SQLite's ASCII-only lower())."""
    wanted = name.strip().casefold()
    rows = db.session.scalars(select(model).where(model.bank_id == bank_id))
    return next((row for row in rows if row.name.casefold() == wanted), None)


def _unique_name(model, bank_id, name):
    name = (name or "").strip()
    if not name:
        raise ValidationFailed.field("name", _("Enter a name."))
    if _same_name(model, bank_id, name) is not None:
        raise ValidationFailed.field("name", _("'%(name)s' already exists in this time bank.", name=name))
    return name


@contextmanager
def _name_race():
    """A name taken by a concurrent request after the check: the constraint answers, as a 422."""
    try:
        yield
    except IntegrityError as error:
        if not is_unique_violation(error):
            raise
        raise ValidationFailed.field("name", _("This name already exists in this time bank.")) from None


def create_category(actor, *, name, now):
    policy.authorize(actor, "catalogue.manage")
    with _name_race(), unit_of_work() as session:
        category = Category(bank_id=actor.bank_id, name=_unique_name(Category, actor.bank_id, name),
                            created_at=now)
        session.add(category)
        session.flush()
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="category.created",
                     target_type="category", target_id=category.id,
                     details={"name": category.name}, now=now)
    return category


def create_activity(actor, *, name, level, now):
    policy.authorize(actor, "catalogue.manage")
    with _name_race(), unit_of_work() as session:
        activity = Activity(bank_id=actor.bank_id, name=_unique_name(Activity, actor.bank_id, name),
                            level=level, created_at=now)
        session.add(activity)
        session.flush()
        audit.record(bank_id=actor.bank_id, actor_id=actor.id, action="activity.created",
                     target_type="activity", target_id=activity.id,
                     details={"name": activity.name, "level": level}, now=now)
    return activity


def find_category(bank_id, name):
    """The bank's category called `name` (case-insensitive), or a 422 naming the field."""
    if name is None:
        return None
    category = _same_name(Category, bank_id, name)
    if category is None:
        raise ValidationFailed.field("category", _("There is no category called '%(name)s'.", name=name))
    return category


def find_activity(bank_id, activity_id):
    if activity_id is None:
        return None
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.bank_id != bank_id:
        raise ValidationFailed.field("activity_id", _("There is no such activity in this time bank."))
    return activity
