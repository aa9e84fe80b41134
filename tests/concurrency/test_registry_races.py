"""Two registrations with the same registry number at once (SPEC §9): both
pass the service's read on PostgreSQL, the unique index refuses the second
write, and its registrant gets the field error the read gives, never a 500.
The number written three ways is one number."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import Organization, User
from booking.services import accounts
from booking.services.errors import RuleViolation
from tests.support.races import race

WRITERS = 3
SPELLINGS = ("34-038-123", "34 038 123", "34038123")


def _outcome(exc: Exception) -> str | None:
    if isinstance(exc, RuleViolation):
        return ",".join(sorted(e.field for e in exc.errors))
    return None


def _register(i: int) -> None:
    accounts.register_organization(
        db.session, org_name=f"Aynı Kütük Derneği {i}", kind="association",
        org_email=f"dernek{i}@example.org", user_name=f"Kurucu {i}",
        user_email=f"kurucu{i}@example.org", password="uzun-bir-parola-123",
        registry_number=SPELLINGS[i])


def test_one_registry_number_registered_twice_at_once_gives_one_success_and_field_errors(app):
    results = race(app, _register, WRITERS, _outcome)
    assert sorted(results) == ["ok"] + ["organization.registry_number"] * (WRITERS - 1), results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Organization).where(
            Organization.registry_number == "34-038-123")) == 1
        # Nothing half-written: one organisation, one first member.
        assert db.session.scalar(select(func.count()).select_from(Organization)) == 1
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
