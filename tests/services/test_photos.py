"""Room photos: what an upload is refused for, what is kept of it, who may add one."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from booking.models import Role
from booking.services import photos
from booking.services.errors import NotAllowed, RuleViolation
from booking.services.photos import PhotoStore
from tests.support.clock import NOW
from tests.support.factories import make_center, make_room, make_user
from tests.support.images import jpeg_with_gps, png, png_bomb


@pytest.fixture
def store(tmp_path: Path) -> PhotoStore:
    return PhotoStore(tmp_path / "store", max_bytes=10 * 1024 * 1024)


@pytest.fixture
def room(session):
    room = make_room(session, make_center(session))
    session.commit()
    return room


@pytest.fixture
def admin(session):
    return make_user(session, Role.ADMIN)


def _add(session, actor, room, data, store, alt="Salonun sahneden görünüşü"):
    return photos.add_photo(session, actor, room.id, data, alt_text=alt, store=store, now=NOW)


def _refusal(exc: pytest.ExceptionInfo[RuleViolation]) -> str:
    assert [e.field for e in exc.value.errors] == ["photo"]
    return str(exc.value.errors[0].message)


def test_an_upload_larger_than_the_limit_is_refused_with_the_limit_in_words(session, admin, room,
                                                                              tmp_path):
    small = PhotoStore(tmp_path, max_bytes=1024 * 1024)
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, b"\xff" * (1024 * 1024 + 1), small)
    assert "1 MB" in _refusal(exc)


def test_a_text_file_named_jpg_is_not_an_image(session, admin, room, store):
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, b"merhaba, ben bir fotograf degilim\n" * 10, store)
    assert "JPEG, PNG" in _refusal(exc)
    assert not store.directory.exists()  # nothing written


def test_a_gif_is_refused_although_pillow_reads_it(session, admin, room, store):
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, format="GIF")
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, out.getvalue(), store)
    assert "JPEG, PNG" in _refusal(exc)


def test_a_decompression_bomb_is_refused_before_it_is_decoded(session, admin, room, store):
    bomb = png_bomb()
    assert len(bomb) < 1000
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, bomb, store)
    assert "megapiksel" in _refusal(exc)


def test_the_stored_photo_carries_no_exif_gps_or_comment(session, admin, room, store):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(0x8825)  # the test image does carry GPS
    photo = _add(session, admin, room, original, store)
    for name in (photo.file_name, photo.thumb_name):
        data = store.path(name).read_bytes()
        assert b"Exif" not in data and b"secret comment" not in data and b"Test Camera" not in data
        with Image.open(store.path(name)) as stored:
            assert stored.format == "JPEG"
            assert not stored.getexif()
            assert "exif" not in stored.info and "icc_profile" not in stored.info
            assert "comment" not in stored.info


def test_display_and_thumbnail_sizes_keep_the_proportions(session, admin, room, store):
    photo = _add(session, admin, room, jpeg_with_gps(2400, 1200), store)
    assert (photo.width, photo.height) == (1600, 800)
    assert (photo.thumb_width, photo.thumb_height) == (400, 200)
    with Image.open(store.path(photo.thumb_name)) as thumb:
        assert thumb.size == (400, 200)
    assert photo.content_type == "image/jpeg" and photo.file_name == f"{photo.sha256}.jpg"
    assert photo.byte_size == store.path(photo.file_name).stat().st_size


def test_a_png_stays_a_png_with_its_transparency(session, admin, room, store):
    photo = _add(session, admin, room, png(), store)
    assert photo.content_type == "image/png"
    with Image.open(store.path(photo.file_name)) as stored:
        assert stored.format == "PNG" and stored.mode == "RGBA" and stored.size == (300, 200)


def test_a_room_holds_at_most_six_photos(session, admin, room, store):
    for n in range(photos.MAX_PHOTOS):
        _add(session, admin, room, png(100 + n, 100), store)
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, png(), store)
    assert "6" in _refusal(exc)
    session.refresh(room)
    assert [p.position for p in room.photos] == list(range(6))


def test_the_turkish_alt_text_is_required(session, admin, room, store):
    with pytest.raises(RuleViolation) as exc:
        _add(session, admin, room, png(), store, alt="  ")
    assert [e.field for e in exc.value.errors] == ["alt_text"]


@pytest.mark.parametrize("role", [Role.MEMBER, Role.STAFF])
def test_only_admins_add_photos_not_members_nor_the_centers_staff(session, room, store, role):
    user = make_user(session, role, centers=[room.center] if role == Role.STAFF else None)
    with pytest.raises(NotAllowed):
        _add(session, user, room, png(), store)
    with pytest.raises(NotAllowed):
        _add(session, None, room, png(), store)


def test_moving_a_photo_reorders_and_deleting_returns_its_files(session, admin, room, store):
    first, second = _add(session, admin, room, png(100, 100), store), \
        _add(session, admin, room, png(120, 100), store)
    photos.move_photo(session, admin, second.id, offset=-1, now=NOW)
    session.refresh(room)
    assert [p.id for p in room.photos] == [second.id, first.id]
    photos.update_alt_text(session, admin, first.id, alt_text="Pencere tarafı",
                           alt_text_en="The window side", now=NOW)
    assert first.alt("en") == "The window side" and first.alt("tr") == "Pencere tarafı"
    names = photos.delete_photo(session, admin, first.id, now=NOW)
    assert names == [first.file_name, first.thumb_name]
    photos.discard_files(store, names)
    assert not store.path(first.file_name).exists()
    assert store.path(second.file_name).exists()
