"""A room's floor in words: the one formatter of ``Room.floor_level``.

The level is an integer: 0 the ground floor (zemin kat), 1 the first floor,
-1 the first basement (bodrum kat). Turkish: "Zemin kat", "1. kat",
"Bodrum kat (-1)"; English: "Ground floor", "1st floor", "Basement (-1)".
"""
from __future__ import annotations

from flask_babel import get_locale, gettext

MIN_LEVEL = -10
MAX_LEVEL = 200


def _english_ordinal(number: int) -> str:
    teens = 10 <= number % 100 <= 20
    suffix = "th" if teens else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal(number: int, language: str) -> str:
    """"1." in Turkish, "1st" in English."""
    return _english_ordinal(number) if language == "en" else f"{number}."


def floor_label(level: int | None) -> str:
    """The floor in the reader's language; "" for a room whose floor is not known."""
    if level is None:
        return ""
    if level == 0:
        return gettext("Zemin kat")
    if level < 0:
        return gettext("Bodrum kat (%(level)d)", level=level)
    locale = get_locale()
    language = locale.language if locale is not None else "tr"
    return gettext("%(ordinal)s kat", ordinal=ordinal(level, language))
