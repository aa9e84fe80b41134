"""Room photos as files: ``/photos/<id>/<sha256>.<ext>`` (the display image)
and ``…-thumb.<ext>`` (the thumbnail). The address carries the file's digest,
so an answer never changes: a year's public cache, ``immutable``, its ETag
and 304 to ``If-None-Match``. A photo of a room the visitor may not see is a
404, and is cached privately for those who may."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, request, url_for
from flask_login import current_user

from booking.extensions import db
from booking.models import RoomPhoto
from booking.services.errors import NotFound
from booking.services.photos import PhotoStore, served_photo

bp = Blueprint("photos", __name__)

YEAR = 365 * 24 * 3600


def photo_store() -> PhotoStore:
    """The configured folder and upload limit (ROOM_PHOTO_DIR, ROOM_PHOTO_MAX_BYTES)."""
    config = current_app.config
    return PhotoStore(Path(config["ROOM_PHOTO_DIR"]), int(config["ROOM_PHOTO_MAX_BYTES"]))


def photo_url(photo: RoomPhoto, size: str = "display") -> str:
    name = photo.thumb_name if size == "thumbnail" else photo.file_name
    return url_for("photos.photo_file", photo_id=photo.id, name=name)


@bp.route("/photos/<int:photo_id>/<name>", methods=["GET", "HEAD"])
def photo_file(photo_id: int, name: str) -> Response:
    viewer = current_user if current_user.is_authenticated else None
    try:
        photo, size = served_photo(db.session(), viewer, photo_id, name)
    except NotFound:
        abort(404)
    public = photo.room.is_active and photo.room.center.is_active
    tag = photo.sha256 if size == "display" else f"{photo.sha256}-thumb"
    headers = {"Cache-Control": f"{'public' if public else 'private'}, max-age={YEAR}, immutable",
               "X-Content-Type-Options": "nosniff", "ETag": f'"{tag}"'}
    if request.if_none_match.contains(tag):
        return Response(status=304, headers=headers)
    try:
        data = photo_store().path(name).read_bytes()
    except FileNotFoundError:
        current_app.logger.error("room photo %s has no file %s", photo.id, name)
        abort(404)
    return Response(data, mimetype=photo.content_type, headers=headers)
