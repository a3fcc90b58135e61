"""A test client whose every request runs in its own application context, as in production.

Flask reuses an application context that is already pushed (the `app` fixture pushes
one for the test's own database work), which would share `g` (and with it
Flask-Login's cached user) and the database session between requests. Each request
here gets a fresh context; afterwards the test's own session ends its transaction,
so that it sees what the request committed.
"""

from flask.testing import FlaskClient

from timebank.extensions import db


class FreshContextClient(FlaskClient):
    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)  # a streamed body is read while its context lives
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.rollback()
        return response


def fresh_context_wsgi(app):
    """`app` as a WSGI callable that serves each request in its own application context."""

    def wsgi(environ, start_response):
        with app.app_context():
            body = list(app(environ, start_response))
        db.session.rollback()
        return body

    return wsgi
