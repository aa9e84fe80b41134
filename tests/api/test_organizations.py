"""Organisations (register, verify, list, read) and users."""
from __future__ import annotations

from sqlalchemy import func, select

from booking.models import Organization, Role, User
from tests.support.api import assert_problem
from tests.support.factories import make_organization

REGISTRATION = {
    "organization": {"name": "Kadın Emeği Kooperatifi", "kind": "cooperative",
                     "email": "iletisim@kooperatif.org", "phone": "0212 555 00 00"},
    "user": {"name": "Elif Şahin", "email": "Elif@Kooperatif.org", "password": "uzun bir parola"},
}


def test_registering_creates_an_unverified_organisation_and_its_first_member(api, scene, session):
    response = api.post("/organizations/register", json=REGISTRATION)
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "confirmation_sent" and "e-posta gönderdik" in body["detail"]
    user = session.scalar(select(User).where(User.email == "elif@kooperatif.org"))
    assert (user.role, user.email_confirmed_at) == (Role.MEMBER, None)
    assert user.organization.name == "Kadın Emeği Kooperatifi"
    assert user.organization.is_verified is False
    assert user.organization.kind.value == "cooperative"
    session.rollback()
    # Not confirmed yet: no token.
    assert api.post("/auth/tokens", json={"email": "elif@kooperatif.org",
                                          "password": "uzun bir parola"}).status_code == 403


def test_registering_a_taken_address_answers_the_same_and_creates_nothing(api, scene, session):
    taken = api.post("/organizations/register", json={
        **REGISTRATION, "user": {**REGISTRATION["user"], "email": scene.member.email}})
    assert taken.status_code == 202
    assert taken.get_json() == api.post("/organizations/register", json=REGISTRATION).get_json()
    assert session.scalar(select(func.count()).select_from(Organization).where(
        Organization.name == "Kadın Emeği Kooperatifi")) == 1
    session.rollback()


def test_registration_errors_are_422_with_dotted_fields(api, scene):
    body = assert_problem(api.post("/organizations/register", json={
        "organization": {"name": scene.org.name, "kind": "association", "email": "a@b.org"},
        "user": {"name": "X", "email": scene.member.email, "password": "long-enough"}}), 422)
    fields = {e["field"] for e in body["errors"]}
    # A taken address is not told (its owner is mailed instead): only the name is.
    assert fields == {"organization.name"}
    # The document's minLength: refused with the other schema errors, before any rule.
    short = assert_problem(api.post("/organizations/register", json={
        **REGISTRATION, "user": {**REGISTRATION["user"], "password": "short"}}), 422)
    assert [e["field"] for e in short["errors"]] == ["user.password"]
    kind = assert_problem(api.post("/organizations/register", json={
        **REGISTRATION, "organization": {**REGISTRATION["organization"], "kind": "club"}}), 422)
    assert kind["errors"][0]["field"] == "organization.kind"


HOW = {"method": "document_seen"}


def test_staff_verify_an_organisation_and_its_members_may_then_book(api, scene, session):
    newcomer = make_organization(session, is_verified=False)
    session.commit()
    response = api.post(f"/organizations/{newcomer.id}/verify", scene.staff, json=HOW)
    assert response.status_code == 200
    body = response.get_json()
    assert body["is_verified"] is True and body["verified_at"] is not None
    assert session.get(Organization, newcomer.id).is_verified is True
    session.rollback()
    assert api.post(f"/organizations/{newcomer.id}/verify", scene.admin,
                    json=HOW).status_code == 200


def test_who_may_verify(api, scene, session):
    newcomer = make_organization(session, is_verified=False)
    session.commit()
    assert_problem(api.post(f"/organizations/{newcomer.id}/verify", json=HOW), 401)
    assert_problem(api.post(f"/organizations/{newcomer.id}/verify", scene.member, json=HOW), 404)
    assert_problem(api.post(f"/organizations/{scene.org.id}/verify", scene.member, json=HOW), 403)
    assert_problem(api.post("/organizations/424242/verify", scene.staff, json=HOW), 404)
    assert session.get(Organization, newcomer.id).is_verified is False
    session.rollback()


def test_listing_organisations_staff_all_members_their_own(api, scene, session):
    make_organization(session, name="Beklemede Derneği", is_verified=False)
    session.commit()
    everyone = api.get("/organizations", scene.staff).get_json()
    assert everyone["total"] == 3 and {o["name"] for o in everyone["items"]} >= {scene.org.name}
    pending = api.get("/organizations?verified=false", scene.admin).get_json()
    assert [o["name"] for o in pending["items"]] == ["Beklemede Derneği"]
    own = api.get("/organizations", scene.member).get_json()
    assert [o["id"] for o in own["items"]] == [scene.org.id] and own["total"] == 1
    assert_problem(api.get("/organizations"), 401)
    paged = api.get("/organizations?per_page=1&page=3", scene.admin).get_json()
    assert (paged["page"], paged["per_page"], paged["total"], len(paged["items"])) == (3, 1, 3, 1)


def test_reading_an_organisation(api, scene):
    assert api.get(f"/organizations/{scene.org.id}", scene.member).get_json()["id"] == scene.org.id
    assert api.get(f"/organizations/{scene.other_org.id}", scene.staff).status_code == 200
    assert_problem(api.get(f"/organizations/{scene.other_org.id}", scene.member), 404)
    assert_problem(api.get(f"/organizations/{scene.org.id}"), 401)


# --- users -------------------------------------------------------------------


def test_admins_create_users_of_each_role(api, scene, session):
    staff = api.post("/users", scene.admin, json={
        "email": "Yeni.Gorevli@belediye.gov.tr", "name": "Yeni Görevli", "password": "uzun parola",
        "role": "staff", "center_ids": [scene.center.id]})
    assert staff.status_code == 201
    body = staff.get_json()
    assert (body["role"], body["center_ids"], body["email"]) == \
        ("staff", [scene.center.id], "yeni.gorevli@belediye.gov.tr")
    member = api.post("/users", scene.admin, json={
        "email": "uye@dernek.org", "name": "Üye", "password": "uzun parola", "role": "member",
        "organization_id": scene.org.id}).get_json()
    assert member["organization_id"] == scene.org.id
    assert session.get(User, member["id"]).role == Role.MEMBER
    session.rollback()


def test_user_creation_errors(api, scene):
    payload = {"email": "x@example.org", "name": "X", "password": "uzun parola", "role": "member"}
    assert_problem(api.post("/users", json=payload), 401)
    assert_problem(api.post("/users", scene.staff, json=payload), 403)
    body = assert_problem(api.post("/users", scene.admin, json=payload), 422)
    assert body["errors"][0]["field"] == "organization_id"
    duplicate = assert_problem(api.post("/users", scene.admin, json={
        **payload, "email": scene.member.email, "organization_id": scene.org.id}), 422)
    assert duplicate["errors"][0]["field"] == "email"
    assert_problem(api.post("/users", scene.admin, json={**payload, "role": "root"}), 422)
