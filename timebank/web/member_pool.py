"""Giving some of my hours to the community pool, for people who can't earn them."""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from .. import schemas
from ..services import policy, pool
from ..services.errors import LimitExceeded, ValidationFailed
from . import bp
from .filters import hours
from .member_common import actor, member_page, now
from .member_forms import check_shape, errors_of, parse_duration, submit_once, values


@bp.route("/pool/donate", methods=["GET", "POST"])
@member_page
def donate():
    policy.authorize(actor(), "pool.donate")
    form, errors = {"hours": "", "minutes": "", "description": ""}, {}
    if request.method == "POST":
        form = values("hours", "minutes", "description")
        try:
            if not form["hours"] and not form["minutes"]:
                raise ValidationFailed.field("hours", _("Enter how long: hours, minutes or both."))
            minutes = parse_duration(form["hours"], form["minutes"])
            check_shape(schemas.DonationCreate, form, ("description",))
            return submit_once(
                lambda: pool.donate(actor(), minutes=minutes, description=form["description"],
                                    now=now()),
                lambda gift: (url_for("web.statement"),
                              _("Thank you. You gave %(time)s to the community pool.",
                                time=hours(gift["minutes"]))))
        except LimitExceeded:
            errors = {"hours": [_("You can't give that much: your balance would go below the "
                                  "lowest it can be.")]}
        except ValidationFailed as error:
            errors = errors_of(error, {"minutes": "hours"})
    return render_template("member/donate.html", form=form, errors=errors, member=actor(),
                           pool=pool.view(actor())), 422 if errors else 200
