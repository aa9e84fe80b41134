"""The catalogues: every message in the code and templates has an English
translation, placeholders survive translation, and the compiled .mo is current."""
from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.support.paths import ROOT

TRANSLATIONS = ROOT / "booking" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
METHOD_MAP = [("booking/**.py", "python"), ("templates/**.html", "jinja2"),
              ("templates/**.txt", "jinja2")]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle)


def _source_messages() -> set[str]:
    found = set()
    options = {"**.html": {"extensions": "jinja2.ext.do"}, "**.txt": {"extensions": "jinja2.ext.do"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map=METHOD_MAP, keywords=KEYWORDS, options_map=options):
        found.add(message[0] if isinstance(message, tuple) else message)
    return {m for m in found if m}


def test_every_english_message_is_translated() -> None:
    untranslated = [m.id for m in _catalog("en")
                    if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not untranslated, untranslated[:20]


def test_every_message_in_the_code_is_in_the_catalogue() -> None:
    catalogued = {m.id[0] if isinstance(m.id, tuple) else m.id for m in _catalog("en") if m.id}
    missing = sorted(_source_messages() - catalogued)
    assert not missing, f"run `make translations` and translate: {missing[:20]}"


@pytest.mark.parametrize("language", ["en", "tr"])
def test_translations_keep_the_placeholders(language: str) -> None:
    for message in _catalog(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= wanted | set(PLACEHOLDER.findall(ids[0])), \
                (message.id, string)


def test_compiled_catalogues_are_not_older_than_their_sources() -> None:
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        assert mo.exists(), f"{mo} is missing: run `make install`"
        assert mo.stat().st_mtime >= po.stat().st_mtime, f"{mo} is stale: run `make install`"
