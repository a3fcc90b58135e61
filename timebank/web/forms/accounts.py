"""The forms of signing in, joining a bank, getting back into an account and accepting the
privacy notice. Passwords are checked by the services (one rule for the API and the pages)
and never shown again."""

from flask_babel import gettext as _
from wtforms.validators import ValidationError

from .base import PageForm
from .fields import BirthYear, Secret, Text, WholeNumber


class SignInForm(PageForm):
    email = Text()
    password = Secret()

    def validate_email(self, field):
        if not field.data:
            raise ValidationError(_("Enter your email address."))

    def validate_password(self, field):
        if not field.data:
            raise ValidationError(_("Enter your password."))


class RegisterForm(PageForm):
    name = Text()
    email = Text()
    group = Text()
    skills = Text()
    birth_year = Text(validators=[BirthYear()])
    password = Secret()
    privacy = Text()

    def privacy_version(self):
        """The notice version the box was ticked for (sent with the form), or None: the
        service says that the notice must be accepted."""
        value = self.privacy.data or ""
        return int(value) if value.isdigit() and len(value) < 9 else None


class ForgotPasswordForm(PageForm):
    email = Text()


class NewPasswordForm(PageForm):
    password = Secret()
    confirm = Secret()

    def validate_confirm(self, field):
        if field.data != self.password.data:
            raise ValidationError(_("The two passwords are not the same."))


class PrivacyAcceptForm(PageForm):
    """The notice version the member read; `next` is where they were going."""

    version = WholeNumber(bounds=(0, 10**8))
    next = Text()
