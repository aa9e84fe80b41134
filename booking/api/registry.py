"""The API blueprint and the ``operation`` decorator.

Each handler is declared once with its method, path, body and query models
and its answers. The decorator registers the Flask route, validates the
request with those models before the handler runs, and records the operation
for ``openapi.py``, which builds the document from the very same models.
"""
from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from booking.api import querystring
from booking.api.errors import ApiProblem, Malformed
from booking.database import run_in_transaction
from booking.extensions import db, limiter
from booking.limits import ACCOUNT_LIMIT, per_account, refused
from booking.models.base import MAX_ID

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Path parameters are database ids: out of this range there is no such object.
# (Checked in the view, so API paths use the unbounded ``api_int`` converter
# registered in api/__init__.py: Werkzeug answers 405 instead of 404 when a
# bounded converter, like the app-wide ``int``, refuses a value on a path other
# methods share.)
T = TypeVar("T")


@dataclass
class Operation:
    method: str
    path: str
    endpoint: str
    summary: str
    description: str
    tag: str
    access: str
    status: int
    # One model, or several alternatives (e.g. a booking or a series).
    response: type[BaseModel] | tuple[type[BaseModel], ...] | None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    rate_limited: bool = False
    path_params: list[str] = field(default_factory=list)


OPERATIONS: list[Operation] = []


def _is_json(mimetype: str) -> bool:
    return mimetype == "application/json" or mimetype.endswith("+json")


def _json_body(model: type[BaseModel]) -> BaseModel:
    """Validate the request body against ``model``; an empty body counts as ``{}``.
    A body must say it is JSON: without a Content-Type, or with another one, it
    answers 415 (it is not guessed at, as a form post could look like JSON)."""
    data = request.get_data(cache=True)
    if not data.strip():
        data = b"{}"
    elif not _is_json(request.mimetype):
        raise ApiProblem(415, "unsupported-media-type",
                         _("Gövdeyi application/json olarak gönderin (Content-Type başlığıyla)."))
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        if any(error["type"] == "json_invalid" for error in exc.errors()):
            raise Malformed(_("Gövde, UTF-8 ile yazılmış geçerli bir JSON değil.")) from None
        raise


def body_required(model: type[BaseModel]) -> bool:
    """Whether the document marks the body required: when its model has a
    required member. An empty body is read as ``{}`` (``_json_body``), so it is
    refused exactly when some member is required."""
    return any(info.is_required() for info in model.model_fields.values())


def operation(method: str, path: str, *, summary: str, tag: str, access: str,
              status: int = 200,
              response: type[BaseModel] | tuple[type[BaseModel], ...] | None = None,
              body: type[BaseModel] | None = None, query: type[BaseModel] | None = None,
              errors: tuple[int, ...] = (), rate_limit: Callable[[], str] | None = None,
              account_limit: bool = False,
              ) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """Declare an API operation; ``path`` uses OpenAPI's ``{name}`` for integer ids."""
    path_params = re.findall(r"\{(\w+)\}", path)
    flask_path = re.sub(r"\{(\w+)\}", r"<api_int:\1>", path)

    def decorator(handler: Callable[..., Response]) -> Callable[..., Response]:
        @functools.wraps(handler)
        def view(**params: Any) -> Response:
            if any(not 1 <= value <= MAX_ID for value in params.values()):
                raise ApiProblem(404, "not-found", _("Böyle bir kayıt yok."))
            if query is not None:
                params["query"] = querystring.read(query, request.args)
            if body is not None:
                params["body"] = _json_body(body)
            return handler(**params)

        view_func: Callable[..., Response] = view
        if account_limit:  # failed attempts per named account, as the sign-in form counts them
            view_func = per_account(ACCOUNT_LIMIT)(view_func)
        if rate_limit is not None:
            view_func = limiter.limit(rate_limit, methods=[method],
                                      on_breach=lambda _limit: refused("api-limit"))(view_func)
        bp.add_url_rule(flask_path, endpoint=handler.__name__, view_func=view_func, methods=[method])
        OPERATIONS.append(Operation(
            method=method.lower(), path=path, endpoint=handler.__name__, summary=summary,
            description=inspect.cleandoc(handler.__doc__ or ""), tag=tag, access=access, status=status,
            response=response, body=body, query=query, errors=errors,
            rate_limited=rate_limit is not None, path_params=path_params,
        ))
        return handler

    return decorator


def reply(model: BaseModel | None, status: int = 200, headers: dict[str, str] | None = None
          ) -> Response:
    """Serialise an output model (or nothing, for 204: then no Content-Type either)."""
    if model is None:
        response = Response(status=status, headers=headers)
        response.headers.remove("Content-Type")
        return response
    return current_app.response_class(model.model_dump_json(), status=status,
                                      mimetype="application/json", headers=headers)


def write(work: Callable[[], T]) -> T:
    """Run ``work`` in the request's session and commit (database.run_in_transaction)."""
    return run_in_transaction(db.session(), work)


def page_of_query(session: Session, query: Select, page: int, per_page: int) -> tuple[list[Any], int, int]:
    """One page of ``query``'s rows, the total, and the per-page size actually used."""
    per_page = min(per_page, int(current_app.config.get("API_MAX_PER_PAGE", 200)))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = list(session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return rows, int(total), per_page
