"""Turkish-aware text helpers: case folding, sorting and searching names.

Python's ``str.lower`` maps "I" to "i" and ``sorted`` orders by code point, so
"İzmir" sorts after "Zonguldak" and "ISPARTA" does not match "ısparta". These
helpers follow the Turkish alphabet: a b c ç d e f g ğ h ı i j k l m n o ö p r
s ş t u ü v y z.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"
_ORDER = {letter: index for index, letter in enumerate(ALPHABET)}
# Letters outside the Turkish alphabet (q, w, x, digits, accents) sort after it,
# by code point; digits and spaces before letters keep "Salon 2" < "Salon 10"
# at least for equal lengths.
_OFFSET = len(ALPHABET) + 1


def turkish_casefold(text: str) -> str:
    """Lower-case with the Turkish dotted/dotless i rules: I→ı, İ→i."""
    return (text or "").replace("I", "ı").replace("İ", "i").lower()


def turkish_sort_key(text: str) -> tuple[int, ...]:
    """A key that orders strings as a Turkish reader expects (case-insensitive)."""
    key = []
    for char in turkish_casefold(text):
        if char in _ORDER:
            key.append(_ORDER[char] + 1)
        elif char.isspace():
            key.append(0)
        else:
            key.append(_OFFSET + ord(char))
    return tuple(key)


def turkish_sorted(items: Iterable[T], key: Callable[[T], str]) -> list[T]:
    """``items`` sorted by the Turkish order of ``key(item)``."""
    return sorted(items, key=lambda item: turkish_sort_key(key(item)))


def matches(query: str, *texts: str | None) -> bool:
    """True when every word of ``query`` occurs in one of ``texts`` (Turkish case-insensitive)."""
    words = turkish_casefold(query).split()
    haystack = " ".join(turkish_casefold(t or "") for t in texts)
    return all(word in haystack for word in words)


def one_line(text: str | None) -> str:
    """A single-line value (a name, a title) as people mean it: line breaks,
    tabs and runs of spaces become one space, none at either end. A line break
    sent in a name would otherwise break every e-mail header it is put in."""
    return " ".join((text or "").split())
