"""Taking the member-level research extract (members.csv): who may, and with which key.

Coordinators may always take it; an evaluator only with a live research grant
(research_grants.py). The pseudonyms are keyed per grant, from the grant's own
secret, so two grants' extracts can't be joined on them; a coordinator's
extract is keyed for the bank's coordinators, from the bank's secret, and never
shows an id either. Every download goes into the audit log.

The range is whole calendar months, like the figures evaluators see: `from` and
`to` must be first days of months; by default the last twelve whole months.
"""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _

from ..extensions import db
from ..models import Bank
from ..reports import document, export
from . import audit, download_names, policy, research_grants
from .errors import Forbidden, ValidationFailed
from .reports import resolve
from .snapshots import snapshot
from .transaction import unit_of_work

COORDINATORS = "coordinators"


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_before(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _months(date_from, date_to, today):
    errors = {}
    for field, day in (("from", date_from), ("to", date_to)):
        if day is not None and day.day != 1:
            errors[field] = [_("The extract covers whole months: give the first day of a month, "
                               "for example %(example)s.",
                               example=first_of_month(day).isoformat())]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    if date_to is None:
        date_to = first_of_month(today) if date_from is None else months_before(date_from, -12)
    if date_from is None:
        date_from = months_before(date_to, 12)
    return date_from, date_to


def _key_for(actor, bank, *, today, grant_id):
    """(pseudonym key, grant or None): the grant's for an evaluator, the coordinators' else."""
    if policy.is_coordinator(actor):
        if grant_id is not None:
            raise ValidationFailed.field(
                "grant", _("A grant is chosen by its evaluator; coordinators take the "
                           "extract without one."))
        return export.scoped_key(bank.pseudonym_key, COORDINATORS), None
    found = research_grants.live_grant(actor, today=today, grant_id=grant_id)
    if found is None:
        raise Forbidden(_("The member-level extract needs a research grant from a "
                          "coordinator of your time bank."))
    return export.scoped_key(found.pseudonym_secret, f"grant:{found.id}"), found


def members_csv(actor, *, now, **query):
    """The protected extract as CSV lines, after its download is written to the audit log."""
    return members_csv_file(actor, now=now, **query)[1]


def members_csv_file(actor, *, now, grant_id=None, date_from=None, date_to=None, **filters):
    """(file name saying bank and months, CSV lines) of the extract, its download audited."""
    policy.authorize(actor, "reports.members_export")
    today = now.date()
    bank = db.session.get(Bank, actor.bank_id)
    key, grant = _key_for(actor, bank, today=today, grant_id=grant_id)
    grant_id = grant.id if grant is not None else None
    date_from, date_to = _months(date_from, date_to, today)
    _bank, scope, published = resolve(actor, now=now, date_from=date_from, date_to=date_to,
                                      **filters)
    with snapshot():
        facts = export.member_facts(scope)
    rows = export.protected_rows(facts, key=key, k=scope.k, on=scope.date_to)
    with unit_of_work():
        audit.record(bank_id=scope.bank_id, actor_id=actor.id, action="research_extract.downloaded",
                     target_type="research_grant" if grant_id else "bank",
                     target_id=grant_id or scope.bank_id,
                     details={"grant_id": grant_id, "from": date_from.isoformat(),
                              "to": date_to.isoformat(), "rows": len(rows), "k": scope.k,
                              "filters": {k: v for k, v in published.items() if v is not None}},
                     now=now)
    return (download_names.report_file(bank.slug, "members", date_from, date_to, "csv"),
            document.csv_lines(rows, header=export.COLUMNS))
