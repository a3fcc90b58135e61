"""Reciprocity reports: JSON, CSV, the pseudonymised member export, alerts."""

from flask import current_app, stream_with_context

from ..schemas import reports as rs
from ..schemas import research as rsch
from ..services import reports, research_extract
from . import bp
from .endpoint import endpoint

CSV = "text/csv"


def csv_response(lines, filename):
    """Stream CSV lines as they are produced; the first line is asked for before sending."""
    return current_app.response_class(
        stream_with_context(lines), mimetype=CSV,
        headers={"Content-Disposition": f'attachment; filename="{filename}"',
                 "Cache-Control": "no-store"})


@bp.get("/reports/reciprocity")
@endpoint("Reciprocity report (evaluators and coordinators)", tag="reports",
          query=rs.ReportQuery, response=rs.ReciprocityReport,
          description="Every figure of the report for the range [from, to) and the filters. "
                      "Coordinators get exact figures for any dates; evaluators (and "
                      "coordinators with `protected=true`) get figures protected by the cell "
                      "key method over whole calendar months (`protection`; "
                      "docs/report-methods.md): a statistic of fewer people than the bank's "
                      "threshold is null and named in `suppressed`.")
def reciprocity_report(actor, query, now):
    return reports.reciprocity_report(actor, now=now, **rs.report_arguments(query))


@bp.get("/reports/reciprocity.csv")
@endpoint("Reciprocity report as CSV: one row per figure (evaluators and coordinators)",
          tag="reports", query=rs.ReportQuery, produces=CSV,
          description="Columns: section, dimension, field, value, suppressed. The same figures "
                      "and the same protection as the JSON report.")
def reciprocity_csv(actor, query, now):
    filename, lines = reports.reciprocity_csv_file(actor, now=now,
                                                   **rs.report_arguments(query))
    return csv_response(lines, filename)


@bp.get("/reports/members.csv")
@endpoint("Member-level research extract, protected (coordinators, and evaluators with a "
          "live research grant)", tag="reports", query=rsch.MembersExtractQuery, produces=CSV,
          description="One row per member who joined before `to` (evaluators left out), for "
                      "whole months: a pseudonym of the grant (or of the bank's coordinators), "
                      "group, role, status, joining quarter, age band (generalised until every "
                      "combination occurs at least k times), whole hours given and received, "
                      "exchanges, partners, months of the first and last exchange. No names, "
                      "ids, contacts or free text. 403 to an evaluator without a live grant. "
                      "Every download is audited.")
def members_csv(actor, query, now):
    filename, lines = research_extract.members_csv_file(actor, now=now,
                                                        **rsch.extract_arguments(query))
    return csv_response(lines, filename)


@bp.get("/reports/alerts")
@endpoint("Members who only give, only receive, are near their floor or dormant "
          "(coordinators)", tag="reports", query=rs.ReportQuery, response=rs.MemberAlerts)
def member_alerts(actor, query, now):
    found = reports.member_alerts(actor, now=now, **rs.query_arguments(query))
    return {"from": found["from"], "to": found["to"], "dormant_days": found["dormant_days"],
            "near_floor_minutes": found["near_floor_minutes"], **found["alerts"]}
