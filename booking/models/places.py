"""Centers, rooms, room features and closures."""
from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from booking.models.base import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from booking.models.people import User
    from booking.models.room_details import RoomAccessibility, RoomPhoto

# A booking lasts at most a day and a buffer at most four hours, so any booking
# meeting an interval starts at most MAX_BLOCK_SPAN before it (an index bound).
MAX_DURATION_MINUTES = 24 * 60
MAX_BUFFER_MINUTES = 240

# Feature codes a room can offer; labels live in booking/labels.py (translated).
FEATURES = (
    "projector",
    "sound_system",
    "microphone",
    "wheelchair_access",
    "kitchen",
    "whiteboard",
    "video_conference",
    "wifi",
    "air_conditioning",
    "stage",
    "computers",
    "childcare_corner",
)


# What a new room gets when nothing else is said (SPEC §3): the columns, the
# rooms service, the admin form and the API's documentation all read this.
ROOM_DEFAULTS: dict[str, Any] = {
    "features": [],
    "requires_approval": True,
    "buffer_minutes": 0,
    "opening_time": time(8, 0),
    "closing_time": time(22, 0),
    "min_duration_minutes": 30,
    "max_duration_minutes": 480,
    "max_advance_days": 180,
    "is_active": True,
    "description": None,
    "floor_level": None,
    "accessibility": [],
    # None: the center's check-in setting applies (SPEC §8).
    "checkin_required": None,
}


class Center(Base):
    """A civil-society center (sivil toplum merkezi) with its rooms."""

    __tablename__ = "centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    district: Mapped[str | None] = mapped_column(String(100))
    # The street address line ("Manas Bulvarı No: 39"); older rows may also name
    # the district in it, which ``ui.place_line`` then does not repeat.
    address: Mapped[str | None] = mapped_column(String(500))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    # WGS 84 degrees, both or neither (checked by services/places.py): the map link.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    description: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Istanbul")
    # SPEC §8: approved bookings must be checked in, else they become no-shows.
    checkin_required: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    rooms: Mapped[list[Room]] = relationship(
        back_populates="center", order_by="Room.name", cascade="all, delete-orphan"
    )
    staff: Mapped[list[User]] = relationship(
        secondary="staff_centers", back_populates="centers", viewonly=True
    )

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def map_url(self) -> str | None:
        """OpenStreetMap at the center's coordinates (a plain link, no tiles here)."""
        if self.latitude is None or self.longitude is None:
            return None
        lat, lon = f"{self.latitude:.6f}".rstrip("0").rstrip("."), \
            f"{self.longitude:.6f}".rstrip("0").rstrip(".")
        return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=18/{lat}/{lon}"

    def __repr__(self) -> str:
        return f"<Center {self.id} {self.name!r}>"


class Room(Base):
    """A bookable room, hall or workshop of a center."""

    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("center_id", "name"),
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint(
            f"buffer_minutes >= 0 AND buffer_minutes <= {MAX_BUFFER_MINUTES}", name="buffer_range"
        ),
        CheckConstraint("closing_time > opening_time", name="hours_ordered"),
        CheckConstraint(
            "min_duration_minutes > 0 AND max_duration_minutes >= min_duration_minutes"
            f" AND max_duration_minutes <= {MAX_DURATION_MINUTES}",
            name="durations_ordered",
        ),
        CheckConstraint("max_advance_days > 0", name="advance_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    # 0 the ground floor, 1 the first, -1 the first basement (i18n/floors.py says it).
    floor_level: Mapped[int | None] = mapped_column(Integer)
    capacity: Mapped[int] = mapped_column(Integer)
    requires_approval: Mapped[bool] = mapped_column(
        Boolean, default=ROOM_DEFAULTS["requires_approval"])
    buffer_minutes: Mapped[int] = mapped_column(Integer, default=ROOM_DEFAULTS["buffer_minutes"])
    opening_time: Mapped[time] = mapped_column(Time, default=ROOM_DEFAULTS["opening_time"])
    closing_time: Mapped[time] = mapped_column(Time, default=ROOM_DEFAULTS["closing_time"])
    min_duration_minutes: Mapped[int] = mapped_column(
        Integer, default=ROOM_DEFAULTS["min_duration_minutes"])
    max_duration_minutes: Mapped[int] = mapped_column(
        Integer, default=ROOM_DEFAULTS["max_duration_minutes"])
    max_advance_days: Mapped[int] = mapped_column(
        Integer, default=ROOM_DEFAULTS["max_advance_days"])
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # None: the center's setting (Center.checkin_required) applies.
    checkin_required: Mapped[bool | None] = mapped_column(
        Boolean, default=ROOM_DEFAULTS["checkin_required"])
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # When a booking last left this room's feeds (moved to another room, or
    # back to pending): it is no longer counted there, yet the feeds changed,
    # so their Last-Modified must move on (services/feeds.py).
    feed_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    center: Mapped[Center] = relationship(back_populates="rooms")

    @property
    def requires_checkin(self) -> bool:
        """The room's own check-in setting, else its center's."""
        if self.checkin_required is not None:
            return self.checkin_required
        return self.center.checkin_required
    feature_rows: Mapped[list[RoomFeature]] = relationship(
        cascade="all, delete-orphan", order_by="RoomFeature.code", lazy="selectin"
    )
    # Loaded when asked for (lists load them with selectinload, ROOM_DETAILS):
    # a booking request needs neither.
    accessibility_rows: Mapped[list[RoomAccessibility]] = relationship(
        cascade="all, delete-orphan", order_by="RoomAccessibility.code"
    )
    photos: Mapped[list[RoomPhoto]] = relationship(
        back_populates="room", cascade="all, delete-orphan",
        order_by="(RoomPhoto.position, RoomPhoto.id)"
    )

    @property
    def features(self) -> list[str]:
        return [row.code for row in self.feature_rows]

    @features.setter
    def features(self, codes: list[str]) -> None:
        unknown = set(codes) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        wanted = sorted(set(codes))
        keep = [row for row in self.feature_rows if row.code in wanted]
        have = {row.code for row in keep}
        self.feature_rows = keep + [RoomFeature(code=c) for c in wanted if c not in have]

    @property
    def accessibility(self) -> list[str]:
        return [row.code for row in self.accessibility_rows]

    @accessibility.setter
    def accessibility(self, codes: list[str]) -> None:
        from booking.models.room_details import ACCESSIBILITY, RoomAccessibility

        unknown = set(codes) - set(ACCESSIBILITY)
        if unknown:
            raise ValueError(f"unknown accessibility attributes: {sorted(unknown)}")
        wanted = sorted(set(codes))
        keep = [row for row in self.accessibility_rows if row.code in wanted]
        have = {row.code for row in keep}
        self.accessibility_rows = keep + [RoomAccessibility(code=c) for c in wanted
                                          if c not in have]

    def __repr__(self) -> str:
        return f"<Room {self.id} {self.name!r}>"


def room_details() -> tuple[Any, ...]:
    """What a list of rooms shows beside each (icons, thumbnails), one query
    each for the whole list: ``select(Room).options(*room_details())``."""
    return selectinload(Room.accessibility_rows), selectinload(Room.photos)


class RoomFeature(Base):
    __tablename__ = "room_features"

    room_id: Mapped[int] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class Closure(Base):
    """A period in which one room, or every room of a center, cannot be booked."""

    __tablename__ = "closures"
    __table_args__ = (
        CheckConstraint("end_at > start_at", name="end_after_start"),
        Index("ix_closures_center_period", "center_id", "start_at", "end_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(ForeignKey("centers.id", ondelete="CASCADE"))
    # None: the whole center is closed.
    room_id: Mapped[int | None] = mapped_column(
        ForeignKey("rooms.id", ondelete="CASCADE"), index=True
    )
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(300))
    # "manual" or "holiday" (imported from the holidays package).
    source: Mapped[str] = mapped_column(String(20), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    center: Mapped[Center] = relationship()
    room: Mapped[Room | None] = relationship()
