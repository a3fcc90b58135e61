"""The bank's settings (audited with a reason), the audit log, and checking the ledger."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from .. import schemas
from ..models._types import utcnow
from ..models.bank import ERASED_BALANCE_DESTINATIONS
from ..services import audit, banks, coordination, verification
from ..services.errors import ServiceError
from . import bp
from .coordinate_common import (
    actor,
    coordinator_page,
    duration_form,
    field_errors,
    page_number,
    read_choice,
    read_duration,
    read_int,
    schema_errors,
    text,
)
from .coordinate_words import status_of, word
from .filters import hours

# setting -> the form field that edits it, where they differ
FORM_NAMES = {"default_floor_minutes": "default_below",
              "default_ceiling_minutes": "default_ceiling",
              "approval_threshold_minutes": "approval_threshold",
              "max_exchange_minutes": "max_exchange"}
DAYS = ("confirmation_days", "listing_days", "dormant_days", "suppression_threshold")


def _bank_form(bank):
    form = {"name": bank.name,
            "approval_required": "yes" if bank.approval_required else "no",
            "moderate_listings": "yes" if bank.moderate_listings else "no"}
    for key in DAYS:
        form[key] = str(getattr(bank, key))
    form["erased_balance_to"] = bank.erased_balance_to
    form["retention_days"] = "" if bank.retention_days is None else str(bank.retention_days)
    for key, minutes in (("default_below", max(0, -bank.default_floor_minutes)),
                         ("default_ceiling", bank.default_ceiling_minutes),
                         ("approval_threshold", bank.approval_threshold_minutes),
                         ("max_exchange", bank.max_exchange_minutes)):
        form[f"{key}_hours"], form[f"{key}_mins"] = duration_form(minutes)
    return form


def render_settings(form=None, errors=None, status=200):
    bank = banks.view(actor())
    return render_template("coordinate/settings.html", bank=bank,
                           form=form or _bank_form(bank), errors=errors or {}), status


@bp.get("/coordinate/settings")
@coordinator_page
def coordinate_settings():
    return render_settings()


def _read(errors):
    below = read_duration("default_below", errors)
    changes = {
        "name": text("name"),
        "default_floor_minutes": -below if below is not None else None,
        "default_ceiling_minutes": read_duration("default_ceiling", errors, required=False),
        "approval_threshold_minutes": read_duration("approval_threshold", errors,
                                                    required=False),
        "approval_required": read_choice("approval_required", ("yes", "no"), errors) == "yes",
        "moderate_listings": read_choice("moderate_listings", ("yes", "no"), errors) == "yes",
        "max_exchange_minutes": read_duration("max_exchange", errors),
        "erased_balance_to": read_choice("erased_balance_to", ERASED_BALANCE_DESTINATIONS,
                                         errors),
        "retention_days": read_int("retention_days", errors, required=False,
                                   message=_("Enter a whole number of days, or leave it empty.")),
    }
    for key in DAYS:
        changes[key] = read_int(key, errors, message=_("Enter a whole number."))
    return {key: value for key, value in changes.items()
            if FORM_NAMES.get(key, key) not in errors}


@bp.post("/coordinate/settings")
@coordinator_page
def coordinate_settings_post():
    form = dict(request.form.items())
    errors = {}
    changes = _read(errors)
    try:
        changes = schemas.BankSettingsPatch().load(changes)
        changes.pop("reason", None)
    except ValidationError as error:
        for key, messages in schema_errors(error, rename=FORM_NAMES).items():
            errors.setdefault(key, messages)
    if errors:
        return render_settings(form, errors, 422)
    try:
        _bank, changed = coordination.change_settings(actor(), changes, reason=text("reason"),
                                                      now=utcnow())
    except ServiceError as error:
        found = {FORM_NAMES.get(k, k): v for k, v in field_errors(error, "name").items()}
        return render_settings(form, found, 422)
    if changed:
        flash(_("Saved the settings. The change and your reason are in the audit log."),
              "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("web.coordinate_settings"))


# --- the audit log --------------------------------------------------------------------------

def _value(key, value):
    if value is None:
        return _("none")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key.endswith("minutes") and isinstance(value, int):
        return hours(value)
    if key == "direction":
        return {"members_gave": _("members gave time"),
                "members_received": _("members received time")}.get(value, value)
    if key == "level":
        return str(word("level", value))
    if key in ("group", "role"):
        return str(word(key, value))
    if key == "status":
        return str(status_of("member", value)[0])
    return str(value)


def describe(event):
    """What changed, in words: "status: pending → active", "time: 2 h"."""
    details = event.details or {}
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        return [_("%(field)s: %(old)s → %(new)s", field=word("field", key),
                  old=_value(key, before.get(key)), new=_value(key, after.get(key)))
                for key in after]
    return [_("%(field)s: %(value)s", field=word("field", key), value=_value(key, value))
            for key, value in details.items() if key != "admin"]


def _targets(me, events):
    """Words and links for what each event was about."""
    member_ids = [e.target_id for e in events if e.target_type == "member"]
    account_ids = [e.target_id for e in events if e.target_type == "account"]
    names = coordination.names(me, member_ids)
    owners = coordination.account_owners(me, account_ids)
    found = {}
    for event in events:
        label, url = None, None
        if event.target_type == "member" and event.target_id in names:
            label = names[event.target_id]
            url = url_for("web.coordinate_member", member_id=event.target_id)
        elif event.target_type == "account" and event.target_id in owners:
            member_id, label = owners[event.target_id]
            url = url_for("web.coordinate_member", member_id=member_id)
        elif event.target_type == "exchange":
            label = _("Exchange %(id)d", id=event.target_id)
            url = url_for("web.coordinate_exchange", exchange_id=event.target_id)
        elif event.target_type == "listing":
            label = _("Offer or request %(id)d", id=event.target_id)
        elif event.target_type in ("category", "activity"):
            label = (event.details or {}).get("name")
        found[event.id] = (label, url)
    return found


@bp.get("/coordinate/audit")
@coordinator_page
def coordinate_audit():
    me = actor()
    actions = audit.actions(me)
    action = request.args.get("action") if request.args.get("action") in actions else None
    page = audit.search(me, action=action, page=page_number(), per_page=25)
    return render_template("coordinate/audit.html", page=page, actions=actions, action=action,
                           targets=_targets(me, page.items),
                           details={e.id: describe(e) for e in page.items},
                           params={"action": action} if action else {})


# --- checking the ledger --------------------------------------------------------------------

def check_words():
    return {
        "I1 balanced transfers": _("Every transfer moves time from one account to another in "
                                   "the same time bank, and is more than zero."),
        "I2 zero sum": _("All balances, the community pool's too, add up to zero: every hour "
                         "given is an hour received."),
        "I3 no drift": _("Each account's totals match the transfers recorded for it."),
        "I4 limits": _("Every balance is within its lowest and highest allowed."),
        "I5 append-only": _("Recorded entries and the audit log can't be changed or deleted."),
        "I6 hash chain": _("The chain of entries is unbroken, so nothing was altered after it "
                           "was recorded."),
        "exchanges match entries": _("Every exchange that was posted moved exactly its hours, "
                                     "from the person who received them to the person who "
                                     "gave them."),
        "audit log chain": _("The audit log is unbroken: no decision was altered or removed "
                             "after it was recorded."),
        "credit limits audited": _("Every account's lowest and highest allowed balance is the "
                                   "one the audit log last recorded."),
        "report summaries": _("The monthly summaries the reports read add up to what the "
                              "ledger holds."),
    }


@bp.get("/coordinate/ledger")
@coordinator_page
def coordinate_ledger():
    report = None
    if request.args.get("check"):
        report = verification.verify_for(actor())
    return render_template("coordinate/ledger.html", report=report, words=check_words())
