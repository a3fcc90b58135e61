"""Categories of help and co-production activities, with their participation levels."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import catalogue
from ...services.errors import ServiceError
from .. import bp
from ..forms.coordinate import ActivityForm, CategoryForm
from .common import actor, coordinator_page
from .words import LEVELS as LEVEL_WORDS


def render_categories(form=None, errors=None, status=200):
    return render_template("coordinate/categories.html",
                           categories=catalogue.list_categories(actor()).items,
                           form=form or {}, errors=errors or {}), status


@bp.get("/coordinate/categories")
@coordinator_page
def coordinate_categories():
    return render_categories()


@bp.post("/coordinate/categories")
@coordinator_page
def coordinate_add_category():
    posted = CategoryForm()
    if not posted.check():
        return render_categories(posted.typed(), posted.problems(), 422)
    try:
        category = catalogue.create_category(actor(), now=utcnow(), name=posted.name.data)
    except ServiceError as error:
        return render_categories(posted.typed(), posted.refused_by(error, "name").problems(),
                                 422)
    flash(_("Added the category “%(name)s”.", name=category.name), "success")
    return redirect(url_for("web.coordinate_categories"))


def render_activities(form=None, errors=None, status=200):
    return render_template("coordinate/activities.html",
                           activities=catalogue.list_activities(actor()).items,
                           levels=LEVEL_WORDS, form=form or {}, errors=errors or {}), status


@bp.get("/coordinate/activities")
@coordinator_page
def coordinate_activities():
    return render_activities()


@bp.post("/coordinate/activities")
@coordinator_page
def coordinate_add_activity():
    posted = ActivityForm()
    if not posted.check():
        return render_activities(posted.typed(), posted.problems(), 422)
    try:
        activity = catalogue.create_activity(actor(), now=utcnow(), name=posted.name.data,
                                             level=posted.level.data)
    except ServiceError as error:
        return render_activities(posted.typed(), posted.refused_by(error, "name").problems(),
                                 422)
    flash(_("Added the activity “%(name)s”.", name=activity.name), "success")
    return redirect(url_for("web.coordinate_activities"))
