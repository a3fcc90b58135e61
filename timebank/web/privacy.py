"""The privacy notice: read and accepted at sign-in when a new version is out; edited by
coordinators; and a member's own data as a download."""

from flask import Response, flash, json, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..locales import current_language
from ..services import data_export, privacy
from ..services.errors import ValidationFailed
from . import bp
from .auth import safe_next
from .coordinate.common import coordinator_page
from .forms.accounts import PrivacyAcceptForm
from .forms.coordinate import PrivacyNoticeForm
from .member.common import actor, member_page, now


@bp.app_template_global()
def notice_text(notice):
    return notice.text_cy if current_language() == "cy" else notice.text_en


@bp.route("/privacy", methods=["GET", "POST"])
@member_page
def privacy_notice():
    """The page a member passes through after signing in when a new notice is out."""
    me = actor()
    form = PrivacyAcceptForm(formdata=request.values)
    target = safe_next(form.next.data, url_for("web.home"))
    if request.method == "POST" and form.check():
        try:
            privacy.accept(me, form.version.number, now=now())
        except ValidationFailed:
            pass
        else:
            return redirect(target, 303)
    pending = privacy.needs_acceptance(me)
    if pending is None and request.method == "POST":
        return redirect(target, 303)
    return render_template("member/privacy.html", notice=pending or privacy.current(me.bank_id),
                           target=target, accepted=pending is None)


@bp.get("/profile/my-data.json")
@member_page
def download_my_data():
    document = data_export.export(actor(), actor().id, now=now())
    return _download(document, "my-data.json")


@bp.get("/coordinate/members/<int:member_id>/data.json")
@coordinator_page
def coordinate_member_data(member_id):
    document = data_export.export(actor(), member_id, now=now())
    return _download(document, f"member-{member_id}-data.json")


def _download(document, filename):
    return Response(json.dumps(document, indent=2, ensure_ascii=False),
                    mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/coordinate/privacy", methods=["GET", "POST"])
@coordinator_page
def coordinate_privacy():
    me = actor()
    notice = privacy.current(me.bank_id)
    errors, form = {}, {"text_en": notice.text_en if notice else "",
                        "text_cy": notice.text_cy if notice else ""}
    if request.method == "POST":
        form = PrivacyNoticeForm().typed()
        try:
            published = privacy.publish(me, text_en=form["text_en"], text_cy=form["text_cy"],
                                        now=now())
        except ValidationFailed as error:
            errors = error.errors
        else:
            flash(_("Version %(version)s of the privacy notice is published. Members will be "
                    "asked to read it when they next sign in.", version=published.version),
                  "success")
            return redirect(url_for("web.coordinate_privacy"), 303)
    return render_template("coordinate/privacy.html", notice=notice, form=form,
                           errors=errors), 422 if errors else 200
