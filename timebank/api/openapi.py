"""GET /openapi.json: the OpenAPI 3 document, written from the endpoints' own declarations."""

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from .. import schemas
from . import bp
from .endpoint import json_response
from .errors import HTTP_CODES

PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ERROR_TEXT = {
    400: "The body is not valid JSON",
    401: "No valid token",
    403: "Not allowed, or membership not active",
    404: "No such object in your time bank",
    409: "Not possible in this state, credit limit exceeded, or Idempotency-Key reused",
    415: "The body is not JSON",
    422: "Some fields are not valid; `errors` names them",
    429: "Too many attempts",
}


def _resolver(schema):
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") and len(name) > 6 else name


def build_spec(app) -> dict:
    spec = APISpec(
        title="timebank API", version="1", openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_resolver)],
        info={"description": "Time banking for public services: one hour of help is one time "
                             "credit. Authenticate with `Authorization: Bearer <token>` from "
                             "POST /tokens. Errors are application/problem+json."},
        servers=[{"url": "/api/v1"}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Problem", schema=schemas.Problem)
    paths = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(bp.name + "."):
            continue
        view = app.view_functions[rule.endpoint]
        doc = getattr(view, "api_doc", None)
        if doc is None:
            continue
        path = PATH_PARAM.sub(r"{\2}", rule.rule.removeprefix(bp.url_prefix))
        params = PATH_PARAM.findall(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(doc, params, rule.endpoint)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _operation(doc, path_params, endpoint_name):
    operation = {
        "summary": doc.summary,
        "operationId": endpoint_name.split(".", 1)[1],
        "tags": [doc.tag],
        "parameters": [
            {"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": schemas.MAX_ID}
             if converter == "int" else {"type": "string"}}
            for converter, name in path_params
        ],
        "responses": {},
    }
    if doc.description:
        operation["description"] = doc.description
    if doc.query is not None:
        operation["parameters"].append({"in": "query", "schema": doc.query})
    if doc.idempotent:
        operation["parameters"].append({
            "name": "Idempotency-Key", "in": "header", "required": False,
            "description": "Performs the request at most once per user and key; a replay "
                           "returns the first answer.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 255,
                       "pattern": "^[\\x21-\\x7e]+$"}})
    if doc.body is not None:
        operation["requestBody"] = {"required": True,
                                    "content": {"application/json": {"schema": doc.body}}}
    if doc.raw_body:
        operation["requestBody"] = {"required": True, "content": {
            media: {"schema": {"type": "string", "format": "binary"}} for media in doc.raw_body}}
    if doc.auth:
        operation["security"] = [{"bearer": []}]
    else:
        operation["security"] = []
    success = {"description": "Success"}
    if doc.idempotent:
        success["headers"] = {"Idempotent-Replayed": {
            "description": "\"true\" when this is the stored answer to an earlier request "
                           "with the same Idempotency-Key.",
            "schema": {"type": "string", "enum": ["true"]}}}
    if doc.response is not None:
        success["content"] = {doc.produces: {"schema": doc.response}}
    elif doc.produces != "application/json":
        success["content"] = {doc.produces: {"schema": {"type": "string"}}}
    operation["responses"][str(doc.status)] = success
    for status in doc.all_errors(bool(path_params)):
        refusal = {
            "description": ERROR_TEXT.get(status, HTTP_CODES.get(status, ("", "Error"))[1]),
            "content": {"application/problem+json": {"schema": {"$ref":
                                                                 "#/components/schemas/Problem"}}},
        }
        if status == 429:
            refusal["headers"] = {"Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 0}}}
        operation["responses"][str(status)] = refusal
    return operation


@bp.get("/openapi.json")
def openapi_document():
    document = current_app.extensions.get("timebank_openapi")
    if document is None:
        document = current_app.extensions["timebank_openapi"] = build_spec(current_app)
    return json_response(document)
