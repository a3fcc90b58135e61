"""A member's statement: every posting with the balance after it, as a page and as CSV."""

import csv
import datetime as dt
import io

from flask import Response, redirect, render_template, url_for
from flask_babel import gettext as _

from ...services import download_names, statements
from .. import bp
from ..filters import hours
from ..forms.member import PeriodForm
from .common import actor, member_page, page_number
from .words import statement_words

PER_PAGE = 20
CSV_BATCH = 500
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _period():
    """(from, to-exclusive, values typed, errors) from the query string; `to` is inclusive."""
    form = PeriodForm.from_query()
    form.check()
    start, end = form.start.day, form.end.day
    return start, (end + dt.timedelta(days=1)) if end else None, form.typed(), form.problems()


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
