"""The JSON API v1 (SPEC §3): one blueprint under ``/api/v1``.

Handlers live by area (auth, organizations, places, bookings, reports);
``registry.operation`` declares each one with its pydantic models, from which
``openapi.py`` generates the OpenAPI document. Errors are problem details
(``errors.py``). Bearer requests are exempt from CSRF; cookie-authenticated
requests are checked in ``auth.identify_caller``.
"""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

from booking.api import errors
from booking.api.registry import bp
from booking.extensions import csrf


@bp.record_once
def _setup(state: Any) -> None:
    # Before the blueprint's routes are added (record_once runs first): ids
    # out of range reach the view, which answers 404 (see registry.MAX_ID).
    state.app.url_map.converters["api_int"] = IntegerConverter
    errors.init_app(state.app)
    csrf.exempt(bp)


errors.register(bp)

# Importing the handler modules registers their routes on ``bp``.
from booking.api import (  # noqa: E402
    auth,
    bookings,
    feed_links,
    leave,
    memberships,
    openapi,
    organizations,
    places,
    privacy,
    quotas,
    reports,
    services,
    waitlist,
)

__all__ = ["auth", "bookings", "bp", "feed_links", "leave", "memberships", "openapi",
           "organizations", "places", "privacy", "quotas", "reports", "services", "waitlist"]
