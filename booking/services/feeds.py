"""Calendar feeds: who may see which bookings, and cheap fingerprints (the tokens
of private feeds are issued and revoked in feed_tokens.py).

Which bookings a feed holds (inside the window, SPEC §4):

- public room and center feeds: approved bookings, plus bookings cancelled
  within ``FEED_CANCELLED_KEEP_DAYS`` *that had been approved* — the audit
  trail holds an ``approved → cancelled`` entry for them. A request that was
  cancelled while pending never appeared publicly, so a CANCELLED event for it
  would only reveal that the request existed. Pending and rejected never.
- an organisation's private feed: its pending (TENTATIVE), approved and
  recently cancelled bookings; rejected ones are left out (a subscribed client
  drops them on its next refresh).
- a staff member's private feed: the same statuses for every room of their
  centers (an admin's feed covers every center).

Feed tokens are ``secrets.token_urlsafe(32)`` (256 bits); only their SHA-256
is stored. A person's personal link opens their organisation's feed (members)
or their centers' (staff); issuing a new one revokes only their own previous
link (feed_tokens.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, func, or_, select, update
from sqlalchemy.orm import Session, joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from booking.calendar.words import feed_language, texts
from booking.models import (
    AuditEntry,
    Booking,
    BookingStatus,
    Center,
    FeedToken,
    Organization,
    Room,
    User,
)
from booking.services.errors import NotFound
from booking.services.hashing import hash_secret

# A no-show was approved and shown: it stays, as CANCELLED (the event did not
# take place and its time is free), so a subscribed calendar does not keep it.
PUBLIC_STATUSES = (BookingStatus.APPROVED, BookingStatus.CANCELLED, BookingStatus.NO_SHOW)
PRIVATE_STATUSES = (BookingStatus.PENDING, BookingStatus.APPROVED, BookingStatus.CANCELLED,
                    BookingStatus.NO_SHOW)


@dataclass(frozen=True)
class FeedWindow:
    """The period a feed covers, fixed for a whole UTC day.

    Anchoring at midnight keeps the feed's content (and so its ETag) stable
    through the day; ``anchor`` is also the earliest Last-Modified, because
    the window moving on is itself a change of the feed.
    """

    anchor: datetime
    start: datetime
    end: datetime
    cancelled_since: datetime

    @classmethod
    def for_day(
        cls, now: datetime, past_days: int, future_days: int, cancelled_keep_days: int
    ) -> FeedWindow:
        anchor = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
        return cls(
            anchor=anchor,
            start=anchor - timedelta(days=past_days),
            end=anchor + timedelta(days=future_days + 1),
            cancelled_since=anchor - timedelta(days=cancelled_keep_days),
        )

    def key(self) -> str:
        return f"{self.start:%Y%m%d}-{self.end:%Y%m%d}-{self.cancelled_since:%Y%m%d}"


@dataclass(frozen=True)
class FeedScope:
    """What one feed shows, resolved from a room, a center or a token."""

    kind: str  # "room", "center", "organization" or "staff"
    key: str  # "room-3", "center-1", "organization-7", "staff-12"
    name: str
    timezone: str
    private: bool
    room_ids: tuple[int, ...] | None = None  # None: not limited to rooms
    organization_id: int | None = None
    # Private feeds of staff show who booked; an organisation knows itself.
    show_organization: bool = True
    # Owner's language for private feeds, used when the request names none.
    language: str | None = None
    # When the rooms, centers or organisation named in the feed last changed.
    changed_at: datetime | None = None
    statuses: tuple[BookingStatus, ...] = field(default=PUBLIC_STATUSES)


@dataclass(frozen=True)
class Fingerprint:
    """Enough to tell whether a feed changed, without loading its bookings."""

    count: int
    last_changed: datetime | None

    def key(self) -> str:
        stamp = self.last_changed.isoformat() if self.last_changed else "-"
        return f"{self.count}:{stamp}"


def _latest(*stamps: datetime | None) -> datetime | None:
    present = [s for s in stamps if s is not None]
    return max(present) if present else None


# --- scopes -----------------------------------------------------------------


def room_scope(session: Session, room_id: int) -> FeedScope:
    """The public feed of an active room of an active center, else NotFound."""
    room = session.scalar(
        select(Room)
        .options(joinedload(Room.center), lazyload(Room.feature_rows))
        .where(Room.id == room_id)
    )
    if room is None or not room.is_active or not room.center.is_active:
        raise NotFound(_l("Oda bulunamadı."))
    return FeedScope(
        kind="room",
        key=f"room-{room.id}",
        name=f"{room.name} — {room.center.name}",
        timezone=room.center.timezone,
        private=False,
        room_ids=(room.id,),
        changed_at=_latest(room.updated_at, room.center.updated_at, room.feed_changed_at),
    )


def center_scope(session: Session, center_id: int) -> FeedScope:
    """The public feed of every active room of an active center, else NotFound."""
    center = session.get(Center, center_id)
    if center is None or not center.is_active:
        raise NotFound(_l("Merkez bulunamadı."))
    rooms = session.scalars(
        select(Room).options(lazyload(Room.feature_rows)).where(Room.center_id == center.id)
    ).all()
    return FeedScope(
        kind="center",
        key=f"center-{center.id}",
        name=center.name,
        timezone=center.timezone,
        private=False,
        room_ids=tuple(sorted(room.id for room in rooms if room.is_active)),
        # Every room counts: activating or renaming one changes the feed.
        changed_at=_latest(center.updated_at, *(room.updated_at for room in rooms),
                           *(room.feed_changed_at for room in rooms)),
    )


def _organization_scope(
    organization: Organization, default_timezone: str, language: str | None = None
) -> FeedScope:
    return FeedScope(
        kind="organization",
        key=f"organization-{organization.id}",
        name=organization.name,
        timezone=default_timezone,
        private=True,
        organization_id=organization.id,
        show_organization=False,
        language=language,
        changed_at=organization.updated_at,
        statuses=PRIVATE_STATUSES,
    )


def _staff_scope(session: Session, user: User, default_timezone: str) -> FeedScope:
    if user.is_admin:
        centers = list(session.scalars(select(Center).order_by(Center.name)).all())
    else:
        centers = list(user.centers)
    rooms = session.scalars(
        select(Room)
        .options(lazyload(Room.feature_rows))
        .where(Room.center_id.in_([c.id for c in centers]))
    ).all()
    zones = sorted({c.timezone for c in centers})
    return FeedScope(
        kind="staff",
        key=f"staff-{user.id}",
        name=", ".join(c.name for c in centers),
        timezone=zones[0] if len(zones) == 1 else default_timezone,
        private=True,
        room_ids=tuple(sorted(room.id for room in rooms)),
        language=user.language,
        changed_at=_latest(
            *(c.updated_at for c in centers), *(room.updated_at for room in rooms),
            *(room.feed_changed_at for room in rooms),
        ),
        statuses=PRIVATE_STATUSES,
    )


def calendar_name(scope: FeedScope, language: str) -> str:
    """The calendar's display name (NAME and X-WR-CALNAME)."""
    words = texts(language)
    if scope.kind == "organization":
        return f"{scope.name} — {words['bookings']}"
    if scope.kind == "staff" and scope.name:
        return f"{words['center_bookings']}: {scope.name}"
    if scope.kind == "staff":
        return words["center_bookings"]
    return scope.name


def token_scope(session: Session, token: str, default_timezone: str) -> FeedScope:
    """The private feed a token opens; NotFound when unknown, revoked or orphaned.

    An organisation link (from before personal links) shows its organisation.
    A personal link shows what its person may see *now*: a member their
    current organisation's bookings, staff their centers, an admin every
    center; a deactivated person's link answers nothing.
    """
    record = session.scalar(
        select(FeedToken)
        .options(joinedload(FeedToken.organization), joinedload(FeedToken.user))
        .where(FeedToken.token_hash == hash_secret(token), FeedToken.revoked_at.is_(None))
    )
    if record is None:
        raise NotFound(_l("Takvim bulunamadı."))
    if record.organization is not None:
        return _organization_scope(record.organization, default_timezone)
    user = record.user
    if user is None or not user.is_active:
        raise NotFound(_l("Takvim bulunamadı."))
    if user.is_staff:
        return _staff_scope(session, user, default_timezone)
    if user.organization is None:
        raise NotFound(_l("Takvim bulunamadı."))
    return _organization_scope(user.organization, default_timezone, user.language)


# --- queries ----------------------------------------------------------------


def _scope_filter(
    scope: FeedScope, statuses: tuple[BookingStatus, ...]
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Booking.status.in_(statuses)]
    if scope.room_ids is not None:
        conditions.append(Booking.room_id.in_(scope.room_ids))
    if scope.organization_id is not None:
        conditions.append(Booking.organization_id == scope.organization_id)
    return conditions


def _was_approved() -> ColumnElement[bool]:
    return exists().where(
        AuditEntry.booking_id == Booking.id,
        AuditEntry.from_status == BookingStatus.APPROVED.value,
        AuditEntry.to_status == BookingStatus.CANCELLED.value,
    )


def feed_bookings(session: Session, scope: FeedScope, window: FeedWindow) -> list[Booking]:
    """The bookings a feed shows, with room, center and organisation loaded in one query."""
    if scope.room_ids == ():
        return []
    cancelled_ok = Booking.updated_at >= window.cancelled_since
    if not scope.private:
        cancelled_ok = and_(cancelled_ok, _was_approved())
    query = (
        select(Booking)
        .options(
            # selectin: one query per related table, instead of repeating the
            # room, center and organisation columns on each of 5,000 rows.
            selectinload(Booking.room).joinedload(Room.center),
            selectinload(Booking.room).lazyload(Room.feature_rows),
            selectinload(Booking.organization),
        )
        .where(
            *_scope_filter(scope, scope.statuses),
            Booking.end_at > window.start,
            Booking.start_at < window.end,
            or_(Booking.status != BookingStatus.CANCELLED, cancelled_ok),
        )
        .order_by(Booking.start_at, Booking.id)
    )
    return list(session.scalars(query).unique().all())


def _fingerprint_statuses(scope: FeedScope) -> tuple[BookingStatus, ...]:
    """Statuses whose changes may change the feed.

    Public feeds: approved and cancelled — a booking only leaves "approved"
    for "cancelled", which stays counted, and pending requests must not move
    a public feed's validators. Private feeds: every status, because a
    pending request that is rejected leaves the feed and must still move
    Last-Modified forward.
    """
    return tuple(BookingStatus) if scope.private else scope.statuses


def fingerprint(session: Session, scope: FeedScope) -> Fingerprint:
    """Count and latest change over *all* the feed's bookings, not only the window.

    One aggregate query. Counting outside the window too means a booking that
    moved out of it, or was cancelled or rejected, still moves
    ``last_changed`` forward, so Last-Modified does not go backwards (Apple
    revalidates with it alone). Organisation names appear in the events, so
    their changes count as well. A booking that leaves a room's feeds
    uncounted (moved to another room, or back to pending for the public
    ones) stamps the room it left (``booking_left``), and that stamp is part
    of the scope's ``changed_at``.
    """
    if scope.room_ids == ():
        return Fingerprint(0, scope.changed_at)
    count, booking_changed, organization_changed = session.execute(
        select(
            func.count(Booking.id),
            func.max(Booking.updated_at),
            func.max(Organization.updated_at),
        )
        .select_from(Booking)
        .outerjoin(Organization, Organization.id == Booking.organization_id)
        .where(*_scope_filter(scope, _fingerprint_statuses(scope)))
    ).one()
    # Aggregates bypass the column type on SQLite: read the naive UTC text back.
    return Fingerprint(
        int(count),
        _latest(_as_utc(booking_changed), _as_utc(organization_changed), scope.changed_at),
    )


def _as_utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def booking_left(session: Session, room: Room, now: datetime) -> None:
    """A booking left ``room``'s feeds without staying counted there (a move
    to another room, a return from approved to pending): stamp the room, so
    those feeds' Last-Modified moves on. The room's own ``updated_at`` is
    kept: the room itself did not change."""
    session.execute(
        update(Room)
        .where(Room.id == room.id)
        .values(feed_changed_at=now, updated_at=Room.updated_at)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(room, "feed_changed_at", now)


def choose_language(requested: str | None, accepted: str | None, scope: FeedScope) -> str:
    """``?lang=`` first, then Accept-Language's best match, then the owner's, then Turkish."""
    for candidate in (requested, accepted, scope.language):
        if candidate and feed_language(candidate) == candidate.split("-")[0].lower():
            return feed_language(candidate)
    return feed_language(None)
