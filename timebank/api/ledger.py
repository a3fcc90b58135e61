"""GET /ledger/verify: invariants I1–I6 for coordinators (their bank) and admins (all)."""

from .. import schemas
from ..services import verification
from . import bp
from .endpoint import endpoint


@bp.get("/ledger/verify")
@endpoint("Verify the ledger", tag="ledger", response=schemas.VerifyReport)
def verify(actor, now):
    return verification.verify_for(actor).as_dict()
