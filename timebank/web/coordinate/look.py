"""The bank's own look on its settings page: colour, welcome texts, contact details, logo.

Two forms of their own (WTForms), posted apart from the other settings so that a logo
upload never re-sends them. The rules (contrast, lengths, picture types) live in
services/bank_look.py, where the API meets them too.
"""

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import bank_look, coordination
from ...services.errors import ServiceError
from .. import bp
from ..forms.coordinate import LogoForm, LookForm
from ..forms.errors import service_errors
from .common import actor, coordinator_page
from .settings import render_settings


def look_form_for(bank):
    form = LookForm(formdata=None)
    for key in bank_look.LOOK_FIELDS:
        getattr(form, key).data = getattr(bank, key) or ""
    return form


@bp.post("/coordinate/settings/look")
@coordinator_page
def coordinate_look_post():
    form = LookForm()
    form.validate()
    changes = {}
    for key in bank_look.LOOK_FIELDS:
        value = (getattr(form, key).data or "").strip() or None
        changes[key] = value.lower() if key == "colour" and value else value
    try:
        _bank, changed = coordination.change_settings(actor(), changes,
                                                      reason=form.look_reason.data, now=utcnow())
    except ServiceError as error:
        errors = {("look_reason" if k == "reason" else k): v
                  for k, v in service_errors(error, "colour").items()}
        return render_settings(look_form=form, look_errors=errors, status=422)
    if changed:
        flash(_("Saved the look of the time bank. The change and your reason are in the audit "
                "log."), "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("web.coordinate_settings", _anchor="look"))


@bp.post("/coordinate/settings/logo")
@coordinator_page
def coordinate_logo_post():
    form = LogoForm()
    form.validate()
    upload = form.logo.data
    data = upload.read(bank_look.MAX_LOGO_BYTES + 1) if upload and upload.filename else b""
    try:
        if form.remove_logo.data:
            bank_look.set_logo(actor(), None, reason=form.logo_reason.data, now=utcnow())
            flash(_("Removed the logo."), "success")
        else:
            bank_look.set_logo(actor(), data, reason=form.logo_reason.data, now=utcnow())
            flash(_("Saved the logo."), "success")
    except ServiceError as error:
        errors = {("logo_reason" if k == "reason" else k): v
                  for k, v in service_errors(error, "logo").items()}
        return render_settings(logo_form=form, logo_errors=errors, status=422)
    return redirect(url_for("web.coordinate_settings", _anchor="look-logo"))
