"""The members page and the invitation page (SPEC §9) on both engines: a
representative invites through the form, the invitation arrives through the
real SMTP server, the invited person registers from its link once; members,
staff and strangers do not see the page; the last representative's buttons
answer with a clear error and change nothing."""
from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from booking.models import Booking, BookingStatus, Organization, OrganizationRole, Role, User, utcnow
from booking.services import deletion, invitations
from tests.support.factories import make_booking, make_center, make_organization, make_room, make_user
from tests.support.mailbox import Mailbox, parts
from tests.support.web import ahead, csrf_token, database, login

REP, MEMBER = OrganizationRole.REPRESENTATIVE, OrganizationRole.MEMBER


@pytest.fixture
def app_config(smtp_port: int) -> dict[str, object]:
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_TIMEOUT": 5}


@pytest.fixture
def people(app: Flask):
    with database(app) as session:
        org = make_organization(session, name="Kıyı Gönüllüleri")
        rep = make_user(session, organization=org, name="Reyhan Temsilci", organization_role=REP,
                        email="reyhan@example.org")
        member = make_user(session, organization=org, name="Metin Üye", organization_role=MEMBER,
                           email="metin@example.org")
        other = make_user(session, name="Ozan Başka", organization_role=REP)
        staff = make_user(session, Role.STAFF, centers=[make_center(session)])
        session.commit()
        return rep, member, other, staff


def _invitation_path(mailbox: Mailbox, address: str) -> str:
    mailbox.wait_for(1)
    [mail] = mailbox.to(address)
    assert mail["X-Booking-Notification"] == "invitation_to_organization"
    text, html = parts(mail)
    match = re.search(r"https?://[^/\s]+(/invitations/\S+)", text)
    assert match and match.group(1) in html, text
    return match.group(1)


def test_a_representative_invites_and_the_invited_person_registers_from_the_link_once(
        app: Flask, client: FlaskClient, people, mailbox: Mailbox) -> None:
    rep, _member, _other, _staff = people
    login(client, rep)
    page = client.get("/organization/members").get_data(as_text=True)
    assert "Metin Üye" in page and "Kişi davet et" in page
    sent = client.post("/organization/members/invite", data={
        "csrf_token": csrf_token(page), "email": "yeni.uye@example.org", "role": "member"})
    assert sent.status_code == 302
    page = client.get("/organization/members").get_data(as_text=True)
    assert "yeni.uye@example.org" in page and "Bekleyen davetler" in page
    path = _invitation_path(mailbox, "yeni.uye@example.org")
    guest = app.test_client()
    form = guest.get(path).get_data(as_text=True)
    assert "Kıyı Gönüllüleri" in form and "yeni.uye@example.org" in form
    short = guest.post(path, data={"csrf_token": csrf_token(form), "name": "Yeni Üye",
                                   "password": "kısa", "password_confirm": "kısa"})
    assert short.status_code in (200, 422) and "Parola en az" in short.get_data(as_text=True)
    done = guest.post(path, data={"csrf_token": csrf_token(form), "name": "Yeni Üye",
                                  "password": "uzun-bir-parola",
                                  "password_confirm": "uzun-bir-parola"})
    assert done.status_code == 302, done.get_data(as_text=True)[:3000]
    assert guest.get("/profile").status_code == 200  # signed in
    again = app.test_client().get(path)
    assert again.status_code == 404 and "geçersiz" in again.get_data(as_text=True)
    with database(app) as session:
        joined = session.query(User).filter_by(email="yeni.uye@example.org").one()
        assert (joined.organization_id, joined.organization_role) == (rep.organization_id, MEMBER)


def test_members_staff_and_strangers_do_not_see_the_members_page(
        app: Flask, people) -> None:
    _rep, member, _other, staff = people
    for person in (member, staff):
        browser = app.test_client()
        login(browser, person)
        assert browser.get("/organization/members").status_code == 404
        assert browser.post("/organization/members/invite",
                            data={"email": "x@example.org", "role": "member"}).status_code == 404
    assert app.test_client().get("/organization/members").status_code == 302  # sign in first


def test_the_last_representative_cannot_demote_or_remove_themselves(
        app: Flask, client: FlaskClient, people) -> None:
    rep, member, other, _staff = people
    login(client, rep)
    page = client.get("/organization/members").get_data(as_text=True)
    token = csrf_token(page)
    demoted = client.post(f"/organization/members/{rep.id}/member", data={"csrf_token": token},
                          follow_redirects=True).get_data(as_text=True)
    assert "en az bir temsilcisi olmalı" in demoted
    left = client.post(f"/organization/members/{rep.id}/remove", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert "en az bir temsilcisi olmalı" in left
    stranger = client.post(f"/organization/members/{other.id}/remove",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "Kişi bulunamadı" in stranger.get_data(as_text=True)
    promoted = client.post(f"/organization/members/{member.id}/representative",
                           data={"csrf_token": token}, follow_redirects=True)
    assert "artık kuruluşun temsilcisi" in promoted.get_data(as_text=True)
    with database(app) as session:
        assert session.get(User, rep.id).is_active
        assert session.get(User, member.id).organization_role == REP
        assert session.get(User, other.id).is_active


def test_a_signed_in_person_of_another_organisation_is_told_they_cannot_join(
        app: Flask, client: FlaskClient, people, mailbox: Mailbox) -> None:
    rep, _member, other, _staff = people
    login(client, rep)
    page = client.get("/organization/members").get_data(as_text=True)
    client.post("/organization/members/invite", data={
        "csrf_token": csrf_token(page), "email": other.email, "role": "member"})
    path = _invitation_path(mailbox, other.email)
    browser = app.test_client()
    login(browser, other)
    answer = browser.get(path)
    assert answer.status_code == 409 and "başka bir kuruluşa" in answer.get_data(as_text=True)


def test_a_member_cancels_their_own_booking_but_not_a_colleagues(
        app: Flask, client: FlaskClient, people) -> None:
    rep, member, _other, _staff = people
    with database(app) as session:
        room = make_room(session, make_center(session))
        org = session.get(Organization, rep.organization_id)
        own = make_booking(session, room, ahead(5, 10), organization=org,
                           created_by_id=member.id, status=BookingStatus.APPROVED).id
        theirs = make_booking(session, room, ahead(6, 10), organization=org,
                              created_by_id=rep.id, status=BookingStatus.APPROVED).id
        session.commit()
    login(client, member)
    assert "Rezervasyonu iptal et" in client.get(f"/bookings/{own}").get_data(as_text=True)
    detail = client.get(f"/bookings/{theirs}").get_data(as_text=True)
    assert "Rezervasyonu iptal et" not in detail
    refused = client.post(f"/bookings/{theirs}/cancel", data={"csrf_token": csrf_token(detail)},
                          follow_redirects=True).get_data(as_text=True)
    assert "temsilcileri değiştirebilir" in refused
    with database(app) as session:
        assert session.get(Booking, theirs).status == BookingStatus.APPROVED


def test_staff_deleting_the_last_representative_choose_a_successor_on_the_page(
        app: Flask, client: FlaskClient, people) -> None:
    rep, member, _other, staff = people
    with database(app) as session:
        row = deletion.request_deletion(session, session.get(User, rep.id), None, utcnow()).id
        session.commit()
    login(client, staff)
    page = client.get(f"/staff/deletion-requests/{row}").get_data(as_text=True)
    assert "son temsilcisi" in page and "Metin Üye" in page and "Kuruluşu kapat" in page
    token = csrf_token(page)
    refused = client.post(f"/staff/deletion-requests/{row}", data={"csrf_token": token})
    assert refused.status_code == 422 and "halef" in refused.get_data(as_text=True)
    done = client.post(f"/staff/deletion-requests/{row}",
                       data={"csrf_token": token, "successor": str(member.id)})
    assert done.status_code == 302
    with database(app) as session:
        assert session.get(User, rep.id).anonymised_at is not None
        assert session.get(User, member.id).organization_role == REP


def test_a_representative_changes_the_contacts_and_a_bad_address_changes_nothing(
        app: Flask, client: FlaskClient, people) -> None:
    rep, _member, _other, _staff = people
    login(client, rep)
    token = csrf_token(client.get("/organization/members").get_data(as_text=True))
    bad = client.post("/organization/contacts", data={"csrf_token": token, "email": "olmaz"})
    assert bad.status_code == 422
    good = client.post("/organization/contacts", data={"csrf_token": token,
                                                       "email": "iletisim@example.org",
                                                       "phone": "0232 111 22 33"})
    assert good.status_code == 302
    with database(app) as session:
        org = session.get(Organization, rep.organization_id)
        assert (org.email, org.phone, org.name) == ("iletisim@example.org", "0232 111 22 33",
                                                    "Kıyı Gönüllüleri")


def test_the_members_page_speaks_english_to_an_english_representative(app: Flask) -> None:
    with database(app) as session:
        rep = make_user(session, organization_role=REP, language="en", name="Elif English")
        session.commit()
    browser = app.test_client()
    login(browser, rep)
    page = browser.get("/organization/members").get_data(as_text=True)
    assert "Pending invitations" in page and "Invite someone" in page
    assert "Representative" in page and "Bekleyen davetler" not in page


def test_an_invitation_to_an_address_with_an_account_says_so_when_opened(
        app: Flask, client: FlaskClient, people) -> None:
    rep, _member, other, _staff = people
    with database(app) as session:
        secret = invitations.invite(session, session.get(User, rep.id), other.email,
                                    MEMBER, utcnow()).secret
        session.commit()
    answer = client.get(f"/invitations/{secret}")
    assert answer.status_code == 409 and "hesap zaten var" in answer.get_data(as_text=True)
