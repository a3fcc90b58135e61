"""Marshmallow schemas of conversations between members (API and OpenAPI)."""

from marshmallow import Schema

from . import LISTING_KINDS, Input, Text, UTCDateTime, fields, page_of, validate

BODY_MAX_LENGTH = 2000


class MessageCreate(Input):
    body = Text(required=True, validate=validate.Length(min=1, max=BODY_MAX_LENGTH),
                metadata={"description": "The message; the other member reads it on the site "
                                         "and by name only (no address is shared)."})


class Message(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    conversation_id = fields.Int(required=True)
    sender_id = fields.Int(required=True)
    sender_name = fields.Str(required=True)
    body = fields.Str(required=True)
    created_at = UTCDateTime(required=True)
    reported = fields.Bool(required=True)


class Conversation(Schema):
    class Meta:
        ordered = True

    id = fields.Int(required=True)
    listing_id = fields.Int(required=True)
    listing_title = fields.Str(required=True)
    listing_kind = fields.Str(required=True, validate=validate.OneOf(LISTING_KINDS))
    other_member_id = fields.Int(required=True, allow_none=True)
    other_member_name = fields.Str(required=True, allow_none=True)
    last_message_at = UTCDateTime(required=True)
    unread = fields.Int(required=True, allow_none=True,
                        metadata={"description": "Messages to you not read yet."})
    suspended = fields.Bool(required=True)


class ConversationWithMessages(Conversation):
    messages = fields.List(fields.Nested(Message), required=True)


ConversationPage = page_of(Conversation, "ConversationPage")
