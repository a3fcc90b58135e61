"""The reasons people give for decisions (a dispute, a reversal, a refusal, a change):
trimmed, required where the decision needs one, and kept to text the audit log can hold.

The API checks reasons with its schemas before they arrive; the pages pass them as typed,
so the rule lives here, where every caller meets it.
"""

from flask_babel import gettext as _

from ..plain_text import REASON_MAX_LENGTH, has_control_characters
from .errors import ValidationFailed


def reason_text(reason, missing: str | None = None) -> str:
    """The reason, trimmed. `missing`: the message when none is given (None: optional)."""
    reason = (reason or "").strip()
    if not reason and missing:
        raise ValidationFailed.field("reason", missing)
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationFailed.field("reason", _("Keep the reason to 1000 characters or fewer."))
    if has_control_characters(reason):
        raise ValidationFailed.field("reason", _(
            "Remove unusual characters (such as control characters) from this text."))
    return reason
