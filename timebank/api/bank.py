"""GET and PATCH /bank: the settings of the actor's time bank; PUT and DELETE /bank/logo."""

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import UnsupportedMediaType

from .. import schemas
from ..services import bank_look, banks
from . import bp
from .endpoint import endpoint

LOGO_TYPES = ("image/png", "image/jpeg")


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


@bp.put("/bank/logo")
@endpoint("Set your time bank's logo (coordinators; audited)", tag="bank",
          query=schemas.LogoQuery, response=schemas.BankSettings, raw_body=LOGO_TYPES,
          description="Send the picture itself as the body, as image/png or image/jpeg, at "
                      "most 200 kB; it is checked by its first bytes (SVG is refused). Its "
                      "alternative text is the bank's name.")
def put_bank_logo(actor, query, now):
    if request.mimetype not in LOGO_TYPES:
        raise UnsupportedMediaType(_("Send the logo as image/png or image/jpeg."))
    return bank_look.set_logo(actor, request.get_data(cache=False), reason=query["reason"],
                              now=now)


@bp.delete("/bank/logo")
@endpoint("Remove your time bank's logo (coordinators; audited)", tag="bank",
          query=schemas.LogoQuery, response=schemas.BankSettings)
def delete_bank_logo(actor, query, now):
    return bank_look.set_logo(actor, None, reason=query["reason"], now=now)
