"""When the outbox is emptied: right after a request that may have written to it, and from
the command line (`flask mail send` from cron, or `flask mail worker`).

After a request, delivery runs once the response has been handed to the server
(`call_on_close`), in a fresh application context with no transaction open, so
neither a slow nor a failing mail server delays or breaks the answer.
"""

import datetime as dt
import logging

from flask import request

from .models._types import utcnow
from .services import mail_transports, outbox

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
AFTER_REQUEST_LIMIT = 20
logger = logging.getLogger(mail_transports.log_name)


def deliver(app, *, now=None, limit=100) -> outbox.Delivery:
    config = app.config
    return outbox.deliver_due(
        transport=mail_transports.for_app(app), now=now or utcnow(), limit=limit,
        max_attempts=config.get("MAIL_MAX_ATTEMPTS", outbox.DEFAULT_MAX_ATTEMPTS),
        first_delay=dt.timedelta(seconds=config.get("MAIL_RETRY_SECONDS", 60)), logger=logger)


def _deliver_quietly(app):
    with app.app_context():
        try:
            deliver(app, limit=AFTER_REQUEST_LIMIT)
        except Exception:
            logger.exception("delivering mail after a request failed; `flask mail send` retries")


def init_app(app):
    @app.after_request
    def _deliver_after_response(response):
        if (app.config.get("MAIL_DELIVER_AFTER_REQUEST", True)
                and request.method not in SAFE_METHODS and response.status_code < 500):
            response.call_on_close(lambda: _deliver_quietly(app))
        return response
