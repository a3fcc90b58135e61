"""One JSON line per request on the `timebank.requests` logger (standard error by default).

A line holds the method, the path (never the query string, which may carry a token, and
with any long token-like path segment replaced), the status, the duration in milliseconds
and the request id. The id comes from the client's X-Request-ID when it looks like one
(so a proxy's id links its log to ours), otherwise it is made here; either way it is sent
back in the X-Request-ID header. Bodies, headers and cookies are never logged.
"""

import json
import logging
import re
import sys
import time
import uuid

from flask import g, request

LOGGER_NAME = "timebank.requests"
REQUEST_ID_HEADER = "X-Request-ID"
SANE_ID = re.compile(r"[A-Za-z0-9._:@=+/-]{1,128}")
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{24,}")

logger = logging.getLogger(LOGGER_NAME)


def request_id() -> str:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    return offered if SANE_ID.fullmatch(offered) else uuid.uuid4().hex


def loggable_path(path: str) -> str:
    return "/".join("[redacted]" if TOKEN_LIKE.fullmatch(part) else part
                    for part in path.split("/"))


def _ensure_handler():
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False


def init_app(app):
    _ensure_handler()

    @app.before_request
    def _start():
        g.request_started = time.perf_counter()
        g.request_id = request_id()

    @app.after_request
    def _log(response):
        started = g.get("request_started")
        rid = g.get("request_id") or request_id()
        response.headers[REQUEST_ID_HEADER] = rid
        logger.info(json.dumps({
            "request_id": rid,
            "method": request.method,
            "path": loggable_path(request.path),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        }, ensure_ascii=True))
        return response
