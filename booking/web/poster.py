"""The room's QR poster (SPEC §8): a printable A4 page and the QR code as PNG or
SVG, pointing at the room's check-in page (/rooms/<id>/checkin) under
BASE_URL. The page carries no inline script or style (the CSP): the code is an
<img> of the SVG route, the layout and print rules are in static/poster.css."""
from __future__ import annotations

import io

import segno
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.extensions import db
from booking.i18n import force_language
from booking.models import Room
from booking.services.access import manages_center
from booking.web.common import base_url, staff_required

bp = Blueprint("poster", __name__, url_prefix="/admin/rooms")


def _room(room_id: int) -> Room:
    """A room of a center the staff member manages (admins: any); else 404."""
    room = db.session.get(Room, room_id)
    if room is None or not manages_center(current_user, room.center_id):
        abort(404)
    return room


def checkin_url(room: Room) -> str:
    """The absolute address the code holds: BASE_URL and the room's check-in page."""
    return base_url() + url_for("checkin.room_page", room_id=room.id)


def qr_code(room: Room) -> segno.QRCode:
    return segno.make(checkin_url(room), error="m", micro=False)


@bp.get("/<int:room_id>/poster")
@staff_required
def page(room_id: int) -> str:
    room = _room(room_id)
    lines = {}
    for language in ("tr", "en"):
        with force_language(language):
            lines[language] = gettext("Toplantınıza geldiğinizde okutun")
    return render_template("checkin/poster.html", room=room, url=checkin_url(room),
                           scan_tr=lines["tr"], scan_en=lines["en"])


@bp.get("/<int:room_id>/poster.<fmt>")
@staff_required
def image(room_id: int, fmt: str) -> Response:
    """The code alone: ``svg`` (shown on the page, scales for print) or ``png``."""
    if fmt not in ("svg", "png"):
        abort(404)
    room = _room(room_id)
    buffer = io.BytesIO()
    if fmt == "svg":
        qr_code(room).save(buffer, kind="svg", scale=10, border=2, xmldecl=True,
                           title=checkin_url(room))
        mimetype = "image/svg+xml"
    else:
        qr_code(room).save(buffer, kind="png", scale=16, border=4)
        mimetype = "image/png"
    response = Response(buffer.getvalue(), mimetype=mimetype)
    if request.args.get("download") == "1":
        response.headers["Content-Disposition"] = \
            f'attachment; filename="salon-{room.id}-karekod.{fmt}"'
    return response
