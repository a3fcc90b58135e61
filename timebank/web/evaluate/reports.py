"""The reciprocity report page for evaluators and coordinators, its downloads, and alerts."""

import datetime as dt
import json

from flask import abort, current_app, render_template, request, stream_with_context, url_for
from flask_babel import format_date, format_decimal, format_percent
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, ValidationError

from ...ledger import format_minutes
from ...models import GROUPS, LEVELS
from ...models._types import utcnow
from ...reports import cellkey, charts, protection
from ...schemas.reports import ReportQuery, query_arguments, report_arguments
from ...services import catalogue, policy, reports
from ...services.errors import Forbidden, ValidationFailed
from .. import bp
from .research_links import extract_link

PARAMETERS = ("from", "to", "provider_group", "receiver_group", "category", "activity", "level",
              "protected", "quarter")
REPORTS = (reports.report_page, reports.reciprocity_report, reports.reciprocity_csv,
           reports.reciprocity_csv_file)
PICKER_MONTHS = 60
PICKER_QUARTERS = 12
GROUP_LABELS = {"citizen": _l("Citizens"), "professional": _l("Professionals"),
                "organisation": _l("Organisations")}
LEVEL_LABELS = {"inform": _l("Inform"), "educate": _l("Educate"), "consult": _l("Consult"),
                "engage": _l("Engage"), "co-design": _l("Co-design"),
                "co-produce": _l("Co-produce")}
RATIO_LABELS = {"0": _l("One way only"), "0-0.25": _l("Less than a quarter back"),
                "0.25-0.5": _l("A quarter to a half back"),
                "0.5-0.75": _l("A half to three quarters back"),
                "0.75-1": _l("Three quarters or more back")}
PARTNER_LABELS = {"1": _l("1 partner"), "2": _l("2 partners"), "3-5": _l("3 to 5 partners"),
                  "6-10": _l("6 to 10 partners"), "11+": _l("11 or more partners")}
BALANCE_LABELS = {"under -25": _l("Below −25 h"), "-25 to -10": _l("−25 h to −10 h"),
                  "-10 to 0": _l("−10 h to 0"), "0 to 10": _l("0 to 10 h"),
                  "10 to 25": _l("10 h to 25 h"), "over 25": _l("Over 25 h")}
TWO_WAY_LABELS = (("give_only_share", _l("Only gave")), ("two_way_share", _l("Gave and received")),
                  ("receive_only_share", _l("Only received")))
TILES = (
    ("hours", _l("Hours exchanged"), "hours"),
    ("exchanges", _l("Exchanges"), "count"),
    ("active_members", _l("Members who took part"), "count"),
    ("active_share", _l("Share of members who took part"), "percent"),
    ("two_way_share", _l("Gave and received"), "percent"),
    ("direct_reciprocity", _l("Pairs who helped each other both ways"), "percent"),
    ("citizen_professional_ratio",
     _l("Hours professionals gave citizens for each hour citizens gave them"), "ratio"),
    ("partners_median", _l("Typical number of partners"), "number"),
)
METRIC_KINDS = {
    "hours": "hours", "exchanges": "count", "members": "count", "active_members": "count",
    "dormant_members": "count", "balance_ratio_median": "ratio", "rho": "ratio",
    "partners_median": "number", "gini_given": "ratio", "gini_received": "ratio",
    "citizen_professional_ratio": "ratio", "first_exchange_median_days": "number",
}
METRIC_LABELS = {
    "hours": _l("Hours exchanged"), "exchanges": _l("Exchanges"), "members": _l("Members"),
    "active_members": _l("Members who took part"),
    "active_share": _l("Share of members who took part"),
    "inert_share": _l("Share of members who have never exchanged"),
    "dormant_members": _l("Members who have stopped exchanging"),
    "give_only_share": _l("Only gave"), "receive_only_share": _l("Only received"),
    "two_way_share": _l("Gave and received"),
    "balance_ratio_median": _l("Typical balance between giving and receiving (1 = even)"),
    "direct_reciprocity": _l("Pairs who helped each other both ways"),
    "rho": _l("Reciprocity beyond chance (ρ)"),
    "weighted_reciprocity": _l("Share of hours given back within pairs"),
    "partners_median": _l("Typical number of partners"),
    "cross_group_exchange_share": _l("Exchanges between different groups"),
    "cross_group_pair_share": _l("Pairs from different groups"),
    "gini_given": _l("Concentration of hours given (Gini)"),
    "gini_received": _l("Concentration of hours received (Gini)"),
    "top10_given_share": _l("Share of hours given by the top 10 % of givers"),
    "citizen_professional_ratio":
        _l("Hours professionals gave citizens for each hour citizens gave them"),
    "professionals_receiving_share": _l("Professionals who received help from a citizen"),
    "first_exchange_median_days": _l("Typical days from joining to a first exchange"),
    "first_exchange_within_30_share": _l("New members who exchanged within 30 days"),
    "beyond_25h_share": _l("Members more than 25 hours in credit or debit"),
    "first_exchange_within_90_share": _l("New members who exchanged within 90 days"),
}


# --- formatting ---------------------------------------------------------------------------

def show(value, kind, hidden=True):
    """A figure in words. None is a figure kept back to protect people (`hidden`), or one
    that nobody can know, such as a share of no one or a quarter that hasn't ended."""
    if value is None:
        return _("hidden") if hidden else _("not known")
    if kind == "hours":
        if abs(value) >= 100:  # minutes are noise in large totals
            return f'{format_decimal(round(value), "#,##0")} {_("h")}'
        return format_minutes(round(value * 60), hour=_("h"), minute=_("min"))
    if kind == "percent":
        return format_percent(value, "#,##0%")
    if kind == "ratio":
        return format_decimal(value, "#,##0.00")
    if kind == "count":
        return format_decimal(value, "#,##0")
    return format_decimal(value, "#,##0.#")


def kind_of(name):
    return METRIC_KINDS.get(name, "percent")


def change(now, before, kind):
    if now is None or before is None:
        return _("No comparison: a figure is hidden or not known.")
    if show(now, kind) == show(before, kind):
        return _("Same as the period before (%(value)s).", value=show(before, kind))
    if now > before:
        return _("Up from %(value)s in the period before.", value=show(before, kind))
    return _("Down from %(value)s in the period before.", value=show(before, kind))


def month_name(label):
    year, month = (int(part) for part in label.split("-"))
    return format_date(dt.date(year, month, 1), "MMM yyyy")


def period(report):
    start = dt.date.fromisoformat(report["from"])
    last = dt.date.fromisoformat(report["to"]) - dt.timedelta(days=1)
    return _("%(start)s to %(end)s", start=format_date(start, "long"),
             end=format_date(last, "long"))


# --- the page -----------------------------------------------------------------------------

def raw_query():
    """The filters as typed: empty fields mean "no filter"."""
    return {key: request.args[key].strip() for key in PARAMETERS
            if request.args.get(key, "").strip()}


def quarter_range(text):
    """A quarter picked on the page ("2026-Q2") as [from, to); None if it isn't one."""
    try:
        year, quarter = (int(part) for part in text.split("-Q"))
        start = dt.date(year, 3 * quarter - 2, 1)
        end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    except ValueError:  # not "YYYY-Qn", or a date that can't be
        return None
    return start, end


def load_query(raw):
    """The query, with a picked quarter standing for its first day and the day after it."""
    raw = dict(raw)
    if "quarter" in raw:
        picked = quarter_range(raw.pop("quarter"))
        if picked is None:
            return None, {"quarter": [_("Choose a quarter from the list.")]}
        raw["from"], raw["to"] = (day.isoformat() for day in picked)
    try:
        return ReportQuery(unknown=EXCLUDE).load(raw), {}
    except ValidationError as error:
        return None, {field: messages if isinstance(messages, list) else [str(messages)]
                      for field, messages in error.messages.items()}


def arguments(function, query):
    return (report_arguments if function in REPORTS else query_arguments)(query)


def month_choices(today):
    """The pickers of protected reports: months to start from, months to end with (the
    value is the first day after them), and quarters; the newest first."""
    first = today.replace(day=1)
    index = first.year * 12 + first.month - 1
    starts, ends = [], []
    for back in range(PICKER_MONTHS):
        i = index - back
        day = dt.date(i // 12, i % 12 + 1, 1)
        after = dt.date((i + 1) // 12, (i + 1) % 12 + 1, 1)
        starts.append((day.isoformat(), format_date(day, "MMMM yyyy")))
        ends.append((after.isoformat(), _("End of %(month)s", month=format_date(day, "MMMM yyyy"))))
    quarters = []
    q = index // 3
    for back in range(PICKER_QUARTERS):
        year, number = divmod(q - back, 4)
        start, end = quarter_range(f"{year}-Q{number + 1}")
        quarters.append((f"{year}-Q{number + 1}", _(
            "%(year)s quarter %(n)s (%(first)s to %(last)s)", year=year, n=number + 1,
            first=format_date(start, "MMMM"),
            last=format_date(end - dt.timedelta(days=1), "MMMM"))))
    return starts, ends, quarters


def is_hidden(report, name):
    """Whether a figure is kept back: by its name in `suppressed` (e.g. "gini_given",
    "pool.donors", "retention[2026-Q1].after_1q")."""
    return name in report["suppressed"]


def tiles(report, previous, comparable=True):
    """The headline figures; without `comparable` (the period before ended before the bank
    started) they say there is nothing to compare with rather than "up from 0"."""
    out = []
    for name, label, kind in TILES:
        now, before = report["metrics"][name], previous["metrics"][name]
        hidden = is_hidden(report, name)
        out.append({"name": name, "label": label, "value": show(now, kind, hidden),
                    "hidden": hidden,
                    "change": change(now, before, kind) if comparable
                    else _("No comparison: the time bank had not started.")})
    return out


def _bars(rows, field, kind, labels=None, series=0):
    """Rows of a table as one bar each."""
    return [((labels or {}).get(row_label, row_label),
             [(row[field], show(row[field], kind), series)]) for row_label, row in rows]


def build_charts(report):
    k = report["suppression_threshold"]
    monthly = charts.bar_chart(
        [(month_name(row["month"]),
          [(row["hours"], show(row["hours"], "hours"), 0)]) for row in report["monthly"]])
    two_way = charts.bar_chart(
        [(label, [(report["metrics"][name],
                   show(report["metrics"][name], "percent", is_hidden(report, name)), 0)])
         for name, label in TWO_WAY_LABELS], scale_max=1)
    flows = charts.grid(
        [GROUP_LABELS[g] for g in GROUPS], [GROUP_LABELS[g] for g in GROUPS],
        {(GROUPS.index(row["provider_group"]), GROUPS.index(row["receiver_group"])):
         (row["hours"], show(row["hours"], "hours")) for row in report["flows"]},
        corner=_("gave ↓ · received →"))
    ratio = charts.bar_chart(_bars([(r["band"], r) for r in report["balance_ratio_bands"]],
                                   "members", "count", RATIO_LABELS))
    partners = charts.bar_chart(_bars([(r["partners"], r)
                                       for r in report["partners_distribution"]],
                                      "members", "count", PARTNER_LABELS))
    levels = charts.bar_chart(
        [(f'{LEVEL_LABELS[row["level"]]} · {GROUP_LABELS[row["group"]]}',
          [(row["hours"], show(row["hours"], "hours"), GROUPS.index(row["group"]))])
         for row in report["levels"]], series=[GROUP_LABELS[g] for g in GROUPS])
    categories = charts.bar_chart(
        [(row["category"] or _("No category"), [(row["hours"], show(row["hours"], "hours"), 0)])
         for row in report["categories"]])
    retention_rows = []
    names = (("after_1q", _l("After 1 quarter")), ("after_2q", _l("After 2 quarters")),
             ("after_4q", _l("After 4 quarters")))
    for row in report["retention"]:
        for i, (key, label) in enumerate(names):
            retention_rows.append((f'{row["cohort"]} · {label}',
                                   [(row[key], show(row[key], "percent", is_hidden(
                                       report, f'retention[{row["cohort"]}].{key}')), i)]))
    retention = charts.bar_chart(retention_rows, series=[label for _, label in names],
                                 scale_max=1)
    balance = charts.bar_chart(_bars([(r["band"], r) for r in report["balance_bands"]],
                                     "members", "count", BALANCE_LABELS))
    return {"monthly": monthly, "two_way": two_way, "flows": flows, "ratio": ratio,
            "partners": partners, "levels": levels, "categories": categories,
            "retention": retention, "balance": balance, "k": k}


def _forbidden(reason=None, report_url=None):
    """403 with a page that says why: by default, reports are not for this person."""
    return render_template("reports/forbidden.html", reason=reason, report_url=report_url), 403


def _choices(actor):
    categories = catalogue.list_categories(actor, per_page=100).items
    activities = catalogue.list_activities(actor, per_page=100).items
    return ([(c.name, c.name) for c in categories],
            [(str(a.id), f"{a.name} ({LEVEL_LABELS[a.level]})") for a in activities])


@bp.get("/reports")
@login_required
def reciprocity_report():
    actor = current_user.member
    if not policy.can(actor, "reports.view"):
        return _forbidden()
    raw = raw_query()
    try:
        page, errors = _answer(reports.report_page, raw)
    except Forbidden:
        return _forbidden()
    categories, activities = _choices(actor)
    evaluator = policy.is_evaluator(actor)
    protected = evaluator or raw.get("protected", "").lower() in ("true", "1", "on", "yes")
    starts, ends, quarters = month_choices(utcnow().date())
    context = {"raw": raw, "errors": errors, "page": page, "categories": categories,
               "protected": protected, "can_choose_protection": not evaluator,
               "month_starts": starts, "month_ends": ends, "quarters": quarters,
               "methods_url": url_for("web.report_methods"),
               "activities": activities, "groups": [(g, GROUP_LABELS[g]) for g in GROUPS],
               "levels": [(lv, LEVEL_LABELS[lv]) for lv in LEVELS],
               "downloads": {kind: url_for(f"web.report_{kind}", **raw)
                             for kind in ("json", "csv")}}
    context["downloads"]["members"], context["grant"] = extract_link(actor, raw, utcnow().date())
    if page is not None:
        report = page["report"]
        context.update(report=report, previous=page["previous"],
                       period=period(report), previous_period=period(page["previous"]),
                       comparable=page["comparable"], started_on=page["started_on"],
                       tiles=tiles(report, page["previous"], page["comparable"]),
                       charts=build_charts(report),
                       metrics=[(METRIC_LABELS[name],
                                 show(value, kind_of(name), is_hidden(report, name)))
                                for name, value in report["metrics"].items()],
                       can_see_alerts=page["can_see_alerts"],
                       dormant_days=page["scope"].dormant_days,
                       alerts_url=url_for("web.report_alerts", **raw))
    return render_template("reports/reciprocity.html", **context,
                           group_label=GROUP_LABELS, level_label=LEVEL_LABELS,
                           ratio_label=RATIO_LABELS, partner_label=PARTNER_LABELS,
                           balance_label=BALANCE_LABELS, show=show, is_hidden=is_hidden,
                           month_name=month_name), 422 if errors else 200


# --- downloads, keeping the filters -------------------------------------------------------

def _download(body, mimetype, filename):
    return current_app.response_class(
        body, mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"})


def _answer(function, raw):
    """(the service's answer for the page's query, None) or (None, the errors by field)."""
    query, errors = load_query(raw)
    if errors:
        return None, errors
    try:
        return function(current_user.member, now=utcnow(), **arguments(function, query)), {}
    except ValidationFailed as error:
        return None, error.errors


def _service_call(function):
    query, errors = load_query(raw_query())
    if errors:
        abort(422)
    try:
        return function(current_user.member, now=utcnow(), **arguments(function, query))
    except Forbidden:
        abort(403)
    except ValidationFailed:
        abort(422)


@bp.get("/reports/reciprocity.json")
@login_required
def report_json():
    report = _service_call(reports.reciprocity_report)
    return _download(json.dumps(report, ensure_ascii=False, indent=1), "application/json",
                     reports.report_file_name(report, "json"))


@bp.get("/reports/reciprocity.csv")
@login_required
def report_csv():
    filename, lines = _service_call(reports.reciprocity_csv_file)
    return _download(stream_with_context(lines), "text/csv", filename)


# --- alerts for coordinators --------------------------------------------------------------

@bp.get("/reports/alerts")
@login_required
def report_alerts():
    actor = current_user.member
    if not policy.can(actor, "reports.alerts"):
        if policy.can(actor, "reports.view"):
            return _forbidden(_("Only coordinators see alerts about members who may need a "
                                "call: they name people."),
                              report_url=url_for("web.reciprocity_report"))
        return _forbidden()
    raw = raw_query()
    found, errors = _answer(reports.member_alerts, raw)
    return render_template("reports/alerts.html", found=found, errors=errors, raw=raw,
                           group_label=GROUP_LABELS,
                           report_url=url_for("web.reciprocity_report", **raw),
                           period=period({"from": found["from"].isoformat(),
                                          "to": found["to"].isoformat()}) if found else ""), \
        422 if errors else 200


# --- the methods note ---------------------------------------------------------------------

@bp.get("/reports/methods")
@login_required
def report_methods():
    """How protected figures are made, with this bank's parameters: printable, to quote."""
    actor = current_user.member
    if not policy.can(actor, "reports.view"):
        return _forbidden()
    k = actor.bank.suppression_threshold
    return render_template("reports/methods.html", k=k,
                           own_table=bool(actor.bank.perturbation_table),
                           max_noise=cellkey.MAX_COUNT_NOISE,
                           hours_scale=round(protection.HOURS_SCALE * 100),
                           min_hours=protection.MIN_HOURS_NOISE)
