"""Time of a room that has just become free, announced to whoever offers it on.

A service that frees time (today: the no-show release, services/checkin.py)
calls ``announce`` in its own transaction, after the booking's status changed.
Listeners (the waitlist's offers, SPEC §8) register with ``listen`` at import
time and run in that same transaction: an offer they make commits with the
release, or neither does. A listener must not commit.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class FreedTime:
    """``[start, end)`` of ``room_id`` is no longer held by ``booking_id``.

    ``end`` is the booking's block end (its end plus the room's buffer);
    ``start`` is when it became free (now, or the booking's start if later).
    ``cause`` names what freed it: "no_show".
    """

    room_id: int
    start: datetime
    end: datetime
    booking_id: int
    cause: str


Listener = Callable[[Session, FreedTime, datetime], None]
_listeners: list[Listener] = []


def listen(listener: Listener) -> Listener:
    """Register ``listener`` (usable as a decorator); registering twice is one listener."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def forget(listener: Listener) -> None:
    """Unregister ``listener`` (tests)."""
    if listener in _listeners:
        _listeners.remove(listener)


def announce(session: Session, freed: FreedTime, now: datetime) -> None:
    """Tell every listener, in registration order, in the caller's transaction."""
    for listener in list(_listeners):
        listener(session, freed, now)
