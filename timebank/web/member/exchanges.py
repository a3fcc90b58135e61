"""Recording time: choose the other person (or start from a listing), then say what happened.

No JavaScript: finding someone is a GET search whose results are links; the
chosen person (and listing) then travel in the form as hidden fields.
"""

from flask import render_template, url_for
from flask_babel import gettext as _

from ...models.statuses import ListingStatus, MemberStatus
from ...services import exchanges, listings, members, policy
from ...services.errors import Forbidden, NotFound, ValidationFailed
from .. import bp
from ..forms.member import ExchangeForm, MemberSearchForm
from ..forms.once import submit_once
from .common import actor, id_argument, member_page, now, page_number
from .listings import categories

# Service field names, as the fields of this page.
RENAME = {"minutes": "hours", "provider_id": "other", "receiver_id": "other",
          "listing_id": "direction", "Idempotency-Key": "form"}


def _find_listing(listing_id):
    try:
        listing = listings.get(actor(), listing_id, now=now())
    except NotFound:
        return None
    return listing if listing.member_id != actor().id and listing.status == ListingStatus.APPROVED else None


def _find_member(member_id):
    try:
        other = members.get(actor(), member_id)
    except (NotFound, Forbidden):
        return None
    usable = other.id != actor().id and other.status == MemberStatus.ACTIVE and not policy.is_evaluator(other)
    return other if usable else None


def _default_form(listing):
    form = {"direction": "", "hours": "", "minutes": "", "description": "", "category": "",
            "occurred_on": now().date().isoformat()}
    if listing is not None:
        form.update(direction="received" if listing.kind == "offer" else "gave",
                    description=listing.title, category=listing.category.name)
    return form


@bp.get("/exchanges/new")
@member_page
def new_exchange():
    policy.authorize(actor(), "exchanges.create")
    listing = _find_listing(id_argument("listing")) if id_argument("listing") else None
    other = listing.member if listing else None
    errors = {}
    if id_argument("listing") and listing is None:
        errors["q"] = [_("That offer or request can't be used here: it is your own, or it is "
                         "no longer published. Search for the person instead.")]
    if other is None and id_argument("member"):
        other = _find_member(id_argument("member"))
        if other is None:
            errors["q"] = [_("That person can't be chosen. Search for someone else.")]
    if other is None:
        return _choose_person(errors)
    return _exchange_form(other, listing, _default_form(listing), {})


def _choose_person(errors):
    search = MemberSearchForm.from_query()
    q = search.q.data or ""
    if not search.check():
        errors, q = search.problems(), ""
    found = members.list_members(actor(), q=q or None, status=MemberStatus.ACTIVE, page=page_number(),
                                 per_page=20)
    people = [m for m in found.items if m.id != actor().id and m.role != "evaluator"]
    return render_template("member/exchange_choose.html", q=q, found=found, people=people,
                           errors=errors), 422 if errors else 200


def _exchange_form(other, listing, form, errors):
    return render_template("member/exchange_new.html", other=other, listing=listing, form=form,
                           errors=errors, categories=categories(),
                           today=now().date().isoformat()), 422 if errors else 200


@bp.post("/exchanges/new")
@member_page
def record_exchange():
    posted = ExchangeForm()
    form = posted.typed()
    listing_id = posted.chosen_id("listing_id")
    listing = _find_listing(listing_id) if listing_id else None
    other_id = posted.chosen_id("member_id")
    other = listing.member if listing else (_find_member(other_id) if other_id else None)
    if other is None:
        return _choose_person({"q": [_("Choose the person you exchanged time with.")]})
    if not posted.check():
        return _exchange_form(other, listing, form, posted.problems())
    me = actor()
    provider, receiver = (me, other) if posted.direction.data == "gave" else (other, me)
    try:
        return submit_once(
            lambda: exchanges.log(me, provider_id=provider.id, receiver_id=receiver.id,
                                  minutes=posted.hours.minutes,
                                  occurred_on=posted.occurred_on.day,
                                  description=posted.description.data,
                                  category=posted.category.data or None,
                                  listing_id=listing.id if listing else None, now=now()),
            lambda exchange: (url_for("web.exchange_recorded", exchange_id=exchange.id), None))
    except ValidationFailed as error:
        return _exchange_form(other, listing, form,
                              posted.refused_by(error, "form", RENAME).problems())


@bp.get("/exchanges/<int:exchange_id>/recorded")
@member_page
def exchange_recorded(exchange_id):
    exchange = exchanges.get(actor(), exchange_id, now=now())
    return render_template("member/exchange_recorded.html", exchange=exchange, me=actor())
