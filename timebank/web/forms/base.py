"""The form class every page form is made from.

CSRF is checked for every POST by `CSRFProtect` (see `extensions`), before a view
runs, so the forms themselves don't carry a second token.
"""

from flask import request
from flask_wtf import FlaskForm

from .errors import merged, service_errors


class PageForm(FlaskForm):
    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusals = {}

    @classmethod
    def from_query(cls, **kwargs):
        """A form read from the address's query string (a search), not from a POST body."""
        return cls(formdata=request.args, **kwargs)

    def check(self) -> bool:
        """Validate every field; True when nothing needs correcting."""
        self.validate()
        return not self.problems()

    def refuse(self, field, message):
        self.refusals = merged(self.refusals, {field: [message]})

    def refused_by(self, error, default_field, rename=None):
        """Show a service's refusal at this form's fields."""
        self.refusals = merged(self.refusals, service_errors(error, default_field, rename))
        return self

    def problems(self) -> dict:
        """{field id: [messages]}: the fields' own errors first, in the form's order."""
        own = {field.name: list(dict.fromkeys(str(m) for m in field.errors))
               for field in self._fields.values() if field.errors}
        return merged(own, self.refusals)

    def typed(self) -> dict:
        """What was typed, by input name, to show the form again (never passwords)."""
        found = {}
        for field in self._fields.values():
            typed = getattr(field, "typed", None)
            found.update(typed() if typed else {field.name: field.data or ""})
        return found
