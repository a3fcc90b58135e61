"""Where the report page points for the member-level extract, and for whom."""

from flask import url_for

from ...services import policy, research_grants


def extract_link(me, raw: dict, today):
    """(address of the extract for the page's filters, the evaluator's live grant or None),
    or (None, None) when the reader may not take it. Dates that aren't first days of
    months are left out, so the extract takes its default months."""
    grant = None
    if not policy.is_coordinator(me):
        grant = research_grants.live_grant(me, today=today)
        if grant is None:
            return None, None
    kept = {key: value for key, value in raw.items()
            if key not in ("from", "to") or value.endswith("-01")}
    return url_for("web.report_members", **kept), grant
