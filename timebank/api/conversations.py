"""Members writing to each other about an offer or a request (no address is ever shared)."""

import hashlib

from flask import current_app, request, url_for

from .. import schemas
from ..extensions import limiter
from ..schemas import messages as msch
from ..services import conversations
from . import bp
from .endpoint import endpoint

SENT = 201


def _link(conversation_id):
    return url_for("web.conversation", conversation_id=conversation_id, _external=True)


def _token_key():
    token = request.headers.get("Authorization", "")
    return "messages-api:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()[:32]


def _message_limit():
    return current_app.config.get("MESSAGE_LIMIT", "30 per hour")


def limited(view):
    """The same per-sender limit as the pages; refused attempts do not count."""
    return limiter.limit(_message_limit, key_func=_token_key,
                         deduct_when=lambda response: response.status_code == SENT)(view)


def _with_messages(conversation, actor):
    conversation.unread = conversations.unread_in(actor, conversation)
    return conversations.present(conversation, actor) | {
        "messages": [conversations.present_message(m) for m in conversation.messages]}


@bp.get("/messages")
@endpoint("Your conversations about offers and requests, latest message first, with how many "
          "messages to you are unread", tag="messages", query=schemas.PageQuery,
          response=msch.ConversationPage)
def list_conversations(actor, query, now):
    found = conversations.inbox(actor, **query)
    return {"items": [conversations.present(c, actor) for c in found.items],
            "page": found.page, "per_page": found.per_page, "total": found.total}


@bp.get("/conversations/<int:conversation_id>")
@endpoint("Read a conversation (its two members; coordinators once a message in it is "
          "reported)", tag="messages", response=msch.ConversationWithMessages)
def get_conversation(actor, conversation_id, now):
    return _with_messages(conversations.get(actor, conversation_id), actor)


@bp.post("/listings/<int:listing_id>/messages")
@limited
@endpoint("Write to the owner of a published listing; a further message joins the same "
          "conversation. The owner is told by e-mail, by your name only", tag="messages",
          body=msch.MessageCreate, response=msch.Message, status=SENT, errors=(409, 429))
def write_about_listing(actor, listing_id, data, now):
    message = conversations.contact(actor, listing_id, body=data["body"], now=now,
                                    link_for=_link)
    return conversations.present_message(message)


@bp.post("/conversations/<int:conversation_id>/messages")
@limited
@endpoint("Reply in a conversation you are part of", tag="messages", body=msch.MessageCreate,
          response=msch.Message, status=SENT, errors=(409, 429))
def reply_in_conversation(actor, conversation_id, data, now):
    message = conversations.reply(actor, conversation_id, body=data["body"], now=now,
                                  link_for=_link)
    return conversations.present_message(message)
