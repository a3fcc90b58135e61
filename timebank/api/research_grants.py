"""Research grants (coordinators make and revoke them; an evaluator sees their own)."""

from .. import schemas
from ..schemas import research as rsch
from ..services import research_grants
from . import bp
from .endpoint import endpoint, page_body


@bp.post("/research-grants")
@endpoint("Let one evaluator take the member-level extract until a day (coordinators)",
          tag="research", body=rsch.ResearchGrantCreate, response=rsch.ResearchGrant,
          status=201, idempotent=True,
          description="The grant is live from today until `ends_on` (included), at most a year "
                      "on. Its extracts have pseudonyms of their own. Audited.")
def create_research_grant(actor, data, now):
    return research_grants.grant(actor, evaluator_id=data["evaluator_id"],
                                 purpose=data["purpose"], ends_on=data["ends_on"], now=now)


@bp.get("/research-grants")
@endpoint("Research grants: all of the bank's to coordinators, their own to an evaluator",
          tag="research", query=schemas.PageQuery, response=rsch.ResearchGrantPage)
def list_research_grants(actor, query, now):
    return page_body(research_grants.list_grants(actor, **query))


@bp.post("/research-grants/<int:grant_id>/revoke")
@endpoint("Revoke a research grant now (coordinators)", tag="research",
          response=rsch.ResearchGrant, errors=(409,),
          description="Its evaluator can't download the extract with it any more. Audited.")
def revoke_research_grant(actor, grant_id, now):
    return research_grants.revoke(actor, grant_id, now=now)
