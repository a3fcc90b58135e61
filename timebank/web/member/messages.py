"""Writing to a member about their offer or request, replies, the inbox, and reporting.

Nothing here shows an e-mail address: members know each other by name, and the
mail that announces a message links back to the conversation on the site.
Sending is rate-limited per signed-in user (MESSAGE_LIMIT).
"""

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...extensions import limiter
from ...services import conversations, listings
from ...services.errors import InvalidTransition, ValidationFailed
from .. import bp
from ..forms.member import MarkReadForm, MessageForm, ReportForm
from .common import actor, member_page, now, page_number

PER_PAGE = 20


def _message_limit():
    return current_app.config.get("MESSAGE_LIMIT", "30 per hour")


def _sender_key():
    return f"messages:{current_user.get_id() if current_user.is_authenticated else '-'}"


def limited(view):
    """At most MESSAGE_LIMIT messages sent per user; refused attempts do not count."""
    return limiter.limit(_message_limit, methods=["POST"], key_func=_sender_key,
                         deduct_when=lambda response: response.status_code == 303)(view)


def conversation_link(conversation_id):
    return url_for("web.conversation", conversation_id=conversation_id, _external=True)


def _errors(error: ValidationFailed, field):
    """The service's messages, shown at the page's one field."""
    found = error.errors or {field: [error.message]}
    return {field: [message for messages in found.values() for message in messages]}


@bp.route("/listings/<int:listing_id>/contact", methods=["GET", "POST"])
@limited
@member_page
def contact_owner(listing_id):
    listing = listings.get(actor(), listing_id, now=now())
    form, errors = MessageForm(), {}
    if form.validate_on_submit():
        try:
            message = conversations.contact(actor(), listing.id, body=form.body.data,
                                             now=now(), link_for=conversation_link)
        except ValidationFailed as error:
            errors = _errors(error, "body")
        except InvalidTransition as error:
            errors = {"body": [error.message]}
        else:
            flash(_("Your message is sent to %(name)s.", name=listing.member.name), "success")
            return redirect(url_for("web.conversation",
                                    conversation_id=message.conversation_id), 303)
    return render_template("member/contact.html", listing=listing, form=form,
                           errors=errors), 422 if errors else 200


@bp.get("/messages")
@member_page
def inbox():
    found = conversations.inbox(actor(), page=page_number(), per_page=PER_PAGE)
    return render_template("member/inbox.html", found=found, me=actor())


def _conversation_page(conversation_id, form=None, errors=None):
    me = actor()
    conversation = conversations.get(me, conversation_id)
    return render_template(
        "member/conversation.html", conversation=conversation, me=me,
        is_party=conversations.is_party(me, conversation),
        unread=conversations.unread_in(me, conversation), form=form or MessageForm(),
        read_form=MarkReadForm(), errors=errors or {}), 422 if errors else 200


@bp.get("/messages/<int:conversation_id>")
@member_page
def conversation(conversation_id):
    return _conversation_page(conversation_id)


@bp.post("/messages/<int:conversation_id>")
@limited
@member_page
def reply(conversation_id):
    form = MessageForm()
    if not form.validate_on_submit():
        return _conversation_page(conversation_id, form)
    try:
        conversations.reply(actor(), conversation_id, body=form.body.data, now=now(),
                            link_for=conversation_link)
    except ValidationFailed as error:
        return _conversation_page(conversation_id, form, _errors(error, "body"))
    except InvalidTransition as error:
        flash(error.message, "error")
        return redirect(url_for("web.conversation", conversation_id=conversation_id), 303)
    flash(_("Your reply is sent."), "success")
    return redirect(url_for("web.conversation", conversation_id=conversation_id), 303)


@bp.post("/messages/<int:conversation_id>/read")
@member_page
def mark_conversation_read(conversation_id):
    if MarkReadForm().validate_on_submit():
        conversations.mark_read(actor(), conversation_id)
    return redirect(url_for("web.conversation", conversation_id=conversation_id), 303)


@bp.route("/messages/<int:conversation_id>/report/<int:message_id>", methods=["GET", "POST"])
@member_page
def report_message(conversation_id, message_id):
    me = actor()
    conversation = conversations.get(me, conversation_id)
    message = next((m for m in conversation.messages if m.id == message_id), None)
    if message is None or message.sender_id == me.id or not conversations.is_party(me,
                                                                                   conversation):
        return render_template("errors/404.html"), 404
    form, errors = ReportForm(), {}
    if form.validate_on_submit():
        try:
            conversations.report(me, message.id, reason=form.reason.data, now=now())
        except ValidationFailed as error:
            errors = _errors(error, "reason")
        except InvalidTransition as error:
            errors = {"reason": [error.message]}
        else:
            flash(_("Thank you. A coordinator will look at this message."), "success")
            return redirect(url_for("web.conversation", conversation_id=conversation_id), 303)
    return render_template("member/report_message.html", conversation=conversation,
                           message=message, form=form, errors=errors), 422 if errors else 200
