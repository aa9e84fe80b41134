"""Query strings, read as the OpenAPI document types them.

A query value is text. The document types each parameter from the pydantic
model the handler receives (``openapi._query_parameters``); ``read`` turns each
value into the JSON value of that type (an integer written in digits, ``true``
or ``false``) and leaves anything else as text, and the model then validates
the values strictly, as it validates a JSON body. So "1.0", "1e3", " 1" or
"yes" are refused instead of coerced, and a date-time is RFC 3339 text, never a
Unix timestamp such as "0.5".
"""
from __future__ import annotations

import functools
import json
import re
from typing import Any

from pydantic import BaseModel
from werkzeug.datastructures import MultiDict

# JSON's spelling of an integer: no sign but "-", no leading zeros.
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")


def strip_null(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional query parameter is absent, never null: drop the null branch."""
    branches = schema.get("anyOf")
    if not branches:
        return schema
    rest = [b for b in branches if b != {"type": "null"}]
    if len(rest) != 1:
        return schema
    result = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
    result.update(rest[0])
    if schema.get("default") is not None:
        result["default"] = schema["default"]
    return result


@functools.cache
def _parameter_types(model: type[BaseModel]) -> dict[str, tuple[str | None, bool]]:
    """Each parameter's JSON type (of its items, for a list) and whether it is
    a list, that is a name that may be repeated."""
    types: dict[str, tuple[str | None, bool]] = {}
    for name, prop in model.model_json_schema(mode="validation")["properties"].items():
        prop = strip_null(prop)
        if prop.get("type") == "array":
            types[name] = (strip_null(prop.get("items", {})).get("type"), True)
        else:
            types[name] = (prop.get("type"), False)
    return types


def _value(text: str, kind: str | None) -> Any:
    if kind == "integer" and _INTEGER.fullmatch(text):
        try:
            return int(text)
        except ValueError:  # more digits than Python converts: refused as text
            return text
    if kind == "boolean" and text in ("true", "false"):
        return text == "true"
    return text


def read(model: type[BaseModel], args: MultiDict[str, str]) -> BaseModel:
    """Validate the query string ``args`` against ``model`` (a QueryIn)."""
    data: dict[str, Any] = {}
    for name, (kind, repeated) in _parameter_types(model).items():
        if name not in args:
            continue
        if repeated:
            data[name] = [_value(text, kind) for text in args.getlist(name)]
        else:
            data[name] = _value(args[name], kind)
    return model.model_validate_json(json.dumps(data))
