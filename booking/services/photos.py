"""Room photos (SPEC §11): upload, alt text, order and removal, by admins.

An upload is bytes. Pillow decides what they are (never the file's name):
only JPEG, PNG and WebP are taken, at most ``PhotoStore.max_bytes``, at most
MAX_PIXELS pixels once decoded (a decompression bomb declares a huge size in
a tiny file: it is refused before it is decoded). The image is turned upright
(its EXIF orientation), copied pixel by pixel into a new image, so that no
metadata survives (EXIF, GPS, XMP, ICC profiles, comments), and saved twice:
a display image of at most DISPLAY_SIZE px and a thumbnail of at most
THUMBNAIL_SIZE px, in the format it came in. The files are named by the
display image's SHA-256, which is also its ETag and part of its address.

Files are written before the caller commits: an upload whose transaction
rolls back leaves two unused files behind, never a row without its file. A
deletion returns the files it no longer needs; the caller removes them with
``discard_files`` after committing.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.i18n.text import one_line
from booking.models import Room, RoomPhoto, User
from booking.services import audit
from booking.services.access import visible_room
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation

MAX_PHOTOS = 6
DISPLAY_SIZE = 1600
THUMBNAIL_SIZE = 400
# 40 megapixels: any camera's photo, far below what would fill the memory.
MAX_PIXELS = 40_000_000
MAX_ALT_TEXT = 300
# Pillow's format name → (content type, file extension).
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"),
           "WEBP": ("image/webp", "webp")}
SIZES = ("display", "thumbnail")

NOT_AN_IMAGE = _l("Bu dosya bir JPEG, PNG ya da WebP fotoğrafı değil.")
TOO_MANY_PIXELS = _l("Fotoğraf çok büyük boyutlu (en fazla %(n)d megapiksel).",
                     n=MAX_PIXELS // 1_000_000)


@dataclass(frozen=True)
class PhotoStore:
    """Where the files are kept and how large an upload may be (the settings
    ROOM_PHOTO_DIR and ROOM_PHOTO_MAX_BYTES)."""

    directory: Path
    max_bytes: int

    def path(self, name: str) -> Path:
        return self.directory / name


@dataclass(frozen=True)
class Encoded:
    """One saved image: its bytes and size in pixels."""

    data: bytes
    width: int
    height: int


def _require_admin(actor: User | None) -> None:
    if actor is None or not actor.is_admin:
        raise NotAllowed(_l("Salon fotoğraflarını yalnızca yöneticiler düzenleyebilir."))


def _refuse(message: object) -> RuleViolation:
    return RuleViolation.single("photo", message)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def _decoded(data: bytes, store: PhotoStore) -> tuple[Image.Image, str]:
    """The upright image and its format; a RuleViolation on "photo" for anything
    too large, not an image of the three formats, or a decompression bomb."""
    if not data:
        raise _refuse(_l("Bir fotoğraf dosyası seçin."))
    if len(data) > store.max_bytes:
        raise _refuse(_l("Fotoğraf en fazla %(mb)s MB olabilir.", mb=_megabytes(store.max_bytes)))
    with warnings.catch_warnings():
        # Pillow warns (and past twice its limit refuses) on huge images.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=list(FORMATS)) as opened:
                kind = str(opened.format)
                width, height = opened.size
                if width * height > MAX_PIXELS:
                    raise _refuse(TOO_MANY_PIXELS)
                opened.load()
                upright = ImageOps.exif_transpose(opened)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
            raise _refuse(NOT_AN_IMAGE) from None
    if kind not in FORMATS:
        raise _refuse(NOT_AN_IMAGE)
    return upright, kind


def _bare(image: Image.Image, kind: str) -> Image.Image:
    """A new image holding only the pixels: no EXIF, GPS, XMP, ICC or comment."""
    keeps_alpha = kind != "JPEG" and (image.mode in ("RGBA", "LA", "PA")
                                      or "transparency" in image.info)
    mode = "RGBA" if keeps_alpha else ("L" if image.mode in ("L", "1") else "RGB")
    converted = image.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(image: Image.Image, kind: str, box: int) -> Encoded:
    copy = image.copy()
    copy.thumbnail((box, box), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    options: dict[str, Any] = {"JPEG": {"quality": 85, "optimize": True}, "PNG": {"optimize": True},
               "WEBP": {"quality": 85}}
    copy.save(out, format=kind, **options[kind])
    return Encoded(out.getvalue(), copy.width, copy.height)


def _write(store: PhotoStore, name: str, data: bytes) -> None:
    store.directory.mkdir(parents=True, exist_ok=True)
    target = store.path(name)
    partial = target.with_name(f".{name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, target)


def _alt_texts(alt_text: object, alt_text_en: object) -> tuple[str, str | None]:
    errors: list[FieldError] = []
    texts: list[str] = []
    for key, value in (("alt_text", alt_text), ("alt_text_en", alt_text_en)):
        text = one_line(value) if isinstance(value, str) else ""
        if len(text) > MAX_ALT_TEXT:
            errors.append(FieldError(key, _l("En fazla %(n)d karakter olabilir.", n=MAX_ALT_TEXT)))
        texts.append(text)
    if not texts[0]:
        errors.append(FieldError("alt_text", _l(
            "Fotoğrafta ne göründüğünü yazın: görme engelli ziyaretçiler bunu duyar.")))
    if errors:
        raise RuleViolation(errors)
    return texts[0], texts[1] or None


def _room(session: Session, room_id: int) -> Room:
    room = session.get(Room, room_id)
    if room is None:
        raise NotFound(_l("Salon bulunamadı."))
    return room


def get_photo(session: Session, photo_id: int) -> RoomPhoto:
    photo = session.get(RoomPhoto, photo_id)
    if photo is None:
        raise NotFound(_l("Fotoğraf bulunamadı."))
    return photo


def add_photo(session: Session, actor: User | None, room_id: int, data: bytes, *,
              alt_text: str, alt_text_en: str | None = None, store: PhotoStore,
              now: datetime) -> RoomPhoto:
    """An admin adds a photo at the end of the room's photos (at most MAX_PHOTOS)."""
    _require_admin(actor)
    room = _room(session, room_id)
    alt, alt_en = _alt_texts(alt_text, alt_text_en)
    count = session.scalar(select(func.count()).where(RoomPhoto.room_id == room.id)) or 0
    if count >= MAX_PHOTOS:
        raise _refuse(_l("Bir salonun en fazla %(n)d fotoğrafı olabilir; önce birini silin.",
                         n=MAX_PHOTOS))
    image, kind = _decoded(data, store)
    bare = _bare(image, kind)
    display, thumbnail = _encode(bare, kind, DISPLAY_SIZE), _encode(bare, kind, THUMBNAIL_SIZE)
    digest = hashlib.sha256(display.data).hexdigest()
    content_type, extension = FORMATS[kind]
    photo = RoomPhoto(room_id=room.id, position=_next_position(session, room.id),
                      file_name=f"{digest}.{extension}", content_type=content_type,
                      width=display.width, height=display.height, byte_size=len(display.data),
                      thumb_width=thumbnail.width, thumb_height=thumbnail.height, sha256=digest,
                      alt_text=alt, alt_text_en=alt_en, created_at=now,
                      uploaded_by_id=actor.id if actor else None)
    _write(store, photo.file_name, display.data)
    _write(store, photo.thumb_name, thumbnail.data)
    session.add(photo)
    session.flush()
    session.expire(room, ["photos"])
    audit.record(session, actor, "room", room.id, "photo_add", at=now,
                 details={"photo_id": photo.id, "sha256": digest, "bytes": len(data)})
    return photo


def _next_position(session: Session, room_id: int) -> int:
    highest = session.scalar(select(func.max(RoomPhoto.position))
                             .where(RoomPhoto.room_id == room_id))
    return 0 if highest is None else highest + 1


def update_alt_text(session: Session, actor: User | None, photo_id: int, *, alt_text: str,
                    alt_text_en: str | None, now: datetime) -> RoomPhoto:
    """Change what a photo's alt text says, in Turkish and (optionally) English."""
    _require_admin(actor)
    photo = get_photo(session, photo_id)
    photo.alt_text, photo.alt_text_en = _alt_texts(alt_text, alt_text_en)
    session.flush()
    audit.record(session, actor, "room", photo.room_id, "photo_alt_text", at=now,
                 details={"photo_id": photo.id})
    return photo


def move_photo(session: Session, actor: User | None, photo_id: int, *, offset: int,
               now: datetime) -> RoomPhoto:
    """Move a photo ``offset`` places (-1: one earlier, 1: one later); the
    first photo is the room's picture in lists and search results."""
    _require_admin(actor)
    photo = get_photo(session, photo_id)
    ordered = list(session.scalars(select(RoomPhoto).where(RoomPhoto.room_id == photo.room_id)
                                   .order_by(RoomPhoto.position, RoomPhoto.id)))
    index = ordered.index(photo)
    target = max(0, min(len(ordered) - 1, index + offset))
    ordered.insert(target, ordered.pop(index))
    for position, item in enumerate(ordered):
        item.position = position
    session.flush()
    session.expire(photo.room, ["photos"])
    audit.record(session, actor, "room", photo.room_id, "photo_move", at=now,
                 details={"photo_id": photo.id, "position": target})
    return photo


def delete_photo(session: Session, actor: User | None, photo_id: int, *,
                 now: datetime) -> list[str]:
    """Remove a photo; the names of the files nothing uses any more, for
    ``discard_files`` once the caller has committed."""
    _require_admin(actor)
    photo = get_photo(session, photo_id)
    room_id, names = photo.room_id, [photo.file_name, photo.thumb_name]
    session.delete(photo)
    session.flush()
    session.expire(_room(session, room_id), ["photos"])
    audit.record(session, actor, "room", room_id, "photo_delete", at=now,
                 details={"photo_id": photo_id})
    still_used = set(session.scalars(select(RoomPhoto.file_name)
                                     .where(RoomPhoto.file_name == names[0])))
    return [] if still_used else names


def discard_files(store: PhotoStore, names: list[str]) -> None:
    for name in names:
        store.path(name).unlink(missing_ok=True)


def served_photo(session: Session, viewer: User | None, photo_id: int,
                 name: str) -> tuple[RoomPhoto, str]:
    """The photo behind an address and which of its files is asked for: the
    display image or the thumbnail. NotFound for a room the viewer may not see
    or a name that is not the photo's (an address of an older file)."""
    photo = get_photo(session, photo_id)
    visible_room(session, viewer, photo.room_id)
    if name == photo.file_name:
        return photo, "display"
    if name == photo.thumb_name:
        return photo, "thumbnail"
    raise NotFound(_l("Fotoğraf bulunamadı."))
