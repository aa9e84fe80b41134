"""CSV files of the yearly report, made to open correctly in spreadsheet programs.

Why this dialect: Excel with Turkish regional settings uses the comma as the
decimal separator and therefore the *semicolon* as its list separator, so a
double-clicked ``.csv`` is split into columns only when fields are separated
by ``;``. Excel reads a file as UTF-8 only when it starts with a byte order
mark; without it "Çocuk" or "Şişli" turn into mojibake. LibreOffice and
Google Sheets accept both. So: UTF-8 with BOM, ``;`` separators, CRLF line
ends, numbers without thousands separators, local times as ``YYYY-MM-DD HH:MM``
(which spreadsheets recognise as date and time).

Cells starting with ``= + - @`` are prefixed with an apostrophe so a booking
title can never run as a formula (CSV injection).
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from flask_babel import format_decimal, pgettext
from flask_babel import gettext as _

from booking.i18n.labels import CATEGORY_LABELS, KIND_LABELS, STATUS_LABELS, label
from booking.models import Booking
from booking.services.reports import Summary

BOM = "\ufeff"
DELIMITER = ";"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    """Each row as one CSV line; the first line starts with the BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n")
    first = True
    for row in rows:
        writer.writerow([_safe(cell) for cell in row])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield (BOM + text) if first else text
        first = False


def summary_rows(report: Summary, month_names: list[str]) -> Iterator[list[Any]]:
    """The summary as one table: section, name, meetings, programs, attendees."""
    yield [_("Bölüm"), _("Ad"), pgettext("sayı", "Toplantı"), pgettext("sayı", "Program"),
           pgettext("sayı", "Katılımcı")]
    yield [_("Toplam"), str(report["year"]), report["meetings"], report["programs"],
           report["attendees"]]
    for month in report["by_month"]:
        yield [_("Ay"), month_names[month["month"] - 1], month["meetings"], month["programs"],
               month["attendees"]]
    for center in report["by_center"]:
        yield [_("Merkez"), center["name"], center["meetings"], center["programs"],
               center["attendees"]]
    for category in report["by_category"]:
        yield [_("Kategori"), label(CATEGORY_LABELS, category["category"]), category["meetings"],
               category["programs"], category["attendees"]]
    yield [_("Genel kurul toplantısı"), "", "", "", report["general_assemblies"]]
    yield [_("Beklenen katılımcı"), "", "", "", report["expected_attendees"]]
    yield [_("Katılımı kaydedilen etkinlik"), "", "", "", report["attendance_recorded"]]
    yield [_("Gelinmeyen rezervasyon"), "", "", "", report["no_shows"]]
    rate = report["no_show_rate"]
    yield [_("Gelinmeme oranı (%)"), "", "", "", "" if rate is None else _number(rate * 100)]
    # The rooms' occupancy in the same five columns, under its own heading row.
    yield [_("Doluluk"), _("Salon (merkez)"), _("Rezerve saat"), _("Açık saat"),
           _("Doluluk (%)")]
    for room in report["occupancy"]:
        share = room["occupancy"]
        yield [_("Salon"), f"{room['name']} ({room['center_name']})",
               _number(room["booked_hours"]), _number(room["open_hours"]),
               "" if share is None else _number(share * 100)]


def _number(value: float) -> str:
    """A decimal with the locale's separator and no grouping ("12,5" in Turkish)."""
    return format_decimal(round(value, 1), format="0.#")


def summary_csv(report: Summary, month_names: list[str]) -> str:
    """The whole summary CSV as text (it has a few dozen lines)."""
    return "".join(_lines(summary_rows(report, month_names)))


def booking_rows(bookings: Iterable[Booking]) -> Iterator[list[Any]]:
    """One row per booking, times in its center's zone."""
    yield [
        _("No"), _("Merkez"), _("Salon"), _("Kuruluş"), _("Başlık"), _("Tür"), _("Kategori"),
        _("Durum"), _("Başlangıç"), _("Bitiş"), _("Beklenen katılımcı"),
        _("Gerçekleşen katılımcı"), _("Tekrarlayan dizi"),
    ]
    for booking in bookings:
        center = booking.room.center
        tz = center.tz
        yield [
            booking.id,
            center.name,
            booking.room.name,
            booking.organization.name if booking.organization else _("Belediye (iç kullanım)"),
            booking.title,
            label(KIND_LABELS, booking.kind),
            label(CATEGORY_LABELS, booking.category),
            label(STATUS_LABELS, booking.status),
            booking.start_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            booking.end_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            booking.expected_attendees,
            "" if booking.actual_attendees is None else booking.actual_attendees,
            booking.series_id or "",
        ]


def bookings_csv(bookings: Iterable[Booking]) -> Iterator[str]:
    """The bookings CSV as a stream of lines (thousands of rows)."""
    return _lines(booking_rows(bookings))
