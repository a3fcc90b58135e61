"""Recording time: choose the other person (or start from a listing), then say what happened.

No JavaScript: finding someone is a GET search whose results are links; the
chosen person (and listing) then travel in the form as hidden fields.
"""

from flask import render_template, request, url_for
from flask_babel import gettext as _

from .. import schemas
from ..models import ids
from ..models.statuses import ListingStatus, MemberStatus
from ..services import exchanges, listings, members, policy
from ..services.errors import Forbidden, NotFound, ValidationFailed
from . import bp
from .member_common import actor, id_argument, member_page, now, page_number
from .member_forms import check_shape, errors_of, parse_date, parse_duration, submit_once, values
from .member_listings import categories

DIRECTIONS = ("gave", "received")
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
    q = (request.args.get("q") or "").strip()
    try:
        check_shape(schemas.MemberQuery, {"q": q}, ("q",))
    except ValidationFailed as error:
        errors, q = errors_of(error), ""
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
    form = values("member_id", "listing_id", "direction", "hours", "minutes", "occurred_on",
                  "description", "category")
    listing_id, other_id = ids.parse_id(form["listing_id"]), ids.parse_id(form["member_id"])
    listing = _find_listing(listing_id) if listing_id else None
    other = listing.member if listing else (_find_member(other_id) if other_id else None)
    if other is None:
        return _choose_person({"q": [_("Choose the person you exchanged time with.")]})
    errors = {}
    if form["direction"] not in DIRECTIONS:
        errors["direction"] = [_("Say whether you gave time or received it.")]
    if not form["hours"] and not form["minutes"]:
        errors["hours"] = [_("Enter how long: hours, minutes or both.")]
    minutes = _attempt(errors, parse_duration, form["hours"], form["minutes"])
    occurred_on = _attempt(errors, parse_date, form["occurred_on"], "occurred_on")
    _attempt(errors, check_shape, schemas.ExchangeCreate, form, ("description", "category"))
    if occurred_on is None and "occurred_on" not in errors:
        errors["occurred_on"] = [_("Enter the date the time was given.")]
    if errors:
        return _exchange_form(other, listing, form, errors)
    me = actor()
    provider, receiver = (me, other) if form["direction"] == "gave" else (other, me)
    try:
        return submit_once(
            lambda: exchanges.log(me, provider_id=provider.id, receiver_id=receiver.id,
                                  minutes=minutes, occurred_on=occurred_on,
                                  description=form["description"],
                                  category=form["category"] or None,
                                  listing_id=listing.id if listing else None, now=now()),
            lambda exchange: (url_for("web.exchange_recorded", exchange_id=exchange.id), None))
    except ValidationFailed as error:
        return _exchange_form(other, listing, form, errors_of(error, RENAME))


def _attempt(errors, step, *args):
    """The step's result, or None with its errors added to `errors`."""
    try:
        return step(*args)
    except ValidationFailed as error:
        for field, messages in errors_of(error).items():
            errors.setdefault(field, []).extend(messages)
        return None


@bp.get("/exchanges/<int:exchange_id>/recorded")
@member_page
def exchange_recorded(exchange_id):
    exchange = exchanges.get(actor(), exchange_id, now=now())
    return render_template("member/exchange_recorded.html", exchange=exchange, me=actor())
