"""Free/busy over HTTP (SPEC §12): ``/rooms/<id>/freebusy.ics`` and
``/centers/<id>/freebusy.ics``, VFREEBUSY for the next ``FREEBUSY_DAYS``.

Public like the room and center feeds, and cacheable: the body depends only
on the busy periods and the day, so its hash is the ETag and a client's
``If-None-Match`` gets 304. Gzip and HEAD as every feed (feed_encoding.py);
the compressed body is kept in the feeds' cache under its own ETag.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, request, url_for
from werkzeug.http import is_resource_modified

from booking.calendar import freebusy as render
from booking.calendar.ical import host_of
from booking.extensions import db
from booking.models import utcnow
from booking.services import freebusy
from booking.services.errors import NotFound
from booking.web import feed_encoding as encoding
from booking.web.calendar_feeds import body_cache
from booking.web.common import base_url

bp = Blueprint("freebusy", __name__)


@bp.get("/rooms/<int:room_id>/freebusy.ics")
def room(room_id: int) -> Response:
    """When one room is taken."""
    return _serve(lambda days: freebusy.room_freebusy(db.session(), room_id, utcnow(), days),
                  f"room-{room_id}-freebusy.ics")


@bp.get("/centers/<int:center_id>/freebusy.ics")
def center(center_id: int) -> Response:
    """When each active room of a center is taken."""
    return _serve(lambda days: freebusy.center_freebusy(db.session(), center_id, utcnow(), days),
                  f"center-{center_id}-freebusy.ics")


def _serve(load: Callable[[int], tuple[freebusy.Window, list[freebusy.RoomBusy]]],
           filename: str) -> Response:
    try:
        span, rooms = load(int(current_app.config["FREEBUSY_DAYS"]))
    except NotFound:
        abort(404)
    site = base_url()
    host = host_of(site)
    body = render.render([
        render.RoomPeriods(
            uid=f"room-{item.room.id}-freebusy@{host}",
            url=site + url_for("rooms.room_week", room_id=item.room.id),
            comment=f"{item.room.name} · {item.room.center.name}",
            periods=[(lo, hi, render.FBTYPES[kind]) for lo, hi, kind in item.periods],
        )
        for item in rooms
    ], span.start, span.end)
    db.session.rollback()
    compressed = encoding.wants_gzip()
    etag = encoding.etag_for(hashlib.sha256(body).hexdigest()[:32], compressed)
    response = Response(mimetype="text/calendar")
    response.content_type = "text/calendar; charset=utf-8"
    response.set_etag(etag)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.cache_control.public = True
    response.cache_control.max_age = 300
    encoding.prepare(response)
    if not is_resource_modified(request.environ, etag=etag):
        response.status_code = 304
        return response
    if compressed:
        cached = body_cache().get(etag)
        if cached is None:
            cached = encoding.compress(body)
            body_cache().put(etag, cached)
        body = cached
    encoding.set_body(response, body, compressed)
    return response
