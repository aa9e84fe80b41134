"""Registry identity (SPEC §9): each kind's identifier has its shape, is
stored in one normal form and is unique per kind; a malformed or taken
number is a field error naming the expected shape, and nothing is written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from booking.i18n import force_language
from booking.models import Organization, OrganizationKind, Role, utcnow
from booking.services import accounts, registry, users
from booking.services.errors import RuleViolation
from tests.support.factories import make_organization, make_user

A, F, C = OrganizationKind.ASSOCIATION, OrganizationKind.FOUNDATION, OrganizationKind.COOPERATIVE


@pytest.mark.parametrize(("kind", "typed", "stored"), [
    (A, "34-038-123", "34-038-123"),
    (A, " 34 038 123 ", "34-038-123"),
    (A, "34/38/123", "34-038-123"),
    (A, "34038123", "34-038-123"),
    (A, "6-1-7", "06-001-007"),
    (A, "35.596.829", "35-596-829"),
    (F, "4521", "4521"),
    (F, "Kütük No: 04521", "4521"),
    (F, "sicil no. 12 345", "12345"),
    (C, "0123 4567 8901 2345", "0123456789012345"),
    (C, "0123-4567-8901-2345", "0123456789012345"),
    (OrganizationKind.PLATFORM, "  Platform  kaydı 7 ", "Platform kaydı 7"),
])
def test_a_well_formed_identifier_is_stored_in_its_normal_form(kind, typed, stored) -> None:
    assert registry.normalise(kind, typed) == stored


@pytest.mark.parametrize(("kind", "typed"), [
    (A, "82-001-001"),  # there are 81 provinces
    (A, "00-001-001"),
    (A, "34-000-123"),
    (A, "34-038"),
    (A, "34-038-12a"),
    (A, "٣٤-٠٣٨-١٢٣"),  # Arabic-Indic digits are not the registry's
    (F, "YV-abc"),
    (F, "0"),
    (C, "0123 4567 8901 234"),  # 15 digits
    (C, "0123 4567 8901 23456"),
    (C, "0123456789O12345"),
    (OrganizationKind.OTHER, "x" * 65),
])
def test_a_malformed_identifier_has_no_normal_form(kind, typed) -> None:
    assert registry.normalise(kind, typed) is None


def _register(session: Session, number: str | None, kind: str = "association",
              name: str = "Deniz Feneri Derneği", email: str = "kurucu@example.org"):
    return accounts.register_organization(
        session, org_name=name, kind=kind, org_email="dernek@example.org", user_name="Ayşe Kurucu",
        user_email=email, password="uzun-bir-parola-123", registry_number=number, now=utcnow())


def test_registration_stores_the_normal_form(session: Session) -> None:
    registration = _register(session, " 34 038 123 ")
    assert registration.organization.registry_number == "34-038-123"


@pytest.mark.parametrize(("kind", "typed", "turkish", "english"), [
    ("association", "34-38", "DERBİS kütük numarası 34-038-123 biçiminde olmalı",
     "DERBİS register number must look like 34-038-123"),
    ("foundation", "VGM-on-iki", "VGM vakıf kayıt numarası yalnızca rakamlardan oluşmalı",
     "VGM foundation registration number must consist of digits only"),
    ("cooperative", "1234", "MERSİS numarası 16 haneli olmalı",
     "MERSİS number must have 16 digits"),
])
def test_a_malformed_number_is_a_field_error_naming_the_shape_and_nothing_is_written(
        session: Session, kind: str, typed: str, turkish: str, english: str) -> None:
    with pytest.raises(RuleViolation) as caught:
        _register(session, typed, kind=kind)
    [error] = caught.value.errors
    assert error.field == "organization.registry_number"
    assert turkish in str(error.message)
    with force_language("en"):
        assert english in str(error.message)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Organization)) == 0


def test_the_same_number_written_differently_is_taken_within_its_kind(session: Session) -> None:
    make_organization(session, kind=A, registry_number="34-038-123")
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        _register(session, "34038123")
    assert [(e.field, str(e.message)) for e in caught.value.errors] == [
        ("organization.registry_number", "Bu kayıt numarasıyla kayıtlı bir kuruluş var.")]
    session.rollback()
    # The same digits as another kind's identifier are that kind's business.
    other = _register(session, "34038123", kind="platform", name="Kent Platformu")
    assert other.organization.registry_number == "34038123"


def test_the_database_refuses_a_second_organisation_with_the_number(session: Session) -> None:
    make_organization(session, kind=F, registry_number="4521")
    session.commit()
    session.add(Organization(name="İkinci Vakıf", kind=F, email="v@example.org",
                             registry_number="4521"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    # Organisations without a number do not meet.
    make_organization(session, kind=F, registry_number=None)
    make_organization(session, kind=F, registry_number=None)
    session.commit()


def test_an_admin_fixes_a_malformed_number_and_keeps_an_unchanged_old_one(
        session: Session) -> None:
    admin = make_user(session, Role.ADMIN)
    legacy = make_organization(session, kind=A, registry_number="eski kayıt 12")
    session.commit()

    def save(number: str | None, email: str = "yeni@example.org") -> Organization:
        return users.update_organization(session, admin, legacy.id, name=legacy.name,
                                         kind="association", email=email, phone=None,
                                         registry_number=number, now=utcnow())

    # The old, malformed number may stay while the e-mail is corrected…
    assert save("eski kayıt 12").email == "yeni@example.org"
    assert registry.missing_or_malformed(legacy)
    session.commit()
    # …but a number typed anew must have the shape, and nothing else is saved with it.
    with pytest.raises(RuleViolation) as caught:
        save("12", email="baska@example.org")
    assert [e.field for e in caught.value.errors] == ["registry_number"]
    session.rollback()
    assert session.get(Organization, legacy.id).email == "yeni@example.org"
    assert save("35 596 829").registry_number == "35-596-829"
    assert not registry.missing_or_malformed(legacy)
    session.commit()


def test_an_admin_cannot_give_an_organisation_another_ones_number(session: Session) -> None:
    admin = make_user(session, Role.ADMIN)
    make_organization(session, kind=C, registry_number="0123456789012345")
    second = make_organization(session, kind=C)
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        users.update_organization(session, admin, second.id, name=second.name,
                                  kind="cooperative", email=second.email, phone=None,
                                  registry_number="0123 4567 8901 2345", now=utcnow())
    assert [e.field for e in caught.value.errors] == ["registry_number"]
    session.rollback()
