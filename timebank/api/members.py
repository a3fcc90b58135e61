"""/me and /members: who is in the bank, and their statements."""

from flask import url_for

from .. import schemas
from ..services import data_export, erasure, members, outbox, statements
from . import bp
from .endpoint import endpoint, page_body


@bp.get("/me")
@endpoint("Who you are, and your balance", tag="members", response=schemas.Me)
def me(actor, now):
    return members.me(actor)


@bp.get("/members")
@endpoint("List members (search by name or skills)", tag="members", query=schemas.MemberQuery,
          response=schemas.MemberPage)
def list_members(actor, query, now):
    return page_body(members.list_members(actor, **query),
                     lambda m: members.present(actor, m))


@bp.post("/members")
@endpoint("Add a member (coordinators); they are active at once", tag="members",
          description="A member given an email address but no password is sent an "
                      "invitation to choose one.",
          body=schemas.MemberCreate, response=schemas.Member, status=201, idempotent=True)
def create_member(actor, data, now):
    invitation = url_for("web.accept_invitation", token=outbox.TOKEN_MARK, _external=True)
    return members.present(actor, members.create_by(actor, now=now, invitation_link=invitation,
                                                    **data))


@bp.get("/members/<int:member_id>")
@endpoint("Read a member", tag="members", response=schemas.Member)
def get_member(actor, member_id, now):
    return members.present(actor, members.get(actor, member_id))


@bp.patch("/members/<int:member_id>")
@endpoint("Change a member: your own name and skills, or (coordinators) group, role, "
          "status and limits", tag="members", body=schemas.MemberPatch,
          response=schemas.Member)
def patch_member(actor, member_id, data, now):
    reason = data.pop("reason", "")
    member = members.update(actor, member_id, data, reason=reason, now=now)
    return members.present(actor, member)


@bp.get("/members/<int:member_id>/statement")
@endpoint("A member's statement, newest first by the date of the exchange (then posting "
          "order), with the balance after each row in that order",
          tag="members", query=schemas.DateRangeQuery, response=schemas.StatementPage)
def statement(actor, member_id, query, now):
    page = statements.statement(actor, member_id, date_from=query["from_"],
                                date_to=query["to"], page=query["page"],
                                per_page=query["per_page"])
    return page_body(page)


@bp.get("/me/export")
@endpoint("Everything held about you, as one JSON document (audited)", tag="members",
          response=schemas.MemberExport)
def export_me(actor, now):
    return data_export.export(actor, actor.id, now=now)


@bp.get("/members/<int:member_id>/export")
@endpoint("Everything held about a member, for a member who asks on paper (coordinators; "
          "audited)", tag="members", response=schemas.MemberExport)
def export_member(actor, member_id, now):
    return data_export.export(actor, member_id, now=now)


@bp.post("/members/<int:member_id>/erase")
@endpoint("Erase a member's personal data and close their account (coordinators). The ledger "
          "keeps its entries; the balance goes where the bank's `erased_balance_to` says. All "
          "or nothing: a limit that refuses the balance transfer leaves everything as it was",
          tag="members", body=schemas.Erasure, response=schemas.Erased, errors=(409,))
def erase_member(actor, member_id, data, now):
    member = erasure.erase(actor, member_id, reason=data["reason"], now=now)
    return {"id": member.id, "status": member.status, "erased_at": member.erased_at,
            "balance_minutes": member.account.balance}
