"""Research grants: the coordinator's page to grant, list and revoke; the extract download."""

from flask import abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user, login_required
from marshmallow import EXCLUDE, ValidationError

from ...models._types import utcnow
from ...schemas.research import MembersExtractQuery, extract_arguments
from ...services import research_extract, research_grants
from ...services.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from .. import bp
from ..coordinate.common import actor, coordinator_page
from ..forms.coordinate import ResearchGrantForm
from .reports import _download, raw_query


def render_grants(form=None, errors=None, status=200):
    me = actor()
    today = utcnow().date()
    return render_template(
        "coordinate/research_grants.html", grants=research_grants.list_grants(me).items,
        evaluators=[(str(e.id), e.name) for e in research_grants.evaluators(me)],
        today=today, latest_end=research_grants.latest_end(today),
        form=form or {}, errors=errors or {}), status


@bp.get("/coordinate/research-grants")
@coordinator_page
def coordinate_research_grants():
    return render_grants()


@bp.post("/coordinate/research-grants")
@coordinator_page
def coordinate_grant_research():
    """Every field is checked at once by the service; a date that isn't one is said so."""
    posted = ResearchGrantForm()
    posted.check()
    try:
        made = research_grants.grant(actor(), evaluator_id=posted.evaluator(),
                                     purpose=posted.purpose.data, ends_on=posted.ends_on.day,
                                     now=utcnow())
    except ValidationFailed as error:
        return render_grants(posted.typed(), {**error.errors, **posted.problems()}, 422)
    flash(_("%(name)s may take the member-level extract until %(day)s.",
            name=made.evaluator.name, day=format_date(made.ends_on, "long")), "success")
    return redirect(url_for("web.coordinate_research_grants"))


@bp.post("/coordinate/research-grants/<int:grant_id>/revoke")
@coordinator_page
def coordinate_revoke_research(grant_id):
    try:
        research_grants.revoke(actor(), grant_id, now=utcnow())
    except InvalidTransition as error:
        flash(error.message, "error")
        return redirect(url_for("web.coordinate_research_grants"))
    flash(_("The grant is revoked: its extract can't be downloaded any more."), "success")
    return redirect(url_for("web.coordinate_research_grants"))


@bp.get("/reports/members.csv")
@login_required
def report_members():
    raw = raw_query()
    if request.args.get("grant", "").strip():
        raw["grant"] = request.args["grant"].strip()
    try:
        query = MembersExtractQuery(unknown=EXCLUDE).load(raw)
    except ValidationError:
        abort(422)
    try:
        filename, lines = research_extract.members_csv_file(current_user.member, now=utcnow(),
                                                            **extract_arguments(query))
    except Forbidden:
        return render_template("reports/forbidden.html"), 403
    except NotFound:
        abort(404)
    except ValidationFailed:
        abort(422)
    return _download(stream_with_context(lines), "text/csv", filename)

