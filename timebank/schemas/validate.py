"""Marshmallow validators whose messages are translated (import as `validate`).

Everything in `marshmallow.validate` is available here. Messages are lazy
strings with marshmallow's {placeholders}; marshmallow formats them when a
value is refused, which turns them into text in the request's language.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import validate
from marshmallow.validate import *  # noqa: F403  (the rest of marshmallow's validators, unchanged)


class Length(validate.Length):
    message_min = _l("Shorter than minimum length {min}.")
    message_max = _l("Longer than maximum length {max}.")
    message_all = _l("Length must be between {min} and {max}.")
    message_equal = _l("Length must be {equal}.")


class Range(validate.Range):
    """Only inclusive ranges are used here, so the messages are written out for them."""

    def __init__(self, min=None, max=None, **kwargs):  # noqa: A002  (marshmallow's names)
        super().__init__(min=min, max=max, **kwargs)
        self.message_min = _l("Must be greater than or equal to {min}.")
        self.message_max = _l("Must be less than or equal to {max}.")
        self.message_all = _l("Must be greater than or equal to {min} and less than or equal to {max}.")


class OneOf(validate.OneOf):
    default_message = _l("Must be one of: {choices}.")


class Email(validate.Email):
    default_message = _l("Not a valid email address.")
