"""The OpenAPI 3.1 document, generated from the registered operations and
their pydantic models, and a server-rendered reference page built from it."""
from __future__ import annotations

import copy
from typing import Any

from flask import Response, current_app, jsonify, render_template
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from booking.api.errors import PROBLEM_JSON, PROBLEM_TYPES
from booking.api.querystring import strip_null
from booking.api.registry import OPERATIONS, Operation, body_required, bp
from booking.api.schemas import DATE_OR_DATETIME_PATTERN, DATETIME_PATTERN, MAX_ID, Problem

REF = "#/components/schemas/{model}"
# Input times carry a pattern, not the format date-time (which requires an
# offset): their name on the reference page.
PATTERN_LABELS = {DATETIME_PATTERN: "string (date-time, offset optional)",
                  DATE_OR_DATETIME_PATTERN: "string (date or date-time, offset optional)"}
ERROR_DESCRIPTIONS = {
    400: "Malformed JSON, bad UTF-8 or a missing CSRF token (cookie sessions).",
    401: "Not signed in, or the token is unknown or revoked.",
    403: "Signed in, but not allowed to do this.",
    404: "No such object, or the caller may not see it.",
    409: "Conflict: `conflicts` and `suggestions` for a taken slot, or an invalid status change.",
    413: "The body is larger than the API accepts.",
    415: "The body is not sent as application/json (a missing Content-Type included).",
    422: "A rule is broken: `errors` lists `{field, message}`.",
    429: "Too many requests from this address; see `Retry-After`.",
}
DESCRIPTION = """\
JSON API of the civil-society center room-booking service.

**Authentication.** Either the browser session (the cookie the web pages set;
unsafe methods then need the `X-CSRFToken` header) or `Authorization: Bearer
TOKEN`, where TOKEN comes from `POST /auth/tokens`.

**Times.** RFC 3339. An input without an offset is read in the room's center
time zone; outputs carry the center's offset.

**Errors.** RFC 9457 `application/problem+json` with `type`, `title`,
`status`, `detail`; a 422 adds `errors`, a booking conflict (409) adds
`conflicts` and `suggestions`. An object the caller may not see is a 404.
Each `type` links to its entry under "Problem types" below.

**Language.** `detail` and field messages are Turkish by default; a signed-in
caller's own language setting wins, then `Accept-Language`.

**Organisations.** A member of an organisation is a `representative` or a
`member` (SPEC §9): representatives manage its people and invitations
(`/organizations/me/…`) and may cancel any of its bookings; members change and
cancel their own. An organisation always keeps one representative.

**Lists.** `page` (from 1) and `per_page` (capped by the server); the answer
carries `items`, `page`, `per_page` and `total`.
"""


def _query_parameters(model: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(mode="validation", ref_template=REF)
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = strip_null(dict(prop))
        description = prop.pop("description", None)
        prop.pop("title", None)
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required,
                                 "schema": prop}
        if description:
            param["description"] = description
        if prop.get("type") == "array":
            param["style"], param["explode"] = "form", True
        params.append(param)
    return params


def _models(op: Operation) -> list[type[BaseModel]]:
    if op.response is None:
        return []
    return list(op.response) if isinstance(op.response, tuple) else [op.response]


def _problem(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {PROBLEM_JSON: {"schema": {"$ref": REF.format(model="Problem")}}}}


def _operation(op: Operation, refs: dict[Any, dict[str, Any]],
               components: dict[str, Any]) -> dict[str, Any]:
    parameters = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}
        for name in op.path_params
    ]
    if op.query is not None:
        parameters += _query_parameters(op.query, components)
    responses: dict[str, Any] = {}
    models = _models(op)
    if models:
        schemas = [refs[(m, "serialization")] for m in models]
        schema = schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
        responses[str(op.status)] = {"description": "Success.",
                                     "content": {"application/json": {"schema": schema}}}
    else:
        responses[str(op.status)] = {"description": "Success, no content."}
    codes = set(op.errors)
    if op.body is not None:
        codes |= {400, 413, 415, 422}
    if op.query is not None:
        codes.add(422)
    if op.rate_limited:
        codes.add(429)
    for code in sorted(codes):
        responses[str(code)] = _problem(ERROR_DESCRIPTIONS[code])
    responses["default"] = _problem("Any other error, as problem details.")
    anonymous = op.access.startswith("anyone")
    result: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "description": f"{op.description}\n\n**Who:** {op.access}.",
        "tags": [op.tag],
        "parameters": parameters,
        "responses": responses,
        "x-access": op.access,
        "security": ([{}] if anonymous else []) + [{"bearerAuth": []}, {"cookieAuth": []}],
    }
    if op.body is not None:
        result["requestBody"] = {
            "required": body_required(op.body),
            "content": {"application/json": {"schema": refs[(op.body, "validation")]}},
        }
    return result


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of every registered operation."""
    keys: list[tuple[type[BaseModel], str]] = [(Problem, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            keys.append((op.body, "validation"))
        keys += [(m, "serialization") for m in _models(op)]
    keys = list(dict.fromkeys(keys))
    mapping, top = models_json_schema(keys, ref_template=REF)  # type: ignore[arg-type]
    components: dict[str, Any] = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method] = _operation(op, mapping, components)
    tags = list(dict.fromkeys(op.tag for op in OPERATIONS))
    return {
        "openapi": "3.1.0",
        "info": {"title": "Civil-society center room booking API", "version": "1.0.0",
                 "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": tag} for tag in tags],
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer",
                               "description": "A token from POST /auth/tokens."},
                "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "session",
                               "description": "The web session; unsafe methods need X-CSRFToken."},
            },
        },
    }


def document() -> dict[str, Any]:
    """The document, built once per application."""
    cache = current_app.extensions.setdefault("booking_api", {})
    if "openapi" not in cache:
        cache["openapi"] = build_document()
    return cache["openapi"]


def type_label(schema: dict[str, Any]) -> str:
    """A short human name of a JSON schema, for the reference page."""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " or ".join(type_label(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(f"{v}" for v in schema["enum"])
    if "const" in schema:
        return str(schema["const"])
    if schema.get("pattern") in PATTERN_LABELS:
        return PATTERN_LABELS[schema["pattern"]]
    kind = schema.get("type", "any")
    if kind == "array":
        return f"list of {type_label(schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of this API."""
    return jsonify(document())


@bp.get("/docs")
def docs() -> str:
    """A readable reference rendered on the server from the same document."""
    doc = copy.deepcopy(document())
    return render_template("api/docs.html", doc=doc, type_label=type_label,
                           problem_types=PROBLEM_TYPES)
