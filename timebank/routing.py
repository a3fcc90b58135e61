"""The URL converter for ids: an address whose number no id can have is a 404 (the API's
problem+json or a page of the site) before any view runs.

Every number in an address is an id, so it replaces werkzeug's `int` converter: `<int:member_id>`
routes, old and new, are guarded without saying so. `<id:member_id>` is the same converter.

It raises NotFound itself rather than declining the match: a declined match on one method's rule
would make werkzeug answer 405 when a rule for another method shares the address.
"""

from werkzeug.exceptions import NotFound
from werkzeug.routing import BaseConverter

from .models.ids import is_id


class IdConverter(BaseConverter):
    regex = r"\d+"
    weight = 50

    def to_python(self, value):
        number = int(value)
        if not is_id(number):
            raise NotFound()
        return number

    def to_url(self, value):
        return str(int(value))


def init_app(app):
    app.url_map.converters["int"] = app.url_map.converters["id"] = IdConverter
