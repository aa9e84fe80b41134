"""room details: a floor as a number, accessibility, a structured address, photos

- rooms.floor (free Turkish text, "1. kat") becomes rooms.floor_level, an
  integer: 0 the ground floor, negative a basement. The text is read by
  ``parse_floor``: "Zemin kat", "Giriş katı", "Zemin" → 0; "Bodrum", "Bodrum
  kat" → -1; "2. bodrum", "Bodrum 2", "-2" → -2; "1. kat", "1.kat", "1 kat",
  "Kat 1", "Kat: 1", "+1", "1", "Birinci kat" → 1 (the ordinals up to the
  tenth). Anything else ("Asma kat", "Çatı katı") becomes NULL, and the old
  text is kept at the end of the room's description as "Kat: …", so nothing
  is lost. The downgrade writes the Turkish words back ("1. kat").
- room_accessibility: the accessibility attributes of a room, one row per code
  (as room_features).
- centers: postal_code, latitude and longitude (optional); ``address`` stays
  the street address line, so older rows read as before.
- room_photos: the photos of a room (booking/services/photos.py).

Only add_column, create_table and ALTER TABLE … DROP COLUMN: a batch would
copy the rooms table, and with foreign keys on, SQLite would cascade the copy's
DROP TABLE to every booking of every room.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 15:00:00
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

MIN_LEVEL, MAX_LEVEL = -10, 200
_ORDINALS = {"birinci": 1, "ikinci": 2, "üçüncü": 3, "dördüncü": 4, "beşinci": 5,
             "altıncı": 6, "yedinci": 7, "sekizinci": 8, "dokuzuncu": 9, "onuncu": 10}
_GROUND = re.compile(r"(zemin|giriş|ground)( ?kat[ıi]?| floor)?")
_BASEMENT = re.compile(r"(?:(\d+)\.? ?)?bodrum(?: ?kat[ıi]?)?(?: ?\(?-?(\d+)\)?)?")
_NUMBER = re.compile(r"(?:kat:? ?)?([+-]?\d+)(?:\.? ?kat[ıi]?)?")


def _fold(text: str) -> str:
    """Turkish lower case, spaces squeezed."""
    text = text.replace("I", "ı").replace("İ", "i").lower()
    return " ".join(text.split())


def parse_floor(text: str | None) -> int | None:
    """The level a floor's free text names, or None (see the module's text)."""
    if text is None:
        return None
    folded = _fold(text)
    if not folded:
        return None
    if _GROUND.fullmatch(folded):
        return 0
    basement = _BASEMENT.fullmatch(folded)
    if basement:
        depth = int(basement.group(1) or basement.group(2) or 1)
        level = -depth
    else:
        number = _NUMBER.fullmatch(folded)
        words = folded.removesuffix(" katı").removesuffix(" kat")
        if number:
            level = int(number.group(1))
        elif words in _ORDINALS:
            level = _ORDINALS[words]
        else:
            return None
    return level if MIN_LEVEL <= level <= MAX_LEVEL else None


def turkish_floor(level: int | None) -> str | None:
    """The words the downgrade writes back."""
    if level is None:
        return None
    if level == 0:
        return "Zemin kat"
    return f"Bodrum kat ({level})" if level < 0 else f"{level}. kat"


def _move_floors(connection: sa.Connection) -> None:
    rooms = sa.table("rooms", sa.column("id", sa.Integer), sa.column("floor", sa.String),
                     sa.column("floor_level", sa.Integer), sa.column("description", sa.Text))
    rows = connection.execute(sa.select(rooms.c.id, rooms.c.floor, rooms.c.description)
                              .where(rooms.c.floor.is_not(None))).all()
    for room_id, text, description in rows:
        level = parse_floor(text)
        values: dict[str, object] = {"floor_level": level}
        if level is None and text.strip():
            kept = f"Kat: {text.strip()}"
            values["description"] = f"{description.rstrip()}\n\n{kept}" if description else kept
        connection.execute(rooms.update().where(rooms.c.id == room_id).values(**values))


def upgrade() -> None:
    op.add_column("rooms", sa.Column("floor_level", sa.Integer(), nullable=True))
    _move_floors(op.get_bind())
    op.execute("ALTER TABLE rooms DROP COLUMN floor")
    op.add_column("centers", sa.Column("postal_code", sa.String(length=10), nullable=True))
    op.add_column("centers", sa.Column("latitude", sa.Float(), nullable=True))
    op.add_column("centers", sa.Column("longitude", sa.Float(), nullable=True))
    op.create_table(
        "room_accessibility",
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"],
                                name=op.f("fk_room_accessibility_room_id_rooms"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("room_id", "code", name=op.f("pk_room_accessibility")),
    )
    op.create_index(op.f("ix_room_accessibility_code"), "room_accessibility", ["code"],
                    unique=False)
    op.create_table(
        "room_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("thumb_width", sa.Integer(), nullable=False),
        sa.Column("thumb_height", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("alt_text", sa.String(length=300), nullable=False),
        sa.Column("alt_text_en", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["room_id"], ["rooms.id"],
                                name=op.f("fk_room_photos_room_id_rooms"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_room_photos_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_room_photos")),
    )
    op.create_index(op.f("ix_room_photos_room_id"), "room_photos", ["room_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_room_photos_room_id", table_name="room_photos")
    op.drop_table("room_photos")
    op.drop_index("ix_room_accessibility_code", table_name="room_accessibility")
    op.drop_table("room_accessibility")
    for column in ("longitude", "latitude", "postal_code"):
        op.execute(f"ALTER TABLE centers DROP COLUMN {column}")
    op.add_column("rooms", sa.Column("floor", sa.String(length=40), nullable=True))
    connection = op.get_bind()
    rooms = sa.table("rooms", sa.column("id", sa.Integer), sa.column("floor", sa.String),
                     sa.column("floor_level", sa.Integer))
    for room_id, level in connection.execute(
            sa.select(rooms.c.id, rooms.c.floor_level).where(rooms.c.floor_level.is_not(None))):
        connection.execute(rooms.update().where(rooms.c.id == room_id)
                           .values(floor=turkish_floor(level)))
    op.execute("ALTER TABLE rooms DROP COLUMN floor_level")
