"""Offers and requests."""

from .. import schemas
from ..services import listings
from . import bp
from .endpoint import endpoint, page_body


@bp.get("/listings")
@endpoint("Search published offers and requests, newest first (coordinators may filter by any "
          "status; members see their own listings of any status)", tag="listings",
          query=schemas.ListingQuery, response=schemas.ListingPage)
def list_listings(actor, query, now):
    return page_body(listings.search(actor, now=now, **query), listings.present)


@bp.post("/listings")
@endpoint("Post an offer or a request; it waits for a coordinator if the bank moderates",
          tag="listings", body=schemas.ListingCreate, response=schemas.Listing, status=201,
          idempotent=True)
def create_listing(actor, data, now):
    return listings.present(listings.create(actor, now=now, **data))


@bp.get("/listings/<int:listing_id>")
@endpoint("Read a listing", tag="listings", response=schemas.Listing)
def get_listing(actor, listing_id, now):
    return listings.present(listings.get(actor, listing_id, now=now))


@bp.post("/listings/<int:listing_id>/approve")
@endpoint("Publish a pending listing (coordinators)", tag="listings", response=schemas.Listing,
          errors=(409,))
def approve_listing(actor, listing_id, now):
    return listings.present(listings.approve(actor, listing_id, now=now))


@bp.post("/listings/<int:listing_id>/reject")
@endpoint("Turn down a pending listing with a reason the member sees (coordinators)",
          tag="listings", body=schemas.Reason, response=schemas.Listing, errors=(409,))
def reject_listing(actor, listing_id, data, now):
    return listings.present(listings.reject(actor, listing_id, reason=data["reason"], now=now))


@bp.post("/listings/<int:listing_id>/withdraw")
@endpoint("Withdraw your listing", tag="listings", response=schemas.Listing, errors=(409,))
def withdraw_listing(actor, listing_id, now):
    return listings.present(listings.withdraw(actor, listing_id, now=now))
