"""Registry identity over the API (SPEC §9): registration checks the
identifier's shape and uniqueness (422 problem+json on the field, nothing
written), staff verify saying how (422 without it), the organisation shows
when its verification runs out, and a request after that is 422 with what to do."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.models import Booking, Organization, OrganizationVerification, utcnow
from booking.services import verification_records
from tests.support.api import assert_problem, at, iso
from tests.support.factories import make_organization

REGISTRATION = {
    "organization": {"name": "Yeşil Vakıf", "kind": "foundation", "email": "iletisim@yesil.org",
                     "registry_number": "Kütük No: 0812"},
    "user": {"name": "Ece Yeşil", "email": "ece@yesil.org", "password": "uzun bir parola"},
}


def _with_number(number: str) -> dict:
    return {**REGISTRATION, "organization": {**REGISTRATION["organization"],
                                             "registry_number": number}}


def test_registration_stores_the_normal_form(api, session):
    assert api.post("/organizations/register", json=REGISTRATION).status_code == 202
    assert session.scalar(select(Organization.registry_number)
                          .where(Organization.name == "Yeşil Vakıf")) == "812"
    session.rollback()


def test_a_malformed_or_taken_number_is_a_problem_on_its_field_and_nothing_is_written(
        api, session):
    body = assert_problem(api.post("/organizations/register", json=_with_number("VGM-on")), 422)
    [error] = body["errors"]
    assert error["field"] == "organization.registry_number"
    assert "yalnızca rakamlardan oluşmalı" in error["message"]
    english = assert_problem(api.post("/organizations/register", json=_with_number("VGM-on"),
                                      headers={"Accept-Language": "en"}), 422)
    assert "must consist of digits only" in english["errors"][0]["message"]
    make_organization(session, kind="foundation", registry_number="812")
    session.commit()
    taken = assert_problem(api.post("/organizations/register", json=REGISTRATION), 422)
    assert [e["field"] for e in taken["errors"]] == ["organization.registry_number"]
    assert session.scalar(select(func.count()).select_from(Organization)
                          .where(Organization.name == "Yeşil Vakıf")) == 0
    session.rollback()


def test_staff_verify_saying_how_and_see_until_when(api, scene, session):
    newcomer = make_organization(session, is_verified=False)
    session.commit()
    missing = assert_problem(api.post(f"/organizations/{newcomer.id}/verify", scene.staff,
                                      json={}), 422)
    assert missing["errors"][0]["field"] == "method"
    wrong = assert_problem(api.post(f"/organizations/{newcomer.id}/verify", scene.staff,
                                    json={"method": "legacy"}), 422)
    assert wrong["errors"][0]["field"] == "method"
    assert session.get(Organization, newcomer.id).is_verified is False
    session.rollback()
    response = api.post(f"/organizations/{newcomer.id}/verify", scene.staff,
                        json={"method": "registry_checked", "note": "MERSİS'te baktım"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["is_verified"] is True and body["verification_expires_at"] is not None
    [record] = session.scalars(select(OrganizationVerification))
    assert (record.verified_by_id, record.method.value, record.note) == (
        scene.staff.id, "registry_checked", "MERSİS'te baktım")
    assert record.expires_at - record.verified_at == timedelta(days=365)
    session.rollback()


def test_a_request_after_the_verification_ran_out_is_refused_with_what_to_do(api, scene,
                                                                             session):
    verification_records.verify(session, scene.staff, scene.org.id, method="document_seen",
                                note=None, now=utcnow() - timedelta(days=366))
    session.commit()
    start = at(3, 10)
    body = assert_problem(api.post("/bookings", scene.member, json={
        "room_id": scene.room.id, "title": "Gönüllü buluşması", "start": iso(start),
        "end": iso(start + timedelta(hours=2)), "expected_attendees": 20}), 422)
    [error] = body["errors"]
    assert error["field"] == "organization_id" and "doğrulamayı yeniletin" in error["message"]
    assert session.scalar(select(func.count()).select_from(Booking)) == 0
    session.rollback()
