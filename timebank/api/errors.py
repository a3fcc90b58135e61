"""Every API error is application/problem+json (RFC 9457) with a stable `code`."""

from flask import current_app, json
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..services.errors import ServiceError

TYPE_BASE = "https://timebank.example/problems/"

HTTP_CODES = {
    400: ("bad_request", "Bad request"),
    401: ("unauthenticated", "Not signed in"),
    403: ("forbidden", "Forbidden"),
    404: ("not_found", "Not found"),
    405: ("method_not_allowed", "Method not allowed"),
    409: ("invalid_transition", "Conflict"),
    413: ("payload_too_large", "Request too large"),
    415: ("unsupported_media_type", "Unsupported media type"),
    422: ("validation_error", "Some details need correcting"),
    429: ("rate_limited", "Too many attempts"),
    500: ("internal_error", "Something went wrong"),
}



def _titles():
    """Problem titles in the request's language (HTTP_CODES keeps the English for OpenAPI)."""
    return {
        "bad_request": _("Bad request"),
        "unauthenticated": _("Not signed in"),
        "forbidden": _("Forbidden"),
        "not_found": _("Not found"),
        "method_not_allowed": _("Method not allowed"),
        "payload_too_large": _("Request too large"),
        "unsupported_media_type": _("Unsupported media type"),
        "validation_error": _("Some details need correcting"),
        "rate_limited": _("Too many attempts"),
        "internal_error": _("Something went wrong"),
        "invalid_transition": _("Not possible in this state"),
        "credit_limit_exceeded": _("Credit limit exceeded"),
        "idempotency_key_reused": _("Idempotency-Key already used"),
    }


def problem(status, code, detail, errors=None, headers=None):
    body = {
        "type": TYPE_BASE + code.replace("_", "-"),
        "title": _titles().get(code) or HTTP_CODES.get(status, (code, code))[1],
        "status": status,
        "detail": str(detail),
        "code": code,
    }
    if errors:
        body["errors"] = {str(k): [str(m) for m in v] for k, v in errors.items()}
    response = current_app.response_class(
        json.dumps(body), status=status, mimetype="application/problem+json"
    )
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="timebank"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten(messages, prefix=""):
    """Marshmallow's nested error dict as {"field.sub": [messages]}."""
    out = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else (str(key) or "(unnamed)")
            if key == "_schema":
                name = prefix or "body"
            out.update(flatten(value, name))
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "body"] = list(messages)
    elif isinstance(messages, list):
        for index, value in enumerate(messages):
            out.update(flatten(value, f"{prefix}.{index}"))
    else:
        out[prefix or "body"] = [str(messages)]
    return out


def from_service_error(error: ServiceError):
    return problem(error.status, error.code, error.message, error.errors)


def from_validation_error(error: ValidationError):
    return problem(422, "validation_error", _("Some details need correcting."),
                   flatten(error.messages))


def from_http_exception(error: HTTPException):
    status = error.code or 500
    code, title = HTTP_CODES.get(status, ("error", error.name))
    if status == 429:
        return problem(429, "rate_limited",
                       _("Too many attempts. Wait a few minutes and try again."),
                       headers={k: v for k, v in (error.get_headers() or [])
                                if k.lower().startswith(("retry-after", "x-ratelimit"))})
    detail = _http_detail(error, status, code, title)
    headers = {}
    if status == 405 and getattr(error, "valid_methods", None):
        headers["Allow"] = ", ".join(error.valid_methods)
    return problem(status, code, detail, headers=headers)


def from_unexpected(error: Exception):
    current_app.logger.exception("Unexpected error in the API")
    return problem(500, "internal_error",
                   _("Something went wrong on our side. Please try again."))


def _http_detail(error, status, code, title):
    """Our own descriptions (already translated) are kept; werkzeug's English ones are replaced."""
    if status in (400, 413, 415) and error.description != type(error).description:
        return error.description
    generic = {
        400: lambda: _("The request could not be understood."),
        413: lambda: _("The request is too large."),
        415: lambda: _("Send JSON with Content-Type: application/json."),
    }
    if status in generic:
        return generic[status]()
    return _("%(title)s.", title=_titles().get(code, title))
