"""Recurring series: RFC 5545 RRULE semantics via ``dateutil.rrule``.

Occurrences are expanded on the center's *local wall clock*, so a weekly
18:00 meeting stays at 18:00 across daylight-saving changes, then converted
to UTC for storage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil import rrule
from flask_babel import lazy_gettext as _l

from booking.services.errors import FieldError, RuleViolation

MAX_OCCURRENCES = 200
MAX_SPAN_DAYS = 2 * 366
# Literal: dateutil types a frequency as one of the values YEARLY … SECONDLY.
FREQUENCIES: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "daily": rrule.DAILY, "weekly": rrule.WEEKLY, "monthly": rrule.MONTHLY,
}
WEEKDAYS = {
    "MO": rrule.MO, "TU": rrule.TU, "WE": rrule.WE, "TH": rrule.TH,
    "FR": rrule.FR, "SA": rrule.SA, "SU": rrule.SU,
}
# "MO", or with an ordinal for monthly rules: "1MO" (first Monday), "-1FR" (last Friday).
_WEEKDAY_RE = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")


@dataclass
class Recurrence:
    """How a series repeats: ``freq`` daily/weekly/monthly, an ``interval``,
    and either ``count`` occurrences or an ``until`` date (inclusive)."""

    freq: str
    interval: int = 1
    count: int | None = None
    until: date | None = None
    byweekday: list[str] = field(default_factory=list)

    def validate(self) -> None:
        errors: list[FieldError] = []
        if self.freq not in FREQUENCIES:
            errors.append(FieldError(
                "recurrence.freq", _l("Tekrar sıklığı daily, weekly ya da monthly olmalı.")
            ))
        if not isinstance(self.interval, int) or not 1 <= self.interval <= 52:
            errors.append(FieldError("recurrence.interval", _l("Aralık 1 ile 52 arasında olmalı.")))
        if (self.count is None) == (self.until is None):
            errors.append(FieldError(
                "recurrence", _l("Tekrar sayısı ya da bitiş tarihinden yalnızca biri verilmeli.")
            ))
        if self.count is not None and not 1 <= self.count <= MAX_OCCURRENCES:
            errors.append(FieldError(
                "recurrence.count",
                _l("Tekrar sayısı 1 ile %(n)d arasında olmalı.", n=MAX_OCCURRENCES),
            ))
        for day in self.byweekday:
            match = _WEEKDAY_RE.match(str(day).upper())
            if not match:
                errors.append(FieldError("recurrence.byweekday", _l("Geçersiz gün: %(day)s", day=day)))
            elif match.group(1) and self.freq != "monthly":
                errors.append(FieldError(
                    "recurrence.byweekday", _l("Sıralı günler (ör. -1FR) yalnızca aylık tekrarda kullanılır.")
                ))
        if self.byweekday and self.freq == "daily":
            errors.append(FieldError("recurrence.byweekday", _l("Günlük tekrarda gün seçilmez.")))
        if errors:
            raise RuleViolation(errors)

    def _weekdays(self) -> list[rrule.weekday] | None:
        if not self.byweekday:
            return None
        days = []
        for day in self.byweekday:
            match = _WEEKDAY_RE.match(str(day).upper())
            assert match is not None
            ordinal, code = match.groups()
            days.append(WEEKDAYS[code](int(ordinal)) if ordinal else WEEKDAYS[code])
        return days

    def rule(self, local_start: datetime) -> rrule.rrule:
        """The dateutil rule anchored at a naive local start."""
        until = None
        if self.until is not None:
            until = datetime.combine(self.until, time(23, 59, 59))
        return rrule.rrule(
            FREQUENCIES[self.freq],
            dtstart=local_start,
            interval=self.interval,
            count=self.count,
            until=until,
            byweekday=self._weekdays(),
        )

    def as_rrule_text(self, local_start: datetime) -> str:
        """The RFC 5545 RRULE value (without the DTSTART line)."""
        text = str(self.rule(local_start))
        return next(line for line in text.splitlines() if line.startswith("RRULE:"))[6:]


def expand(
    recurrence: Recurrence, start: datetime, end: datetime, tz: ZoneInfo
) -> list[tuple[datetime, datetime]]:
    """Occurrences (UTC start, UTC end) keeping the first one's local wall-clock times."""
    recurrence.validate()
    local_start = start.astimezone(tz).replace(tzinfo=None)
    local_end = end.astimezone(tz).replace(tzinfo=None)
    duration = local_end - local_start
    limit = local_start + timedelta(days=MAX_SPAN_DAYS)
    occurrences: list[tuple[datetime, datetime]] = []
    for occurrence in recurrence.rule(local_start):
        if occurrence > limit:
            raise RuleViolation.single(
                "recurrence.until", _l("Bir seri en fazla iki yıl sürebilir.")
            )
        if len(occurrences) >= MAX_OCCURRENCES:
            raise RuleViolation.single(
                "recurrence", _l("Bir seri en fazla %(n)d tekrar içerebilir.", n=MAX_OCCURRENCES)
            )
        occurrences.append((
            occurrence.replace(tzinfo=tz).astimezone(UTC),
            (occurrence + duration).replace(tzinfo=tz).astimezone(UTC),
        ))
    if not occurrences:
        raise RuleViolation.single("recurrence", _l("Bu tekrar kuralı hiç tarih üretmiyor."))
    return occurrences
