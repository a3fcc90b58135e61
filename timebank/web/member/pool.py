"""Giving some of my hours to the community pool, for people who can't earn them."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from ...services import policy, pool
from ...services.errors import LimitExceeded, ValidationFailed
from .. import bp
from ..filters import hours
from ..forms.member import DonateForm
from ..forms.once import submit_once
from .common import actor, member_page, now


@bp.route("/pool/donate", methods=["GET", "POST"])
@member_page
def donate():
    policy.authorize(actor(), "pool.donate")
    form, errors = {"hours": "", "minutes": "", "description": ""}, {}
    if request.method == "POST":
        posted = DonateForm()
        form = posted.typed()
        try:
            if posted.check():
                return submit_once(
                    lambda: pool.donate(actor(), minutes=posted.hours.minutes,
                                        description=posted.description.data, now=now()),
                    lambda gift: (url_for("web.statement"),
                                  _("Thank you. You gave %(time)s to the community pool.",
                                    time=hours(gift["minutes"]))))
        except LimitExceeded:
            posted.refuse("hours", _("You can't give that much: your balance would go below "
                                     "the lowest it can be."))
        except ValidationFailed as error:
            posted.refused_by(error, "form", {"minutes": "hours"})
        errors = posted.problems()
    return render_template("member/donate.html", form=form, errors=errors, member=actor(),
                           pool=pool.view(actor())), 422 if errors else 200
