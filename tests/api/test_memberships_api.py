"""The API of representatives and members (SPEC §9) on both engines: who may
list and change an organisation's people and invitations, the invitation
mailed through the real SMTP server and accepted once, and every refusal as
application/problem+json."""
from __future__ import annotations

import re

import pytest

from booking.models import OrganizationRole, Role
from tests.support.api import assert_problem
from tests.support.factories import (
    make_center,
    make_organization,
    make_organization_feed_link,
    make_user,
)
from tests.support.mailbox import Mailbox, parts

REP, MEMBER = OrganizationRole.REPRESENTATIVE, OrganizationRole.MEMBER


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def people(session):
    org = make_organization(session, name="Mahalle Dayanışma Derneği")
    rep = make_user(session, organization=org, name="Rana Temsilci", organization_role=REP)
    member = make_user(session, organization=org, name="Mert Üye", organization_role=MEMBER)
    other = make_user(session, name="Başka Kuruluştan", organization_role=REP)
    staff = make_user(session, Role.STAFF, centers=[make_center(session)])
    session.commit()
    return org, rep, member, other, staff


def test_a_representative_lists_the_people_and_others_are_refused(api, people) -> None:
    org, rep, member, _other, staff = people
    answer = api.get("/organizations/me/members", rep)
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["organization_id"] == org.id
    assert [(p["name"], p["organization_role"]) for p in body["items"]] == [
        ("Rana Temsilci", "representative"), ("Mert Üye", "member")]
    assert_problem(api.get("/organizations/me/members", member), 403)
    assert_problem(api.get("/organizations/me/members", staff), 403)
    assert_problem(api.get("/organizations/me/members"), 401)


def test_roles_change_but_the_last_representative_stays_and_strangers_are_not_found(
        api, people) -> None:
    _org, rep, member, other, _staff = people
    problem = assert_problem(api.patch(f"/organizations/me/members/{rep.id}", rep,
                                       json={"organization_role": "member"}), 422)
    assert [e["field"] for e in problem["errors"]] == ["role"]
    assert_problem(api.patch(f"/organizations/me/members/{other.id}", rep,
                             json={"organization_role": "member"}), 404)
    assert_problem(api.patch(f"/organizations/me/members/{rep.id}", member,
                             json={"organization_role": "member"}), 403)
    assert_problem(api.patch(f"/organizations/me/members/{member.id}", rep,
                             json={"organization_role": "boss"}), 422)
    promoted = api.patch(f"/organizations/me/members/{member.id}", rep,
                         json={"organization_role": "representative"})
    assert promoted.status_code == 200 and promoted.get_json()["organization_role"] == \
        "representative"
    assert api.patch(f"/organizations/me/members/{rep.id}", rep,
                     json={"organization_role": "member"}).status_code == 200


def test_removing_and_leaving_keep_one_representative(api, people) -> None:
    _org, rep, member, other, _staff = people
    assert_problem(api.delete(f"/organizations/me/members/{rep.id}", rep), 422)
    assert_problem(api.delete(f"/organizations/me/members/{other.id}", rep), 404)
    assert_problem(api.delete(f"/organizations/me/members/{rep.id}", member), 403)
    assert api.delete(f"/organizations/me/members/{member.id}", rep).status_code == 204
    assert_problem(api.get("/users/me", member), 401)  # the account is closed


def test_an_invitation_is_mailed_accepted_once_and_cannot_be_revoked_by_others(
        api, people, mailbox: Mailbox) -> None:
    _org, rep, member, other, _staff = people
    created = api.post("/organizations/me/invitations", rep,
                       json={"email": "Davetli@Example.org", "organization_role": "member"})
    assert created.status_code == 201, created.get_data(as_text=True)
    row = created.get_json()
    assert row["email"] == "davetli@example.org" and "token" not in row
    assert api.get("/organizations/me/invitations", rep).get_json()["items"] == [row]
    assert_problem(api.post("/organizations/me/invitations", member,
                            json={"email": "x@example.org"}), 403)
    assert_problem(api.post("/organizations/me/invitations", rep,
                            json={"email": member.email}), 422)
    assert_problem(api.delete(f"/organizations/me/invitations/{row['id']}", other), 404)
    mailbox.wait_for(1)
    [mail] = mailbox.to("davetli@example.org")
    text, html = parts(mail)
    assert "Mahalle Dayanışma Derneği" in text and "Rana Temsilci" in text
    token = re.search(r"/invitations/(\S+)", text).group(1)
    assert token in html
    accept = {"token": token, "name": "Deniz Davetli", "password": "uzun-bir-parola"}
    joined = api.post("/invitations/accept", json=accept)
    assert joined.status_code == 201, joined.get_data(as_text=True)
    assert joined.get_json()["organization_id"] == rep.organization_id
    assert joined.get_json()["organization_role"] == "member"
    assert_problem(api.post("/invitations/accept", json=accept | {"name": "İkinci"}), 404)
    assert_problem(api.delete(f"/organizations/me/invitations/{row['id']}", rep), 422)
    tokens = api.post("/auth/tokens", json={"email": "davetli@example.org",
                                            "password": "uzun-bir-parola"})
    assert tokens.status_code == 201  # the link confirmed the address


def test_a_revoked_or_unknown_invitation_is_not_found_and_bad_input_is_422(api, people) -> None:
    _org, rep, _member, _other, _staff = people
    created = api.post("/organizations/me/invitations", rep,
                       json={"email": "iptal@example.org"}).get_json()
    assert api.delete(f"/organizations/me/invitations/{created['id']}", rep).status_code == 204
    assert api.get("/organizations/me/invitations", rep).get_json()["items"] == []
    assert_problem(api.post("/invitations/accept", json={
        "token": "not-a-token", "name": "X", "password": "uzun-bir-parola"}), 404)
    problem = assert_problem(api.post("/invitations/accept", json={
        "token": "t", "name": "", "password": "k"}), 422)
    assert {e["field"] for e in problem["errors"]} >= {"name", "password"}


def test_representatives_change_the_contacts_and_members_are_refused(api, people) -> None:
    org, rep, member, _other, _staff = people
    changed = api.patch("/organizations/me", rep, json={"email": "Yeni@Example.org",
                                                        "phone": "0212 000 00 00"})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert (changed.get_json()["email"], changed.get_json()["name"]) == (
        "yeni@example.org", org.name)
    assert_problem(api.patch("/organizations/me", member, json={"email": "x@example.org"}), 403)
    assert_problem(api.patch("/organizations/me", rep, json={"email": "bad"}), 422)
    assert_problem(api.patch("/organizations/me", rep, json={"name": "Başka Ad",
                                                            "email": "x@example.org"}), 422)


def test_only_representatives_revoke_the_organisations_shared_calendar_link(
        api, session, people) -> None:
    org, rep, member, _other, _staff = people
    make_organization_feed_link(session, org)
    session.commit()
    assert_problem(api.delete(f"/organizations/{org.id}/feed-link", member), 403)
    assert api.delete(f"/organizations/{org.id}/feed-link", rep).status_code == 204
