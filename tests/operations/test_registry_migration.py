"""Migration 0017 on a database with organisations (both engines): numbers of
the right shape take the normal form, a malformed one stays as it was, two
organisations with one number cannot both keep it (the younger one's is
cleared and kept in the audit trail), and every verified organisation gets a
legacy verification that does not run out on the day of the upgrade."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from booking.extensions import db
from booking.migrate import alembic_config, current_revision

RECENT = datetime.now(UTC).replace(microsecond=0) - timedelta(days=100)
OLD = "2020-05-01 10:00:00"
ORGANIZATIONS = (
    # id, kind, registry number, verified, verified_at
    (1, "association", "34 038 123", True, OLD),
    (2, "association", "34038123", False, None),
    (3, "foundation", "eski kayıt", True, RECENT.strftime("%Y-%m-%d %H:%M:%S")),
    (4, "cooperative", "0123-4567-8901-2345", False, None),
    (5, "platform", None, False, None),
)


def _insert(connection) -> None:
    for org_id, kind, number, verified, verified_at in ORGANIZATIONS:
        connection.execute(text(
            "INSERT INTO organizations (id, name, kind, registry_number, email, is_verified, "
            "verified_at, created_at, updated_at) VALUES (:id, :name, :kind, :number, :email, "
            ":verified, :verified_at, '2020-01-01 00:00:00', '2020-01-01 00:00:00')"),
            {"id": org_id, "name": f"Kuruluş {org_id}", "kind": kind, "number": number,
             "email": f"k{org_id}@example.org", "verified": verified, "verified_at": verified_at})
    connection.execute(text(
        "INSERT INTO users (email, name, password_hash, role, organization_id, language, "
        "calendar_invitations, is_active, session_nonce, created_at) VALUES ('u@example.org', "
        "'Üye', 'x', 'member', 1, 'tr', true, true, 'n', '2020-01-01 00:00:00')"))


def test_0017_normalises_numbers_keeps_the_rest_and_records_legacy_verifications(app):
    with app.app_context():
        command.downgrade(alembic_config(), "0014")
        with db.engine.begin() as connection:
            _insert(connection)
        command.upgrade(alembic_config(), "0017")
        assert current_revision() == "0017"
        with db.engine.begin() as connection:
            numbers = dict(connection.execute(text(
                "SELECT id, registry_number FROM organizations ORDER BY id")).all())
            assert numbers == {1: "34-038-123", 2: None, 3: "eski kayıt",
                               4: "0123456789012345", 5: None}
            cleared = connection.execute(text(
                "SELECT entity_id, details FROM audit_entries "
                "WHERE action = 'registry_number_cleared'")).all()
            assert [row[0] for row in cleared] == [2]
            assert "34038123" in str(cleared[0][1])
            assert connection.scalar(text("SELECT count(*) FROM users")) == 1
            records = connection.execute(text(
                "SELECT organization_id, method, verified_by_id FROM organization_verifications "
                "ORDER BY organization_id")).all()
            assert [tuple(r) for r in records] == [(1, "legacy", None), (3, "legacy", None)]
        from booking.models import Organization

        old, recent = db.session.get(Organization, 1), db.session.get(Organization, 3)
        # Verified in 2020: not refused on the upgrade's day, reminded first.
        assert old.verification_expires_at >= datetime.now(UTC) + timedelta(days=29)
        assert recent.verification_expires_at == RECENT + timedelta(days=365)
        db.session.rollback()
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(
                "UPDATE organizations SET registry_number = '34-038-123' WHERE id = 2"))
        command.downgrade(alembic_config(), "0014")
        command.upgrade(alembic_config(), "head")
