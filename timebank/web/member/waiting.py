"""What waits for me: the page behind the count in the navigation, without any mail server."""

from flask import render_template

from ...services import what_waits
from .. import bp
from .common import actor, member_page, now


@bp.get("/waiting")
@member_page
def what_waits_for_me():
    return render_template("member/waiting.html", found=what_waits.for_member(actor(), now=now()),
                           me=actor())
