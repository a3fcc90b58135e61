"""Offers and requests: the directory, posting one, and a member's own listings."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...models.statuses import ListingStatus
from ...services import catalogue, listings
from ...services.errors import Forbidden, NotFound, ServiceError, ValidationFailed
from ...services.paging import Page
from .. import bp
from ..forms.member import ListingForm, ListingSearchForm, OnceForm
from ..forms.once import submit_once
from .common import actor, id_argument, member_page, now, page_number

PER_PAGE = 10
KINDS = ("offer", "request")


def categories():
    """The bank's categories as (value, label) pairs for a select."""
    return [(category.name, category.name) for category in catalogue.list_categories(actor()).items]


@bp.get("/offers-and-requests")
@member_page
def offers_and_requests():
    form = ListingSearchForm.from_query()
    search = form.typed()
    kind = search["kind"] if search["kind"] in KINDS else None
    owner_id = id_argument("member")
    found = Page(items=[], page=1, per_page=PER_PAGE, total=0)
    if form.check():
        try:
            found = listings.search(actor(), kind=kind, category=search["category"] or None,
                                    q=search["q"] or None, member_id=owner_id,
                                    page=page_number(), per_page=PER_PAGE, now=now())
        except ValidationFailed as error:
            form.refused_by(error, "q")
    errors = form.problems()
    return render_template("member/offers_and_requests.html", found=found, search=search,
                           kind=kind or "", errors=errors, categories=categories(),
                           owner_id=owner_id), 422 if errors else 200


@bp.route("/listings/new", methods=["GET", "POST"])
@member_page
def new_listing():
    form, errors = {"kind": request.args.get("kind", "")}, {}
    if request.method == "POST":
        posted = ListingForm()
        form = posted.typed()
        try:
            if posted.check():
                return submit_once(
                    lambda: listings.create(actor(), kind=form["kind"], title=form["title"],
                                            description=form["description"],
                                            category=form["category"] or None, now=now()),
                    lambda listing: (url_for("web.my_listings"), _posted_message(listing)))
        except ValidationFailed as error:
            posted.refused_by(error, "form")
        errors = posted.problems()
    return render_template("member/listing_new.html", form=form, errors=errors,
                           categories=categories()), 422 if errors else 200


def _posted_message(listing):
    if listing.status == ListingStatus.APPROVED:
        return _("Your listing “%(title)s” is published.", title=listing.title)
    return _("Thank you. A coordinator will look at “%(title)s” before it is published.",
             title=listing.title)


@bp.get("/listings")
@member_page
def my_listings():
    found = listings.search(actor(), member_id=actor().id, page=page_number(),
                            per_page=PER_PAGE, now=now())
    return render_template("member/my_listings.html", found=found)


@bp.post("/listings/<int:listing_id>/withdraw")
@member_page
def withdraw_listing(listing_id):
    OnceForm().check()
    try:
        return submit_once(
            lambda: listings.withdraw(actor(), listing_id, now=now()),
            lambda listing: (url_for("web.my_listings"),
                             _("“%(title)s” is withdrawn.", title=listing.title)))
    except ServiceError as error:
        if isinstance(error, NotFound | Forbidden):
            raise
        flash(error.message, "error")
        return redirect(url_for("web.my_listings"), 303)
