"""What the calendar tests check on any .ics: RFC 5545 rules no linter checks
offline, and what three independent parsers read from it."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import datetime, timedelta
from typing import Any

import pytest
import recurring_ical_events
from icalendar import Calendar

from tests.support.paths import ROOT

PARSE_ICS = ROOT / "tests" / "js" / "parse_ics.mjs"
VALID_STATUSES = {"CONFIRMED", "TENTATIVE", "CANCELLED"}


def rfc_problems(data: bytes) -> list[str]:
    """Every broken rule in ``data``; an empty list means the checks pass."""
    problems = []
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    lines = data.split(b"\r\n")[:-1]
    for number, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            problems.append(f"line {number}: bare LF or CR")
        if len(line) > 75:
            problems.append(f"line {number}: {len(line)} octets")
        line.decode("utf-8")  # raises on a fold inside a multi-byte character
    cal = Calendar.from_ical(data)
    for required in ("VERSION", "PRODID"):
        if required not in cal:
            problems.append(f"no {required}")
    tzids = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    uids = []
    for event in cal.walk("VEVENT"):
        uid = str(event["UID"])
        uids.append(uid)
        if event.get("DTSTAMP") is None or event.decoded("DTSTAMP").utcoffset() != timedelta(0):
            problems.append(f"{uid}: DTSTAMP not in UTC")
        if not event["DTSTAMP"].to_ical().endswith(b"Z"):
            problems.append(f"{uid}: DTSTAMP not written in UTC")
        for name in ("DTSTART", "DTEND"):
            tzid = event[name].params.get("TZID")
            if tzid is not None and tzid not in tzids:
                problems.append(f"{uid}: {name} TZID {tzid} has no VTIMEZONE")
        if not event.decoded("DTEND") > event.decoded("DTSTART"):
            problems.append(f"{uid}: DTEND not after DTSTART")
        if str(event.get("STATUS")) not in VALID_STATUSES:
            problems.append(f"{uid}: STATUS {event.get('STATUS')}")
        for forbidden in ("ORGANIZER", "ATTENDEE"):
            if forbidden in event:
                problems.append(f"{uid}: has {forbidden}")
        if event.walk("VALARM"):
            problems.append(f"{uid}: has VALARM")
    if len(uids) != len(set(uids)):
        problems.append("duplicate UIDs")
    return problems


def expand(data: bytes, start: datetime, end: datetime) -> list[Any]:
    """The events ``recurring-ical-events`` finds between start and end."""
    return recurring_ical_events.of(Calendar.from_ical(data)).between(start, end)


def icaljs(data: bytes) -> dict[str, Any]:
    """What Mozilla's ical.js (Thunderbird's parser) reads: see tests/js/parse_ics.mjs."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.skip("node or node_modules/ical.js missing: run `npm ci`")
    result = subprocess.run(
        [node, str(PARSE_ICS)], input=data, capture_output=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)
