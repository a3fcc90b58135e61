"""Marshmallow fields whose error messages are translated (import as `fields`).

Everything in `marshmallow.fields` is available here; the fields that input
schemas use get marshmallow's messages marked for translation. The messages
are lazy: they are turned into text in the request's language when a schema
loads (see `schemas.Input.handle_error`), so pages and API problems that show
them speak the reader's language.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import fields
from marshmallow.fields import *  # noqa: F403  (the rest of marshmallow's fields, unchanged)

from . import validate as schema_validate


class Translated:
    """Messages every field can give."""

    default_error_messages = {
        "required": _l("Missing data for required field."),
        "null": _l("Field may not be null."),
        "validator_failed": _l("Invalid value."),
    }


class Str(Translated, fields.Str):
    default_error_messages = {"invalid": _l("Not a valid string."),
                              "invalid_utf8": _l("Not a valid utf-8 string.")}


class Int(Translated, fields.Int):
    default_error_messages = {"invalid": _l("Not a valid integer."),
                              "too_large": _l("Number too large.")}


class Float(Translated, fields.Float):
    default_error_messages = {"invalid": _l("Not a valid number."),
                              "too_large": _l("Number too large."),
                              "special": _l("Special numeric values (nan or infinity) are not permitted.")}


class Bool(Translated, fields.Bool):
    default_error_messages = {"invalid": _l("Not a valid boolean.")}


class Date(Translated, fields.Date):
    default_error_messages = {"invalid": _l("Not a valid date.")}


class DateTime(Translated, fields.DateTime):
    default_error_messages = {"invalid": _l("Not a valid datetime."),
                              "invalid_awareness": _l("Not a valid datetime with its time zone.")}


class List(Translated, fields.List):
    default_error_messages = {"invalid": _l("Not a valid list.")}


class Dict(Translated, fields.Dict):
    default_error_messages = {"invalid": _l("Not a valid mapping type.")}


class Nested(Translated, fields.Nested):
    default_error_messages = {"type": _l("Invalid type.")}


class Field(Translated, fields.Field):
    pass


class Email(Translated, fields.Email):
    """marshmallow insists on a plain-text message when the field is built; the translated
    one replaces it straight after."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _l("Not a valid email address.")
        self.validators[0] = schema_validate.Email(error=self.error_messages["invalid"])


String, Integer, Boolean = Str, Int, Bool
