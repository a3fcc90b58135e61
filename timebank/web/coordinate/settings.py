"""The bank's settings (audited with a reason), the audit log, and checking the ledger."""

import datetime as dt

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...models._types import utcnow
from ...services import audit, banks, coordination, verification
from ...services.errors import ServiceError
from .. import bp
from ..filters import hours, long_date
from ..forms.coordinate import SettingsForm
from ..forms.fields import duration_boxes
from .common import actor, coordinator_page, page_number
from .words import status_of, word

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
        form[f"{key}_hours"], form[f"{key}_mins"] = duration_boxes(minutes)
    return form


def render_settings(form=None, errors=None, status=200, *, look_form=None, look_errors=None,
                    logo_form=None, logo_errors=None):
    from .look import LogoForm, look_form_for

    bank = banks.view(actor())
    return render_template("coordinate/settings.html", bank=bank,
                           form=form or _bank_form(bank), errors=errors or {},
                           look_form=look_form or look_form_for(bank),
                           look_errors=look_errors or {},
                           logo_form=logo_form or LogoForm(formdata=None),
                           logo_errors=logo_errors or {}), status


@bp.get("/coordinate/settings")
@coordinator_page
def coordinate_settings():
    return render_settings()


@bp.post("/coordinate/settings")
@coordinator_page
def coordinate_settings_post():
    posted = SettingsForm()
    form = posted.typed()
    if not posted.check():
        return render_settings(form, posted.problems(), 422)
    try:
        _bank, changed = coordination.change_settings(actor(), posted.changes(),
                                                      reason=posted.reason.data, now=utcnow())
    except ServiceError as error:
        return render_settings(form, posted.refused_by(error, "name", FORM_NAMES).problems(),
                               422)
    if changed:
        flash(_("Saved the settings. The change and your reason are in the audit log."),
              "success")
    else:
        flash(_("Nothing was changed."), "success")
    return redirect(url_for("web.coordinate_settings"))


# --- the audit log --------------------------------------------------------------------------

def _value(key, value, kind="member"):
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
        return str(status_of(kind if kind in ("exchange", "listing") else "member", value)[0])
    if key == "occurred_on" and isinstance(value, str):
        try:
            return long_date(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _changes(record):
    """{field: (before, after)} from a record's "before" and "after", if it has them."""
    before, after = (record or {}).get("before"), (record or {}).get("after")
    if isinstance(before, dict) and isinstance(after, dict):
        return {key: (before.get(key), after.get(key)) for key in after}
    return {}


def describe(event):
    """What changed, in words: "status: pending → active", "time: 3 h → 1 h". Changes come
    from the chained facts (figures, dates, statuses) and the redactable details (words
    people wrote); other details are listed as they are."""
    details = event.details or {}
    changes = _changes(event.facts) | _changes(details)
    kind = event.target_type
    if changes:
        return [_("%(field)s: %(old)s → %(new)s", field=word("field", key),
                  old=_value(key, old, kind), new=_value(key, new, kind))
                for key, (old, new) in changes.items()]
    return [_("%(field)s: %(value)s", field=word("field", key), value=_value(key, value, kind))
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
    raw_member = request.args.get("member_id", "")
    member_id = int(raw_member) if raw_member.isdigit() and 0 < int(raw_member) < 2**31 else None
    member_name = coordination.names(me, [member_id]).get(member_id) if member_id else None
    if member_name is None:
        member_id = None
    page = audit.search(me, action=action, member_id=member_id, page=page_number(),
                        per_page=25)
    params = {k: v for k, v in (("action", action), ("member_id", member_id)) if v}
    return render_template("coordinate/audit.html", page=page, actions=actions, action=action,
                           member_id=member_id, member_name=member_name,
                           targets=_targets(me, page.items),
                           details={e.id: describe(e) for e in page.items}, params=params)


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
