"""Migration 0013 (room details): a floor's Turkish text becomes a level, and
what cannot be read is kept in the room's description."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from booking.extensions import db
from booking.migrate import alembic_config

PATH = Path(__file__).parents[2] / "migrations" / "versions" / "0013_room_details.py"
spec = importlib.util.spec_from_file_location("room_details_migration", PATH)
assert spec and spec.loader
migration = importlib.util.module_from_spec(spec)
spec.loader.exec_module(migration)


@pytest.mark.parametrize(("words", "level"), [
    ("Zemin kat", 0), ("ZEMİN KAT", 0), ("Zemin", 0), ("Giriş katı", 0), ("giriş", 0),
    ("1. kat", 1), ("1.kat", 1), ("1 kat", 1), ("Kat 1", 1), ("Kat: 3", 3), ("+1", 1), ("2", 2),
    ("Birinci kat", 1), ("ÜÇÜNCÜ KAT", 3), ("Bodrum", -1), ("Bodrum kat", -1),
    ("Bodrum kat (-1)", -1), ("2. bodrum", -2), ("Bodrum 2", -2), ("-1", -1), (" 4. Kat ", 4),
])
def test_the_floor_texts_people_wrote_become_levels(words: str, level: int) -> None:
    assert migration.parse_floor(words) == level


@pytest.mark.parametrize("words", ["Asma kat", "Çatı katı", "B blok", "999. kat", "", None])
def test_floor_texts_that_name_no_level_become_null(words: str | None) -> None:
    assert migration.parse_floor(words) is None


def test_upgrading_moves_floors_and_keeps_unreadable_text_in_the_description(app) -> None:
    with app.app_context():
        command.downgrade(alembic_config(), migration.down_revision)
        with db.engine.begin() as connection:
            connection.execute(text("INSERT INTO centers (id, name, timezone, is_active, created_at,"
                                    " updated_at) VALUES (1, 'M', 'Europe/Istanbul', true,"
                                    " '2030-01-01 00:00:00', '2030-01-01 00:00:00')"))
            for room_id, floor, description in ((1, "1. kat", None), (2, "Asma kat", "Işıklı"),
                                                 (3, "Çatı", None), (4, None, None)):
                connection.execute(text(
                    "INSERT INTO rooms (id, center_id, name, floor, description, capacity,"
                    " requires_approval, buffer_minutes, opening_time, closing_time,"
                    " min_duration_minutes, max_duration_minutes, max_advance_days, is_active,"
                    " created_at, updated_at) VALUES (:id, 1, :name, :floor, :description, 10,"
                    " true, 0, '08:00:00', '22:00:00', 30, 480, 180, true,"
                    " '2030-01-01 00:00:00', '2030-01-01 00:00:00')"),
                    {"id": room_id, "name": f"Oda {room_id}", "floor": floor,
                     "description": description})
        command.upgrade(alembic_config(), "head")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, floor_level, description FROM rooms ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, 1, None), (2, None, "Işıklı\n\nKat: Asma kat"),
                                            (3, None, "Kat: Çatı"), (4, None, None)]
        command.downgrade(alembic_config(), migration.down_revision)
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT floor FROM rooms WHERE id = 1")).scalar() \
                == "1. kat"
        command.upgrade(alembic_config(), "head")
