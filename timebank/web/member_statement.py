"""A member's statement: every posting with the balance after it, as a page and as CSV."""

import csv
import datetime as dt
import io

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..services import download_names, statements
from ..services.errors import ValidationFailed
from . import bp
from .filters import hours
from .member_common import actor, member_page, page_number
from .member_forms import errors_of, parse_date
from .member_words import statement_words

PER_PAGE = 20
CSV_BATCH = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _period():
    """(from, to-exclusive, values typed, errors) from the query string; `to` is inclusive."""
    typed = {"from": (request.args.get("from") or "").strip(),
             "to": (request.args.get("to") or "").strip()}
    errors, start, end = {}, None, None
    for name in ("from", "to"):
        try:
            value = parse_date(typed[name], name)
        except ValidationFailed as error:
            errors.update(errors_of(error))
            continue
        if name == "from":
            start = value
        else:
            end = value
    if start and end and end < start:
        errors["to"] = [_("The end date must be the same as the start date or after it.")]
    return start, (end + dt.timedelta(days=1)) if end else None, typed, errors


@bp.get("/statement")
@member_page
def statement():
    start, end, typed, errors = _period()
    me = actor()
    rows = None
    if not errors:
        rows = statements.statement(me, me.id, date_from=start, date_to=end,
                                    page=page_number(), per_page=PER_PAGE)
    return render_template("member/statement.html", member=me, rows=rows, typed=typed,
                           filters={k: v for k, v in typed.items() if v},
                           errors=errors), 422 if errors else 200


def _safe(text):
    """Text for a spreadsheet cell that can't run as a formula."""
    text = text or ""
    return "'" + text if text.startswith(_FORMULA_START) else text


def _who(row):
    return row["counterparty_name"] or _("Community pool")


@bp.get("/statement.csv")
@member_page
def statement_csv():
    start, end, typed, errors = _period()
    if errors:
        return redirect(url_for("web.statement", **{k: v for k, v in typed.items() if v}))
    me = actor()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Date"), _("What"), _("With"), _("Description"), _("Minutes"),
                     _("Balance after (minutes)"), _("Time"), _("Balance after")])
    number = 1
    while True:
        page = statements.statement(me, me.id, date_from=start, date_to=end, page=number,
                                    per_page=CSV_BATCH)
        for row in page.items:
            writer.writerow([row["occurred_on"].isoformat(), _safe(statement_words(row)),
                             _safe(_who(row)), _safe(row["description"]), row["minutes"],
                             row["balance_after"], hours(row["minutes"], signed=True),
                             hours(row["balance_after"])])
        if not page.has_next:
            break
        number += 1
    filename = download_names.statement_file(me.bank.slug, me.id, start,
                                             end - dt.timedelta(days=1) if end else None)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
