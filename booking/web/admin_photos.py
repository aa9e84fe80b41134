"""A room's photos on its admin page: upload (the one route with a body
larger than MAX_CONTENT_LENGTH, see web/requests.py), alt text, order and
removal. Anyone but an admin gets a 404, as on every admin page."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from booking.extensions import db
from booking.forms import ConfirmForm, RoomForm, choices, validated
from booking.models import Room, RoomPhoto, User
from booking.services import photos
from booking.web.common import act, admin_required, flash_form_errors, now, submit
from booking.web.photo_forms import PhotoAltForm, PhotoForm
from booking.web.photos import photo_store

bp = Blueprint("admin_photos", __name__, url_prefix="/admin")


def _actor() -> User:
    return current_user._get_current_object()


def _back(room_id: int) -> Any:
    return redirect(url_for("admin.room", room_id=room_id) + "#photos")


def photo_context(room: Room | None, form: PhotoForm | None = None,
                  general: list[str] | None = None) -> dict[str, Any]:
    """What admin/room.html needs for the photo section: the upload form, its
    messages, one alt-text form per photo."""
    alt_forms = {} if room is None else {
        p.id: PhotoAltForm(formdata=None, obj=p, prefix=f"photo-{p.id}") for p in room.photos}
    return {"photo_form": form or PhotoForm(formdata=None), "photo_general": general or [],
            "alt_forms": alt_forms, "confirm_form": ConfirmForm(formdata=None),
            "max_photos": photos.MAX_PHOTOS}


def _photo(photo_id: int) -> RoomPhoto:
    photo = db.session.get(RoomPhoto, photo_id)
    if photo is None:
        abort(404)
    return photo


@bp.post("/rooms/<int:room_id>/photos")
@admin_required
def upload(room_id: int) -> Any:
    """Add a photo; a refusal (too large, not an image…) is shown on the form."""
    room = db.session.get(Room, room_id)
    if room is None:
        abort(404)
    form = PhotoForm()
    general: list[str] = []
    if form.validate_on_submit():
        upload_file = form.photo.data
        data = upload_file.read()
        outcome = submit(form, lambda: photos.add_photo(
            db.session(), _actor(), room.id, data, alt_text=validated(form.alt_text.data),
            alt_text_en=form.alt_text_en.data, store=photo_store(), now=now()))
        if outcome.done:
            flash(gettext("Fotoğraf eklendi."), "ok")
            return _back(room.id)
        general = outcome.general
    from booking.web.admin import center_choices

    room_form = RoomForm(obj=room)
    room_form.center_id.choices = choices(center_choices())
    return render_template("admin/room.html", form=room_form, general=[], room=room,
                           **photo_context(room, form, general)), 422


@bp.post("/photos/<int:photo_id>/alt")
@admin_required
def alt_text(photo_id: int) -> Any:
    photo = _photo(photo_id)
    form = PhotoAltForm(prefix=f"photo-{photo.id}")
    if not form.validate_on_submit():
        flash_form_errors(form, gettext("Açıklama kaydedilmedi."))
        return _back(photo.room_id)
    act(lambda: photos.update_alt_text(db.session(), _actor(), photo.id,
                                       alt_text=validated(form.alt_text.data),
                                       alt_text_en=form.alt_text_en.data, now=now()),
        lambda _: gettext("Fotoğrafın açıklaması kaydedildi."))
    return _back(photo.room_id)


@bp.post("/photos/<int:photo_id>/move")
@admin_required
def move(photo_id: int) -> Any:
    photo = _photo(photo_id)
    offset = -1 if request.form.get("direction") == "up" else 1
    if ConfirmForm().validate_on_submit():
        act(lambda: photos.move_photo(db.session(), _actor(), photo.id, offset=offset, now=now()),
            lambda _: gettext("Fotoğrafların sırası değişti."))
    return _back(photo.room_id)


@bp.post("/photos/<int:photo_id>/delete")
@admin_required
def delete(photo_id: int) -> Any:
    photo = _photo(photo_id)
    room_id = photo.room_id
    if ConfirmForm().validate_on_submit():
        removed: list[str] = []
        def work() -> None:
            removed[:] = photos.delete_photo(db.session(), _actor(), photo.id, now=now())
        if act(work, lambda _: gettext("Fotoğraf silindi.")):
            photos.discard_files(photo_store(), removed)
    return _back(room_id)
