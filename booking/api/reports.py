"""Yearly statistics (SPEC §6)."""
from __future__ import annotations

from flask import Response

from booking.api import schemas as s
from booking.api.auth import require_user
from booking.api.registry import operation, reply
from booking.extensions import db
from booking.models import utcnow
from booking.services import reports


@operation("GET", "/reports/summary", summary="Yearly summary", tag="Reports",
           access="staff (their centers), admin", response=s.ReportOut, query=s.ReportQuery,
           errors=(401, 403, 404, 422))
def summary(query: s.ReportQuery) -> Response:
    """Approved bookings starting in `year` (center time): meetings, programs,
    recorded attendees, by center, month and category; the no-shows, their
    rate and each room's occupancy (docs/reports.md)."""
    user = require_user()
    data = reports.summary(db.session(), user, query.year, query.center_id, now=utcnow())
    return reply(s.ReportOut.model_validate(data))
