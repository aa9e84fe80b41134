"""Geometry for the report's bar charts, drawn as inline SVG by the templates.

No JavaScript and no external service: the server computes each bar's
position, the template draws ``<rect>`` elements, and every chart is followed
by a table with the same numbers (its text alternative). Programs are hatched
as well as coloured, so the two series never differ by colour alone.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    meetings: int
    programs: int
    # Offsets and lengths along the value axis, in SVG units.
    meetings_length: float
    programs_length: float
    position: float

    @property
    def total(self) -> int:
        return self.meetings + self.programs


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    width: int
    height: int
    # Where the bars start (room for the labels of a horizontal chart).
    origin: int
    band: int
    maximum: int


def _scale(maximum: int, length: float) -> float:
    return length / maximum if maximum else 0.0


def horizontal(rows: list[tuple[str, int, int]], width: int = 640, label_width: int = 230,
               band: int = 26) -> Chart:
    """One stacked bar per row (meetings then programs), longest total = full width."""
    maximum = max((m + p for _, m, p in rows), default=0)
    usable = width - label_width - 70  # room for the total printed after the bar
    unit = _scale(maximum, usable)
    bars = [
        Bar(label, m, p, m * unit, p * unit, index * band)
        for index, (label, m, p) in enumerate(rows)
    ]
    return Chart(bars, width, band * len(rows) + 4, label_width, band, maximum)


def vertical(rows: list[tuple[str, int, int]], height: int = 220, band: int = 52,
             top: int = 24) -> Chart:
    """One stacked column per row (e.g. the 12 months), tallest total = full height."""
    maximum = max((m + p for _, m, p in rows), default=0)
    unit = _scale(maximum, height - top)
    bars = [
        Bar(label, m, p, m * unit, p * unit, index * band)
        for index, (label, m, p) in enumerate(rows)
    ]
    return Chart(bars, band * len(rows), height + 40, height, band, maximum)
