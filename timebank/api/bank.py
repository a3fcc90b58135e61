"""GET and PATCH /bank: the settings of the actor's time bank."""

from .. import schemas
from ..services import banks
from . import bp
from .endpoint import endpoint


@bp.get("/bank")
@endpoint("Read your time bank's settings", tag="bank", response=schemas.BankSettings)
def get_bank(actor, now):
    return banks.view(actor)


@bp.patch("/bank")
@endpoint("Change your time bank's settings (coordinators)", tag="bank",
          body=schemas.BankSettingsPatch, response=schemas.BankSettings)
def patch_bank(actor, data, now):
    reason = data.pop("reason", "")
    return banks.update_settings(actor, data, reason=reason, now=now)
