"""Limit warnings on the coordinator's pages: before an approval a limit would refuse, and
in the refusal if it comes anyway, with a link to the member's limits."""

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ...services import coordination, limit_check
from .. import bp
from ..filters import hours


def limit_url(member_id):
    return url_for("web.coordinate_member", member_id=member_id, _anchor="change")


def warnings_for(exchanges) -> dict:
    """{exchange id: [LimitProblem, …]} for exchanges still to be posted."""
    return {exchange.id: limit_check.problems(exchange) for exchange in exchanges
            if exchange.status in limit_check.ASKED}


def sentence(problem) -> str:
    """The figures in words: balance now, after, and the limit it would pass."""
    if problem.side == "floor":
        return _("%(name)s's balance is %(balance)s; receiving %(time)s would take it to "
                 "%(after)s, below the lowest allowed, %(limit)s.", name=problem.name,
                 balance=hours(problem.balance, signed=True), time=hours(-problem.change),
                 after=hours(problem.balance_after, signed=True),
                 limit=hours(problem.limit, signed=True))
    return _("%(name)s's balance is %(balance)s; giving %(time)s would take it to %(after)s, "
             "above the highest allowed, %(limit)s.", name=problem.name,
             balance=hours(problem.balance, signed=True), time=hours(problem.change),
             after=hours(problem.balance_after, signed=True),
             limit=hours(problem.limit, signed=True))


def refusal_for(actor, error, message) -> Markup | str:
    """`message` for a refused posting, with a link to change the member's limits."""
    owners = coordination.account_owners(actor, [error.account_id])
    found = owners.get(error.account_id)
    if found is None:
        return message
    member_id, name = found
    return Markup("{} <a href=\"{}\">{}</a>").format(
        message, limit_url(member_id), _("Change %(name)s's limits", name=name))


bp.add_app_template_global(sentence, "limit_sentence")
bp.add_app_template_global(limit_url, "limit_url")
