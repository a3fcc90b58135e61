"""Reciprocity reports: authorize, resolve the filters, run, return plain data.

The figures are computed in timebank/reports/; this module decides who may see
them (policy rules "reports.view" and "reports.alerts"; the member-level extract
is research_extract.py), turns names into ids (a category is named, an activity is an
id; unknown ones are a 422 naming the field), fills in the default range (the
twelve months up to and including today), and runs each report in one
consistent snapshot of the database (snapshots.py).

Evaluators always get the protected report (reports/protection.py), and
coordinators get it when they ask (`protected`): its periods are whole calendar
months, so `from` and `to` must be first days of months (by default the last
twelve whole months). Coordinators otherwise get exact figures for any dates.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..extensions import db
from ..models import GROUPS, LEVELS, Activity, Bank, Category, Exchange, Member, ids
from ..models._types import utcnow
from ..reports import alerts as alert_queries
from ..reports import cellkey, document, protection, reciprocity
from ..reports.scope import Scope
from ..reports.summary_workspace import BalanceMonthsWorkspace, SummaryWorkspace, covers
from ..reports.window_workspace import WindowWorkspace
from ..reports.windows import fits
from ..reports.workspace import NEAR_FLOOR_MINUTES, Workspace, workspace
from . import (
    banks,
    download_names,
    policy,
    report_asked,
    report_cache,
    report_summaries,
    report_windows,
)
from .errors import ValidationFailed
from .snapshots import beside, snapshot
from .transaction import unit_of_work

MAX_YEARS = 20
# A page's answer holds the report of its period: kept beside it under the report's key.
PAGE_HOLDS_REPORT = {"report": lambda page: page["report"]}
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2999, 12, 31)


def default_range(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months, today included: [today + 1 day − 1 year, today + 1 day)."""
    end = today + dt.timedelta(days=1)
    return _years_before(end, 1), end


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def protected_for(actor, asked: bool) -> bool:
    """Evaluators always get protected figures; coordinators when they ask."""
    return bool(asked) or policy.is_evaluator(actor)


def default_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve whole months: [first of this month − 1 year, first of this month)."""
    end = today.replace(day=1)
    return end.replace(year=end.year - 1), end


def require_months(date_from, date_to):
    """Protected periods are whole calendar months: a 422 naming each date that isn't the
    first day of a month."""
    errors = {}
    for field, day in (("from", date_from), ("to", date_to)):
        if day is not None and day.day != 1:
            errors[field] = [_("Protected reports cover whole calendar months: give the first "
                               "day of a month (for example %(example)s).",
                               example=day.replace(day=1).isoformat())]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)


def _bank(actor, bank_id):
    bank = db.session.get(Bank, actor.bank_id if actor is not None else bank_id)
    if bank is None:
        raise ValidationFailed.field("bank", _("There is no such time bank."))
    return bank


def resolve(actor, *, now, date_from=None, date_to=None, provider_group=None,
            receiver_group=None, category=None, activity=None, level=None, bank_id=None):
    """The report's Scope and its filters as published, from the request's plain values."""
    bank = _bank(actor, bank_id)
    errors = {}
    if date_to is None:
        date_to = default_range(now.date())[1]
    for field, day in (("from", date_from), ("to", date_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            errors[field] = [_("Give a date between %(first)s and %(last)s.",
                               first=EARLIEST.isoformat(), last=LATEST.isoformat())]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    if date_from is None:
        date_from = _years_before(date_to, 1)
    if date_from >= date_to:
        errors["to"] = [_("The end of the period must be after its start.")]
    elif date_from < _years_before(date_to, MAX_YEARS):
        errors["from"] = [_("A report can cover at most %(count)s years.", count=MAX_YEARS)]
    if provider_group is not None and provider_group not in GROUPS:
        errors["provider_group"] = [_("Choose one of: %(choices)s.", choices=", ".join(GROUPS))]
    if receiver_group is not None and receiver_group not in GROUPS:
        errors["receiver_group"] = [_("Choose one of: %(choices)s.", choices=", ".join(GROUPS))]
    if level is not None and level not in LEVELS:
        errors["level"] = [_("Choose one of: %(choices)s.", choices=", ".join(LEVELS))]
    found_category = None
    if category is not None and str(category).strip():
        found_category = db.session.scalar(select(Category).where(
            Category.bank_id == bank.id, func.lower(Category.name) == str(category).strip().lower()))
        if found_category is None:
            errors["category"] = [_("There is no category called '%(name)s'.", name=category)]
    found_activity = None
    if activity is not None:
        found_activity = ids.get(Activity, activity)
        if found_activity is None or found_activity.bank_id != bank.id:
            errors["activity"] = [_("There is no such activity in this time bank.")]
    if errors:
        raise ValidationFailed(_("Some details need correcting."), errors)
    scope = Scope(
        bank_id=bank.id, pool_id=banks.pool_account(bank.id).id, date_from=date_from,
        date_to=date_to, threshold=bank.suppression_threshold, dormant_days=bank.dormant_days,
        provider_group=provider_group, receiver_group=receiver_group,
        category_id=found_category.id if found_category else None,
        activity_id=found_activity.id if found_activity else None, level=level,
    )
    filters = {"provider_group": provider_group, "receiver_group": receiver_group,
               "category": found_category.name if found_category else None,
               "activity": found_activity.id if found_activity else None, "level": level}
    return bank, scope, filters


def _document(slug, scope, filters, *, detail=True, now, table=None, sequence=None,
              kind=Workspace):
    """The report for `scope`; without `detail`, only the figures the page compares with
    the period before (reciprocity.COMPARED). With a perturbation `table`, protected.
    `sequence` is the ledger sequence it is computed at; `kind` the workspace that
    builds its aggregate (from the transfers, or from the summaries)."""
    with workspace(scope, detail=detail, protected=table is not None, kind=kind) as ws:
        figures = reciprocity.compute(ws) if detail else reciprocity.compare(ws)
    if table is None:
        published, withheld = protection.exact(figures, scope.k)
        method = None
    else:
        published, withheld = protection.protect(figures, scope.k, table)
        method = protection.description(scope.k)
    return document.build(published, withheld, bank=slug, scope=scope, generated_at=now,
                          filters=filters, protection=method, ledger_sequence=sequence)


def _at_head(bank_id, *scopes, state=None):
    """Inside a report's snapshot: the ledger sequence it sees, and per scope the workspace
    to build: from the scope's report window when there is one current to that sequence,
    else from the summaries when they are current to it and to the members' groups and can
    serve the scope (summary_workspace.covers), else from the transfers (with the balances
    at `to` from the balance months when the summaries are current). `state`: the bank's
    state digest the snapshot sees (report_cache.state)."""
    head = report_summaries.ledger_head(bank_id)
    current = report_summaries.watermark(bank_id) == head and report_summaries.groups_current(
        bank_id, state)
    return head, [_kind(s, head) if current else Workspace for s in scopes]


def _kind(scope, head):
    if not covers(scope):
        return BalanceMonthsWorkspace
    window = report_windows.find(scope.bank_id, scope.date_from, scope.date_to)
    if report_windows.usable(window, scope, head):
        return partial(WindowWorkspace, window_id=window.id, layout=window.layout)
    return SummaryWorkspace


def _cached(bank, kind, scope, filters, table, compute, *, now, asked=True, periods=None,
            also=None):
    """The cached answer for this query at the ledger head, or `compute(state)` run in a snapshot
    after folding the new entries into the summaries, then kept; and whether it was
    computed. `also` maps another kind of query with the same scope to the part of the
    answer that is its answer, kept beside it (a page holds the report of its period).
    `asked`: a person asked for it (not the worker), so it is recorded for the worker to
    keep ready (`_record_asked`)."""
    periods = periods or (scope,)
    sequence, state = report_cache.state(bank.id)
    key = report_cache.query_key(bank, kind=kind, scope=scope, filters=filters, table=table,
                                 state_digest=state)
    found = report_cache.lookup(bank.id, key, sequence)
    if found is not None:
        if asked:
            _record_asked(bank.id, kind, scope, filters, table, periods, now=now)
        return found, False
    report_summaries.bring_up_to_date(bank.id, _windowed(bank.id, scope, periods, asked), state)
    with snapshot():
        sequence, state = report_cache.state(bank.id)
        answer = compute(state)
    fitting = [period for period in periods if fits(period)]
    if fitting:
        with unit_of_work(derived=True):
            report_windows.touch(bank.id, fitting, now=utcnow())
    for other, part in {kind: lambda whole: whole, **(also or {})}.items():
        report_cache.store(bank.id, report_cache.query_key(
            bank, kind=other, scope=scope, filters=filters, table=table, state_digest=state),
            sequence, part(answer), now=utcnow())
    if asked:
        _record_asked(bank.id, kind, scope, filters, table, periods, now=now)
    return answer, True


def _windowed(bank_id, scope, periods, asked) -> list:
    """The periods whose report windows this computation brings up, building those missing:
    all of them for the worker, or when someone asked for these dates before; otherwise
    only those that have a window already. The first view of dates nobody asked for is
    computed from the summaries, at about a third of the cost of building a window that
    may never be read again; if the dates are asked for again, by a report or the worker's
    next round, the window is built then."""
    if not asked or report_asked.asked_before(bank_id, scope):
        return list(periods)
    return [period for period in periods if report_windows.find(
        bank_id, period.date_from, period.date_to) is not None]


def _keepable(filters, periods) -> bool:
    """Whether the worker may keep this query ready: no filter (a filtered report is
    computed from the transfers, which costs seconds), and every period one a report
    window can serve."""
    return all(value is None for value in filters.values()) and all(map(fits, periods))


def _record_asked(bank_id, kind, scope, filters, table, periods, *, now):
    if _keepable(filters, periods):
        report_asked.record(bank_id, kind, table is not None, scope, now=now)


def _prepare(actor, now, query):
    """Authorize, then resolve the query (`_resolve_query`) for the actor's audience."""
    policy.authorize(actor, "reports.view")
    return _resolve_query(actor, now, query, protected_for(actor, query.pop("protected", False)))


def _resolve_query(actor, now, query, protected, bank_id=None):
    """Apply the months rule to protected reports and resolve the query: the bank, the
    scope, the filters and the perturbation table (None: exact)."""
    if protected:
        require_months(query.get("date_from"), query.get("date_to"))
        if query.get("date_to") is None:
            query["date_to"] = default_months(now.date())[1]
    bank, scope, filters = resolve(actor, now=now, bank_id=bank_id, **query)
    table = cellkey.for_bank(bank.perturbation_table, scope.k) if protected else None
    return bank, scope, filters, table


def reciprocity_report(actor, *, now, **query) -> dict:
    """The JSON report for the actor's bank."""
    return _report(*_prepare(actor, now, query), now=now)[0]


def _report(bank, scope, filters, table, *, now, asked=True):
    slug = bank.slug

    def compute(state):
        sequence, (kind,) = _at_head(bank.id, scope, state=state)
        return _document(slug, scope, filters, now=now, table=table, sequence=sequence,
                         kind=kind)

    return _cached(bank, "report", scope, filters, table, compute, now=now, asked=asked)


def report_page(actor, *, now, **query) -> dict:
    """The report, and the headline figures of the period of the same length before it."""
    bank, scope, filters, table = _prepare(actor, now, query)
    documents = _page(bank, scope, filters, table, now=now)[0]
    started_on = bank_started_on(bank.id)
    db.session.rollback()
    return {"report": documents["report"], "previous": documents["previous"], "scope": scope,
            "comparable": started_on is not None and scope.previous().date_to > started_on,
            "started_on": started_on,
            "can_see_alerts": policy.can(actor, "reports.alerts"),
            "protected": table is not None,
            "can_choose_protection": not policy.is_evaluator(actor)}


def _page(bank, scope, filters, table, *, now, also=None, asked=True):
    slug = bank.slug

    def compute(state):
        sequence, (kind, previous_kind) = _at_head(bank.id, scope, scope.previous(),
                                                   state=state)
        previous = beside(lambda: _document(slug, scope.previous(), filters, detail=False,
                                            now=now, table=table, sequence=sequence,
                                            kind=previous_kind))
        current = _document(slug, scope, filters, now=now, table=table, sequence=sequence,
                            kind=kind)
        return {"report": current, "previous": previous()}

    return _cached(bank, "page", scope, filters, table, compute, now=now, asked=asked,
                   periods=_periods("page", scope), also=also)


def refresh(bank_id: int, *, now) -> int:
    """Bring the bank's reports up to the ledger head after commit (`flask reports worker`):
    fold the new entries into the summaries and report windows, and compute and keep the
    answers opened most, so that whoever opens them next finds them waiting. They are the
    report page with no dates chosen, and the report of the same period, for both
    audiences: protected (the last twelve whole months, what evaluators see) and exact
    (the last twelve months to today, what coordinators see); then the reports and pages
    people asked for lately over their own dates (`_keep_asked`). Every window the bank
    keeps is brought up too, so that a period someone asked for before is ready for them
    again. How many times it computed (a page and its report together count once); 0 when
    every answer was kept already at the ledger head."""
    pool_id = banks.pool_account(bank_id).id
    report_summaries.bring_up_to_date(bank_id, [
        report_windows.scope_of(window, pool_id) for window in report_windows.of_bank(bank_id)])
    computed = 0
    standard, windows = set(), set()
    for protected in (True, False):
        bank, scope, filters, table = _resolve_query(None, now, {}, protected, bank_id=bank_id)
        _, fresh = _page(bank, scope, filters, table, now=now, asked=False,
                         also=PAGE_HOLDS_REPORT)
        if not fresh:
            _, fresh = _report(bank, scope, filters, table, now=now, asked=False)
        computed += fresh
        standard |= {(kind, protected, scope.date_from, scope.date_to)
                     for kind in ("page", "report")}
        windows |= {(period.date_from, period.date_to) for period in _periods("page", scope)}
    computed += _keep_asked(bank_id, now=now, kept=standard, windows=windows)
    db.session.rollback()
    return computed


def refresh_mark(bank_id: int, *, now) -> tuple:
    """What a `refresh` of the bank depends on besides the time of day: the ledger sequence
    and the digest of the rest of the state the figures read (report_cache.state), the
    newest query people asked for over their own dates, and the day (the periods opened
    with no dates chosen, and what is kept, run by the day). After a refresh that
    succeeded, the same mark again means that a refresh would find every answer kept, so
    the reports worker can look every second or two at little cost."""
    sequence, state = report_cache.state(bank_id)
    newest = report_asked.newest(bank_id)
    db.session.rollback()
    return sequence, state, newest, now.date()


def _keep_asked(bank_id: int, *, now, kept, windows) -> int:
    """Compute and keep the answers of the queries people asked for in the last
    report_cache.KEEP_DAYS (report_asked), most recently asked first: at most
    report_asked.MAX of them, and only as many as the bank's windows can serve beside the
    periods of the answers the round kept already (`kept`: (kind, protected, from, to) of
    each; `windows`: (from, to) of their periods), so that the worker never retires a
    window it needs again next round (building one costs seconds on a large bank). A
    query that no longer resolves, or that a window can no longer serve, is forgotten.
    How many it computed."""
    report_asked.prune(bank_id, now=now)
    computed = taken = 0
    for query in report_asked.recent(bank_id, now=now, limit=4 * report_asked.MAX):
        if taken == report_asked.MAX:
            break
        if (query.kind, query.protected, query.date_from, query.date_to) in kept:
            continue
        resolved = _resolve_asked(bank_id, query, now=now)
        if resolved is None:
            db.session.rollback()
            report_asked.drop(query.id)
            continue
        needs = windows | {(p.date_from, p.date_to) for p in _periods(query.kind, resolved[1])}
        if len(needs) > report_windows.MAX_WINDOWS:
            continue
        windows, taken = needs, taken + 1
        if query.kind == "page":
            computed += _page(*resolved, now=now, asked=False,
                              also=PAGE_HOLDS_REPORT)[1]
        else:
            computed += _report(*resolved, now=now, asked=False)[1]
    return computed


def _periods(kind, scope):
    """The periods an answer of this kind reads: a page compares with the period before."""
    return (scope, scope.previous()) if kind == "page" else (scope,)


def _resolve_asked(bank_id, query, *, now):
    """The bank, scope, filters and table of an asked query, or None when it no longer
    resolves or a window can no longer serve it."""
    try:
        bank, scope, filters, table = _resolve_query(
            None, now, {"date_from": query.date_from, "date_to": query.date_to},
            query.protected, bank_id=bank_id)
    except ValidationFailed:
        return None
    if not _keepable(filters, _periods(query.kind, scope)):
        return None
    return bank, scope, filters, table


def bank_started_on(bank_id) -> dt.date | None:
    """The first day anything happened in the bank: a member joined or an exchange took place.
    A period that ends on or before it has no figures to compare with ("up from 0" would
    describe the bank's absence, not a change)."""
    joined = db.session.scalar(select(func.min(Member.joined_on)).where(Member.bank_id == bank_id))
    exchanged = db.session.scalar(select(func.min(Exchange.occurred_on))
                                  .where(Exchange.bank_id == bank_id))
    days = [day for day in (joined, exchanged) if day is not None]
    return min(days) if days else None


def reciprocity_csv(actor, *, now, **query):
    """The report as CSV lines (one row per figure), with the same protection."""
    return reciprocity_csv_file(actor, now=now, **query)[1]


def reciprocity_csv_file(actor, *, now, **query):
    """(file name saying bank and period, CSV lines) for a download."""
    report = reciprocity_report(actor, now=now, **query)
    return (report_file_name(report, "csv"), document.csv_lines(document.csv_rows(report)))


def report_file_name(report, extension):
    """"riverside-reciprocity-2026-01-to-2026-06.csv" for a report document."""
    return download_names.report_file(report["bank"], "reciprocity", report["from"],
                                      report["to"], extension)


def member_alerts(actor, *, now, **query) -> dict:
    """Members who only give, only receive, are near their floor, or have gone dormant."""
    policy.authorize(actor, "reports.alerts")
    bank, scope, filters = resolve(actor, now=now, **query)
    report_summaries.bring_up_to_date(bank.id)
    with snapshot():
        _, (kind,) = _at_head(bank.id, scope, state=report_cache.state(bank.id)[1])
        with workspace(scope, detail=False, kind=kind) as ws:
            found = alert_queries.member_alerts(ws)
    return {"alerts": found, "from": scope.date_from, "to": scope.date_to,
            "dormant_days": scope.dormant_days, "near_floor_minutes": NEAR_FLOOR_MINUTES,
            "filters": filters}
