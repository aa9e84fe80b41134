"""The one floor formatter, in both languages ("Floor: 1. kat" on English pages was a bug)."""
from __future__ import annotations

import pytest
from flask_babel import force_locale

from booking.i18n.floors import floor_label


@pytest.mark.parametrize(("level", "turkish", "english"), [
    (0, "Zemin kat", "Ground floor"), (1, "1. kat", "1st floor"), (2, "2. kat", "2nd floor"),
    (3, "3. kat", "3rd floor"), (11, "11. kat", "11th floor"), (22, "22. kat", "22nd floor"),
    (-1, "Bodrum kat (-1)", "Basement (-1)"), (-2, "Bodrum kat (-2)", "Basement (-2)"),
])
def test_a_level_reads_as_a_floor_in_each_language(app, level, turkish, english):
    with app.test_request_context():
        with force_locale("tr"):
            assert floor_label(level) == turkish
        with force_locale("en"):
            assert floor_label(level) == english
        assert floor_label(None) == ""
