"""The `endpoint` decorator: one declaration drives parsing, authentication and the docs.

Each view says what it reads (body and query schemas), what it answers
(response schema and status), and which errors it can give. The wrapper parses
and validates input, authenticates the bearer token, honours Idempotency-Key,
and dumps the result; `openapi.py` reads the same declaration to write the
OpenAPI document, so the document can't drift from the code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps

from flask import current_app, g, json, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from ..models._types import utcnow
from ..services import auth, idempotency
from ..services.errors import Unauthenticated

JSON_TYPES = ("application/json",)


@dataclass
class Doc:
    summary: str
    tag: str
    body: type | None = None
    query: type | None = None
    response: type | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    auth: bool = True
    idempotent: bool = False
    produces: str = "application/json"
    description: str = ""
    raw_body: tuple[str, ...] = ()  # media types of a body the view reads as bytes itself
    extra_responses: dict = field(default_factory=dict)

    def all_errors(self, has_path_params: bool) -> list[int]:
        codes = set(self.errors) | {422}  # any operation refuses unknown query parameters
        if self.auth:
            codes |= {401, 403}
        if self.body is not None or self.raw_body:
            codes |= {400, 415, 422}
        if has_path_params:
            codes.add(404)
        if self.idempotent:
            codes.add(409)
        return sorted(codes)


def page_body(page, present=None):
    """A service's Page as the API's `{items, page, per_page, total}`."""
    items = page.items if present is None else [present(item) for item in page.items]
    return {"items": items, "page": page.page, "per_page": page.per_page, "total": page.total}


def json_response(body, status=200, headers=None):
    return current_app.response_class(json.dumps(body), status=status,
                                      mimetype="application/json", headers=headers)


def bearer_token():
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            _("Send a token: Authorization: Bearer <token> (from POST /api/v1/tokens)."))
    return token.strip()


def load_body(schema_cls):
    """The JSON object in the body, loaded by the schema: 400 if missing or not JSON, 415 if
    sent as another media type, 422 (naming the fields) if the schema refuses it."""
    if not request.get_data(cache=True):
        raise BadRequest(_("Send the details as a JSON object in the body "
                           "(Content-Type: application/json)."))
    if request.mimetype not in JSON_TYPES:
        raise UnsupportedMediaType(_("Send JSON with Content-Type: application/json."))
    raw = parse_json_body()
    if raw is None:
        raise BadRequest(_("The request body is not valid JSON."))
    g.raw_body = raw
    return schema_cls().load(raw)


def parse_json_body():
    """The body parsed as JSON, or None if it is not JSON at all (bad UTF-8, bad syntax,
    numbers too long to read, nesting too deep to follow)."""
    try:
        return json.loads(request.get_data(cache=True).decode("utf-8"))
    except (ValueError, RecursionError):
        return None


def load_query(schema_cls):
    """The query string loaded by the schema; unknown parameters are refused like unknown
    fields of a body, so that a misspelt one is an error, not a silent no-op."""
    raw = {key: request.args.get(key) for key in request.args}
    if schema_cls is None:
        if raw:
            raise ValidationError({key or "(unnamed)": [_("This address takes no query parameters.")]
                                   for key in raw})
        return {}
    return schema_cls().load(raw)


def endpoint(summary, *, tag, body=None, query=None, response=None, status=200, errors=(),
             auth_required=True, idempotent=False, produces="application/json", description="",
             raw_body=()):
    doc = Doc(summary=summary, tag=tag, body=body, query=query, response=response,
              status=status, errors=tuple(errors), auth=auth_required, idempotent=idempotent,
              produces=produces, description=description, raw_body=tuple(raw_body))

    def decorate(view):
        @wraps(view)
        def wrapper(**kwargs):
            now = utcnow()
            if doc.auth:
                kwargs["actor"] = g.actor = auth.member_for_token(bearer_token(), now=now)
            if doc.body is not None:
                kwargs["data"] = load_body(doc.body)
            query = load_query(doc.query)
            if doc.query is not None:
                kwargs["query"] = query
            kwargs["now"] = now
            key = request.headers.get("Idempotency-Key")
            if doc.idempotent and key is not None and doc.auth:
                return _idempotent(view, kwargs, key, now)
            return _respond(view(**kwargs))

        def _respond(result):
            if isinstance(result, current_app.response_class):
                return result
            body = doc.response().dump(result) if doc.response is not None else result
            return json_response(body, doc.status)

        def _idempotent(view, kwargs, key, now):
            fingerprint = idempotency.request_fingerprint(
                request.method, request.path, g.get("raw_body"), secret=current_app.secret_key)
            answer = idempotency.run_once(
                user_id=kwargs["actor"].user_id, key=key, request_hash=fingerprint,
                operation=lambda: view(**kwargs),
                render=lambda result: (doc.status, doc.response().dump(result)),
                now=now,
            )
            headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
            return json_response(answer.body, answer.status, headers)

        wrapper.api_doc = doc
        return wrapper

    return decorate
