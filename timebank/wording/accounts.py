"""The e-mail about a member's account: resetting a password, confirming an address, an
invitation. (subject, body) in the current locale; services/account_links.py sends them."""

from flask_babel import gettext as _


def _reset_message(link, minutes):
    return (_("Choose a new password"),
            _("Someone (we hope you) asked to reset the password of your time bank account. "
              "To choose a new password, open this link within %(minutes)s minutes:\n\n%(link)s"
              "\n\nThe link works once. If you didn't ask, you can ignore this message: your "
              "password stays as it is.", minutes=minutes, link=link))


def _verify_message(link, bank):
    return (_("Please confirm your e-mail address"),
            _("Thank you for asking to join %(bank)s. Please confirm that this is your e-mail "
              "address by opening this link:\n\n%(link)s\n\nA coordinator will then look at "
              "your request.", bank=bank, link=link))


def _known_address_message(link, bank):
    return (_("Someone asked to join with your e-mail address"),
            _("Someone asked to join %(bank)s with this e-mail address, which already has an "
              "account. If it was you, sign in as usual. If you have forgotten your password, "
              "you can choose a new one here:\n\n%(link)s\n\nIf it wasn't you, you can ignore "
              "this message.", bank=bank, link=link))


def _invitation_message(link, bank, name, days):
    return (_("Your invitation to %(bank)s", bank=bank),
            _("Hello %(name)s, a coordinator of %(bank)s has added you as a member. To choose "
              "your password and sign in, open this link within %(days)s days:\n\n%(link)s",
              name=name, bank=bank, days=days, link=link))


MESSAGES = {"password_reset": _reset_message, "verify_email": _verify_message,
            "join_known_address": _known_address_message, "invitation": _invitation_message}
