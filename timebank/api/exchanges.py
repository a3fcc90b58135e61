"""Exchanges of time, their workflow, group credits and the community pool."""

from .. import schemas
from ..services import conversations, exchanges, group_credits, listings, pool, waiting
from . import bp
from .endpoint import endpoint, page_body


@bp.get("/exchanges")
@endpoint("List exchanges: all of the bank for coordinators, your own for members",
          tag="exchanges", query=schemas.ExchangeQuery, response=schemas.ExchangePage)
def list_exchanges(actor, query, now):
    return page_body(exchanges.search(actor, now=now, **query),
                     lambda exchange: exchanges.present(exchange, actor))


@bp.post("/exchanges")
@endpoint("Record time given by a provider to a receiver", tag="exchanges",
          body=schemas.ExchangeCreate, response=schemas.Exchange, status=201, idempotent=True,
          errors=(409,),
          description="Logged by a party, it waits for the other party to confirm. Logged by a "
                      "coordinator for others, it posts at once (409 credit_limit_exceeded if "
                      "it would break a limit; then nothing is recorded).")
def create_exchange(actor, data, now):
    return exchanges.present(exchanges.log(actor, now=now, **data))


@bp.get("/exchanges/<int:exchange_id>")
@endpoint("Read an exchange", tag="exchanges", response=schemas.Exchange)
def get_exchange(actor, exchange_id, now):
    return exchanges.present(exchanges.get(actor, exchange_id, now=now), actor)


@bp.post("/exchanges/<int:exchange_id>/confirm")
@endpoint("Confirm an exchange the other party recorded", tag="exchanges",
          response=schemas.Exchange, errors=(409, 422))
def confirm_exchange(actor, exchange_id, now):
    return exchanges.present(exchanges.confirm(actor, exchange_id, now=now))


@bp.post("/exchanges/<int:exchange_id>/dispute")
@endpoint("Say an exchange is wrong; a coordinator will decide", tag="exchanges",
          body=schemas.Reason, response=schemas.Exchange, errors=(409,))
def dispute_exchange(actor, exchange_id, data, now):
    return exchanges.present(exchanges.dispute(actor, exchange_id, reason=data["reason"],
                                               now=now))


@bp.post("/exchanges/<int:exchange_id>/approve")
@endpoint("Approve and post an exchange that waits for approval or is disputed (coordinators)",
          tag="exchanges", response=schemas.Exchange, errors=(409, 422))
def approve_exchange(actor, exchange_id, now):
    return exchanges.present(exchanges.approve(actor, exchange_id, now=now))


@bp.post("/exchanges/<int:exchange_id>/correct")
@endpoint("Correct a disputed exchange and post it (coordinators)", tag="exchanges",
          body=schemas.ExchangeCorrection, response=schemas.Exchange, errors=(409, 422),
          description="Sets the minutes (and the date or description, if given) to what "
                      "really happened and posts the exchange, in one transaction; both "
                      "people are told, and the audit log keeps the values before and after. "
                      "409 credit_limit_exceeded if posting it would break a limit: then "
                      "nothing is changed. A repeat finds the exchange posted and is refused "
                      "with 409, so it never posts twice.")
def correct_exchange(actor, exchange_id, data, now):
    return exchanges.present(exchanges.correct(actor, exchange_id, now=now, **data), actor)


@bp.post("/exchanges/<int:exchange_id>/cancel")
@endpoint("Cancel an exchange before it posts", tag="exchanges", body=schemas.OptionalReason,
          response=schemas.Exchange, errors=(409,))
def cancel_exchange(actor, exchange_id, data, now):
    return exchanges.present(exchanges.cancel(actor, exchange_id, reason=data["reason"],
                                              now=now))


@bp.post("/exchanges/<int:exchange_id>/reverse")
@endpoint("Reverse a posted exchange with a reason (coordinators)", tag="exchanges",
          body=schemas.Reason, response=schemas.Exchange, errors=(409,))
def reverse_exchange(actor, exchange_id, data, now):
    return exchanges.present(exchanges.reverse(actor, exchange_id, reason=data["reason"],
                                               now=now))


@bp.post("/group-credits")
@endpoint("Record an activity session: one account credits (or is credited by) several "
          "members the same minutes, as one entry (coordinators)", tag="exchanges",
          body=schemas.GroupCreditCreate, response=schemas.GroupCredit, status=201,
          idempotent=True, errors=(409,))
def create_group_credit(actor, data, now):
    return group_credits.record(actor, now=now, **data)


@bp.get("/pool")
@endpoint("The community pool's balance", tag="pool", response=schemas.Pool)
def get_pool(actor, now):
    return pool.view(actor)


@bp.post("/pool/donations")
@endpoint("Give some of your minutes to the community pool", tag="pool",
          body=schemas.DonationCreate, response=schemas.PoolPosting, status=201,
          idempotent=True, errors=(409,))
def donate(actor, data, now):
    return pool.donate(actor, now=now, **data)


@bp.post("/pool/grants")
@endpoint("Grant minutes from the pool to a member (coordinators)", tag="pool",
          body=schemas.GrantCreate, response=schemas.PoolPosting, status=201, idempotent=True,
          errors=(409,))
def grant(actor, data, now):
    return pool.grant(actor, now=now, **data)


@bp.get("/me/waiting")
@endpoint("What waits for you: exchanges to confirm, unread messages; for coordinators, every "
          "decision and reported messages",
          tag="members", response=schemas.Waiting)
def waiting_for_me(actor, now):
    found = waiting.waiting_for(actor, now=now)
    found = {key: [exchanges.present(x, actor) for x in found[key]]
             for key in ("to_confirm", "awaiting_others", "to_approve", "disputes")} | {
        "listings": [listings.present(x) for x in found["listings"]],
        "members": [{"id": m.id, "name": m.name, "group": m.group} for m in found["members"]],
        "unread_messages": conversations.unread_count(actor),
        "reported_messages": conversations.open_reports(actor)}
    return found
