"""Migration 0016 (representatives, SPEC §9) on both engines: every member an
existing database holds becomes a representative of their organisation (in
version 1 every member could do everything for it: nobody loses a power),
staff and admins keep the column's value unused, and a downgrade and a new
upgrade keep every row."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from booking.extensions import db
from booking.migrate import alembic_config

PATH = Path(__file__).parents[2] / "migrations" / "versions" / "0016_representatives.py"
spec = importlib.util.spec_from_file_location("representatives_migration", PATH)
assert spec and spec.loader
migration = importlib.util.module_from_spec(spec)
spec.loader.exec_module(migration)
STAMP = "'2030-01-01 00:00:00'"


def _user(connection, user_id: int, role: str, organization_id: str) -> None:
    connection.execute(text(
        "INSERT INTO users (id, email, name, password_hash, role, organization_id, language,"
        " calendar_invitations, is_active, session_nonce, created_at)"
        f" VALUES ({user_id}, 'u{user_id}@example.org', 'Kişi {user_id}', 'x', '{role}',"
        f" {organization_id}, 'tr', true, true, 'n{user_id}', {STAMP})"))


def test_every_existing_member_becomes_a_representative_and_nothing_is_lost(app) -> None:
    with app.app_context():
        command.downgrade(alembic_config(), migration.down_revision)
        with db.engine.begin() as connection:
            for org_id in (1, 2):
                connection.execute(text(
                    "INSERT INTO organizations (id, name, kind, email, is_verified, created_at,"
                    f" updated_at) VALUES ({org_id}, 'Dernek {org_id}', 'association',"
                    f" 'd{org_id}@example.org', true, {STAMP}, {STAMP})"))
            for user_id, role, org in ((1, "member", "1"), (2, "member", "1"),
                                       (3, "member", "2"), (4, "staff", "NULL")):
                _user(connection, user_id, role, org)
        command.upgrade(alembic_config(), "head")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, organization_role FROM users ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [(1, "representative"), (2, "representative"),
                                                (3, "representative"), (4, "representative")]
            assert connection.scalar(text("SELECT count(*) FROM invitations")) == 0
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("UPDATE users SET organization_role = 'boss' WHERE id = 1"))
        command.downgrade(alembic_config(), migration.down_revision)
        with db.engine.connect() as connection:
            assert connection.scalar(text("SELECT count(*) FROM users")) == 4
        command.upgrade(alembic_config(), "head")
        with db.engine.connect() as connection:
            assert connection.scalar(text(
                "SELECT count(*) FROM users WHERE organization_role = 'representative'")) == 4
