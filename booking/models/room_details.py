"""What a visitor learns about a room before booking it: its accessibility
attributes (the one list of their codes, words and icons) and its photos."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from booking.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from booking.models.places import Room


@dataclass(frozen=True)
class Attribute:
    """An accessibility attribute: its words (a Turkish msgid, translated when
    shown) and an icon, always shown beside the words, never alone."""

    label: Any
    icon: str


# The accessibility attributes a room can have (SPEC §11), searchable. The
# codes are stored, sent by the API and named in the search's query string.
ACCESSIBILITY: dict[str, Attribute] = {
    "step_free_entrance": Attribute(_l("Basamaksız giriş"), "♿"),
    "lift": Attribute(_l("Asansör"), "⇅"),
    "accessible_wc": Attribute(_l("Engelli tuvaleti"), "WC"),
    "hearing_loop": Attribute(_l("İşitme döngüsü"), "◎"),
    "accessible_parking": Attribute(_l("Engelli otoparkı"), "Ⓟ"),
}

ACCESSIBILITY_CODES: tuple[str, ...] = tuple(ACCESSIBILITY)


class RoomAccessibility(Base):
    """One accessibility attribute of one room (stored like its features)."""

    __tablename__ = "room_accessibility"

    room_id: Mapped[int] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class RoomPhoto(Base):
    """A photo of a room, as booking/services/photos.py stored it: a display
    image and a thumbnail, both re-encoded without any metadata. ``sha256`` is
    the display file's digest: its ETag and part of its address."""

    __tablename__ = "room_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    file_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(40))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    thumb_width: Mapped[int] = mapped_column(Integer)
    thumb_height: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    alt_text: Mapped[str] = mapped_column(String(300))
    alt_text_en: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))

    room: Mapped[Room] = relationship(back_populates="photos")

    @property
    def thumb_name(self) -> str:
        """The thumbnail's file, beside the display file."""
        stem, _, ext = self.file_name.rpartition(".")
        return f"{stem}-thumb.{ext}"

    def alt(self, language: str) -> str:
        """The text a screen reader reads for it in ``language``."""
        return (self.alt_text_en or self.alt_text) if language == "en" else self.alt_text
