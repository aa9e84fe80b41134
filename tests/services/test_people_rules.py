"""Rules for people and organisations kept by the account services, whatever
the page, API call or command that asks."""
from __future__ import annotations

import pytest

from booking.models import Role, utcnow
from booking.services import accounts, users
from booking.services.errors import RuleViolation
from tests.support.factories import PASSWORD, make_user


def _fields(exc: RuleViolation) -> set[str]:
    return {error.field for error in exc.errors}


def test_a_staff_member_must_belong_to_a_center(session, scene):
    with pytest.raises(RuleViolation) as caught:
        accounts.create_user(session, scene.admin, email="yeni@example.org", name="Yeni Görevli",
                             password=PASSWORD, role="staff", center_ids=[])
    assert _fields(caught.value) == {"center_ids"}
    created = accounts.create_user(session, scene.admin, email="yeni@example.org",
                                   name="Yeni Görevli", password=PASSWORD, role="staff",
                                   center_ids=[scene.center.id])
    assert created.role == Role.STAFF and set(created.center_ids) == {scene.center.id}


def test_making_someone_staff_without_a_center_is_refused(session, scene):
    make_user(session, organization=scene.org)  # the organisation keeps a representative
    session.commit()
    with pytest.raises(RuleViolation) as caught:
        users.update_user(session, scene.admin, scene.member.id, role="staff",
                          organization_id=None, center_ids=[], is_active=True, now=utcnow())
    assert _fields(caught.value) == {"center_ids"}
    session.rollback()
    changed = users.update_user(session, scene.admin, scene.member.id, role="admin",
                                organization_id=None, center_ids=[], is_active=True, now=utcnow())
    assert changed.role == Role.ADMIN  # admins manage every center without a list


def test_organisation_names_are_stored_with_tidy_spaces(session):
    registration = accounts.register_organization(
        session, org_name="  Deniz   Feneri  Derneği ", kind="association",
        org_email="iletisim@deniz.example.org", user_name="Deniz Kaya",
        user_email="deniz@deniz.example.org", password=PASSWORD)
    assert registration.organization.name == "Deniz Feneri Derneği"
    with pytest.raises(RuleViolation) as caught:
        accounts.register_organization(
            session, org_name="DENİZ FENERİ DERNEĞİ", kind="association",
            org_email="baska@deniz.example.org", user_name="Başka Biri",
            user_email="baska@deniz.example.org", password=PASSWORD)
    assert _fields(caught.value) == {"organization.name"}
