"""Plain words for states and kinds, so status is always said, not only coloured."""

from flask_babel import gettext as _

from .. import bp


def _exchange_statuses():
    return {
        "awaiting_confirmation": _("Waiting for confirmation"),
        "awaiting_approval": _("Waiting for a coordinator"),
        "posted": _("Recorded"),
        "disputed": _("Being checked by a coordinator"),
        "cancelled": _("Cancelled"),
        "expired": _("Not confirmed in time"),
        "reversed": _("Corrected by a coordinator"),
    }


def _listing_statuses():
    return {
        "pending": _("Waiting for a coordinator"),
        "approved": _("Published"),
        "rejected": _("Not published"),
        "withdrawn": _("Withdrawn"),
        "expired": _("Expired"),
    }


def _entry_kinds():
    return {
        "exchange": _("Exchange"),
        "group_credit": _("Group session"),
        "donation": _("Gift to the community pool"),
        "grant": _("From the community pool"),
        "reversal": _("Correction"),
    }


def _groups():
    return {
        "citizen": _("Local resident"),
        "professional": _("Public service worker"),
        "organisation": _("Organisation"),
    }


# Tag colours: finished and good, waiting, or stopped. The words carry the meaning.
_TONES = {
    "posted": "done", "approved": "done",
    "awaiting_confirmation": "waiting", "awaiting_approval": "waiting", "pending": "waiting",
    "disputed": "attention", "rejected": "attention",
}


@bp.app_template_global()
def exchange_status(status):
    return _exchange_statuses().get(status, status)


@bp.app_template_global()
def listing_status(status):
    return _listing_statuses().get(status, status)


@bp.app_template_global()
def entry_kind(kind):
    return _entry_kinds().get(kind, kind)


@bp.app_template_global()
def group_name(group):
    return _groups().get(group, group)


@bp.app_template_global()
def listing_kind(kind):
    return _("Offer") if kind == "offer" else _("Request")


@bp.app_template_global()
def status_tone(status):
    return _TONES.get(status, "closed")


@bp.app_template_global()
def statement_words(row):
    """What a statement line was, from the member's side, in words."""
    kind, gave = row["kind"], row["minutes"] > 0
    name = row["counterparty_name"] or _("the community pool")
    if kind == "donation":
        return _("Gift to the community pool")
    if kind == "grant":
        return _("Hours from the community pool")
    if kind == "reversal":
        return _("Correction of an earlier entry with %(name)s", name=name)
    if kind == "group_credit":
        if gave:
            return _("Group session with %(name)s: you gave time", name=name)
        return _("Group session with %(name)s: you received time", name=name)
    if gave:
        return _("You gave time to %(name)s", name=name)
    return _("%(name)s gave you time", name=name)
