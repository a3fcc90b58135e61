"""The coordinator's day at a glance (services/coordinator_today.py): what waits, with links
to the queue, and the members who may need a call, with the alerts as links."""

from flask import render_template

from ...models._types import utcnow
from ...services import coordinator_today
from .. import bp
from .common import actor, coordinator_page
from .limits import warnings_for


@bp.get("/coordinate/today")
@coordinator_page
def coordinate_today():
    found = coordinator_today.today(actor(), now=utcnow())
    return render_template("coordinate/today.html", found=found,
                           limits=warnings_for(found["to_approve"] + found["disputes"]))
