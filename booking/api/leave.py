"""Days every centre closes at once (SPEC §9, Holidays): the public holidays
of a year for all centres, and administrative leave (idari izin)."""
from __future__ import annotations

from datetime import time

from flask import Response
from flask_babel import gettext as _

from booking.api import schemas as s
from booking.api import serialize
from booking.api.auth import require_admin
from booking.api.registry import operation, reply, write
from booking.extensions import db
from booking.models import utcnow
from booking.services import closures, leave_days
from booking.services.errors import NotFound

TAG = "Places"


@operation("POST", "/holidays/import", summary="Import a year's public holidays for every centre",
           tag=TAG, access="admin", status=201, response=s.HolidayImportOut,
           body=s.HolidayImportIn, errors=(401, 403, 422))
def import_holidays(body: s.HolidayImportIn) -> Response:
    """Türkiye's public holidays close every active centre all day, the
    half-day eves from 13:00 (the `holidays` package). Running it again adds
    nothing."""
    admin = require_admin()
    added = write(lambda: leave_days.import_holidays_everywhere(
        db.session(), admin, body.year, utcnow()))
    return reply(s.HolidayImportOut(added=added), 201)


@operation("GET", "/administrative-leave", summary="Administrative leave days not yet over",
           tag=TAG, access="admin", response=s.LeaveDayList, errors=(401, 403))
def list_leave() -> Response:
    """A row a day, with how many centres it closes."""
    require_admin()
    rows = leave_days.declared(db.session(), utcnow())
    db.session.rollback()
    return reply(s.LeaveDayList(items=[s.LeaveDayOut(
        day=row.day, closed_from="00:00" if row.starts == time(0) else "13:00",
        reason=closures.leave_reason(row.reason), centers=row.centers) for row in rows]))


@operation("POST", "/administrative-leave", summary="Close every centre for administrative leave",
           tag=TAG, access="admin", status=201, response=s.LeaveOut, body=s.LeaveIn,
           errors=(401, 403, 422))
def add_leave(body: s.LeaveIn) -> Response:
    """Every active centre closes on each day from `first_day` to `last_day`,
    whole days or from 13:00; a centre-day already closed by leave or a
    holiday is skipped. The answer lists the approved bookings met."""
    admin = require_admin()
    result = write(lambda: leave_days.add_leave_days(
        db.session(), admin, body.first_day, body.last_day, utcnow(), half_day=body.half_day,
        reason=body.reason))
    return reply(s.LeaveOut(days=result.days, added=result.added, already=result.already,
                            overlapping=[serialize.booking(b) for b in result.overlapping]), 201)


@operation("DELETE", "/administrative-leave", summary="Remove a day's administrative leave",
           tag=TAG, access="admin", status=204, query=s.LeaveDayQuery, errors=(401, 403, 404, 422))
def remove_leave(query: s.LeaveDayQuery) -> Response:
    """Every centre opens again that day (holidays and a centre's own
    closures stay); the freed time is offered to the waitlist."""
    admin = require_admin()
    if not write(lambda: leave_days.remove_leave_day(db.session(), admin, query.day, utcnow())):
        raise NotFound(_("Bu gün için idari izin yok."))
    return reply(None, 204)
