"""The suite's clock: the fixed ``NOW`` of the service tests, and which "today"
the others run on.

Most tests pass an explicit ``now`` to the services: ``NOW`` below, a Friday
far from the real clock, so they read no clock at all.
The pages, the API and the commands read the real clock, so their tests place
bookings relative to "today" (``tests.support.web.ahead``, ``tests.support.api.at``)
and would pass or fail with the calendar. To make a date bug fail the day it
is written, the suite can be run on any day:

    BOOKING_TEST_TODAY=2027-12-31 make test          # 09:00 Istanbul that day
    BOOKING_TEST_TODAY=2027-03-28T23:45 make test    # a given local time
    make test-dates                                   # the tests that read the clock, on three days

The whole test process then travels to that instant with time-machine and the
clock ticks on from there: the app under test, its server threads and the
helpers all see the same "today". Child processes started through
``tests.support.processes`` (the scheduler, the sender, gunicorn) are shifted by
the same amount through ``child_clock/sitecustomize.py``. PostgreSQL's own
``now()`` is not shifted, and the product never asks the database for the time.
"""
from __future__ import annotations

import os
import time
from datetime import UTC, date, datetime
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

# Friday 1 March 2030, 12:00 in Istanbul.
NOW = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)

ENV_TODAY = "BOOKING_TEST_TODAY"
ENV_SHIFT = "BOOKING_TEST_CLOCK_SHIFT"
ISTANBUL = ZoneInfo("Europe/Istanbul")
CHILD_PATH = Path(__file__).resolve().parent / "child_clock"
_state: dict[str, object] = {}


def parse_today(value: str) -> datetime:
    """``YYYY-MM-DD`` (09:00 Istanbul that day) or a local ``YYYY-MM-DDTHH:MM``."""
    value = value.strip()
    try:
        if "T" in value or " " in value:
            instant = datetime.fromisoformat(value)
            return instant if instant.tzinfo else instant.replace(tzinfo=ISTANBUL)
        return datetime.combine(date.fromisoformat(value), clock_time(9, 0), tzinfo=ISTANBUL)
    except ValueError as exc:
        raise ValueError(f"{ENV_TODAY}={value!r} is not YYYY-MM-DD or YYYY-MM-DDTHH:MM") from exc


def start(today: str | None = None) -> datetime | None:
    """Travel to ``today`` (default: the environment's BOOKING_TEST_TODAY), once per process."""
    wanted = today if today is not None else os.environ.get(ENV_TODAY, "")
    if not wanted or "traveller" in _state:
        return _state.get("instant")  # type: ignore[return-value]
    instant = parse_today(wanted)
    # As a timestamp: given an aware datetime, time-machine would also set the
    # process's local zone (TZ), and the suite must not change zones.
    traveller = time_machine.travel(instant.timestamp(), tick=True)
    traveller.start()
    _state.update(traveller=traveller, instant=instant)
    return instant


def travelled_to() -> datetime | None:
    """The instant the suite started at, when it was moved; None on the real clock."""
    return _state.get("instant")  # type: ignore[return-value]


def shift_seconds() -> float:
    """How far the suite's clock is ahead of the real one (0 on the real clock)."""
    if "traveller" not in _state:
        return 0.0
    return time.time() - time_machine.escape_hatch.time.time()


def child_environment() -> dict[str, str]:
    """What a child process needs to run on the same clock: nothing when it is real."""
    if "traveller" not in _state:
        return {}
    python_path = os.pathsep.join(
        p for p in (str(CHILD_PATH), os.environ.get("PYTHONPATH", "")) if p)
    return {ENV_SHIFT: repr(shift_seconds()), "PYTHONPATH": python_path}
