"""KVKK over HTTP (SPEC §10), on both engines: the notice asked at sign-in
and at registration, a person's own data and deletion request on the
profile, staff carrying a request out (the person's session, token and link
refused after), the access log, the API and the cron command."""
from __future__ import annotations

import json
import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from booking.models import (
    DeletionRequest,
    NoticeAcknowledgement,
    PersonalDataAccess,
    Role,
    User,
    utcnow,
)
from booking.services import deletion, feed_tokens, privacy_notice, tokens
from tests.support.api import assert_problem
from tests.support.factories import make_organization, make_user
from tests.support.web import csrf_token, database, login


def _publish(session, admin, text="Kişisel verileriniz şöyle işlenir.", changes=None):
    notice = privacy_notice.publish(session, admin, text, "Your personal data is processed so.",
                                    changes, "What changed" if changes else None, utcnow())
    session.commit()
    return notice


def _post(client: FlaskClient, path: str, data: dict | None = None, page: str | None = None):
    token = csrf_token(client.get(page or path).get_data(as_text=True))
    return client.post(path, data={"csrf_token": token, **(data or {})})


def test_a_new_version_is_asked_at_the_next_sign_in_before_any_page(app, client) -> None:
    with database(app) as session:
        admin = make_user(session, Role.ADMIN)
        member = make_user(session)
        first = _publish(session, admin)
        privacy_notice.acknowledge(session, member, first.version, utcnow())
        session.commit()
        _publish(session, admin, "İkinci metin.", changes="Saklama süreleri eklendi.")
    login(client, member)
    page = client.get("/bookings")
    assert page.status_code == 302 and "/privacy/acknowledge" in page.headers["Location"]
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "Aydınlatma metninin yeni sürümü" in html and "Saklama süreleri eklendi." in html
    assert "İkinci metin." in html
    assert client.get("/privacy").status_code == 200  # the public text stays open
    token = csrf_token(html)
    stale = client.post("/privacy/acknowledge", data={"csrf_token": token, "version": "1"})
    assert stale.status_code == 422 and "yeni bir sürümü" in stale.get_data(as_text=True)
    done = client.post("/privacy/acknowledge", data={"csrf_token": token, "version": "2",
                                                     "next": "/bookings"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/bookings")
    assert client.get("/bookings").status_code == 200
    with database(app) as session:
        versions = sorted(a.notice.version for a in session.scalars(
            select(NoticeAcknowledgement).where(NoticeAcknowledgement.user_id == member.id)))
    assert versions == [1, 2]


def test_without_a_published_notice_nothing_is_asked(app, client) -> None:
    with database(app) as session:
        member = make_user(session)
        session.commit()
    login(client, member)
    assert client.get("/bookings").status_code == 200
    assert "henüz bir aydınlatma metni yayımlamadı" in client.get("/privacy").get_data(as_text=True)


def _registration(token: str, **extra: str) -> dict[str, str]:
    return {"csrf_token": token, "org_name": "Yeni Umut Derneği", "org_kind": "association",
            "org_email": "umut@example.org", "user_name": "Deniz Ak",
            "user_email": "deniz@example.org", "password": "uzun-bir-parola",
            "password_confirm": "uzun-bir-parola", **extra}


def _user_by_email(app: Flask, email: str) -> User | None:
    with database(app) as session:
        return session.scalar(select(User).where(User.email == email))


def test_registration_asks_for_the_current_notice_once_one_is_published(app, client) -> None:
    with database(app) as session:
        notice = _publish(session, make_user(session, Role.ADMIN))
    html = client.get("/register").get_data(as_text=True)
    assert "Aydınlatma metnini okudum" in html and f'value="{notice.version}"' in html
    refused = client.post("/register", data=_registration(csrf_token(html),
                                                          notice_version=str(notice.version)))
    assert refused.status_code == 200  # the form again, with the field error
    assert "aydınlatma metnini okuyup onaylamanız gerekir" in refused.get_data(as_text=True)
    assert _user_by_email(app, "deniz@example.org") is None
    accepted = client.post("/register", data=_registration(
        csrf_token(html), notice_version=str(notice.version), notice_ack="y"))
    assert accepted.status_code == 302
    person = _user_by_email(app, "deniz@example.org")
    with database(app) as session:
        assert [a.notice_id for a in session.scalars(select(NoticeAcknowledgement).where(
            NoticeAcknowledgement.user_id == person.id))] == [notice.id]


def test_the_profile_downloads_the_persons_data_and_records_a_deletion_request(
        app, client) -> None:
    with database(app) as session:
        member = make_user(session, name="Selin Acar", email="selin@example.org")
        session.commit()
    login(client, member)
    download = client.get("/profile/data.json")
    assert download.status_code == 200 and download.headers["Cache-Control"] == "no-store"
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.data)
    assert data["account"]["email"] == "selin@example.org" and "password_hash" not in data["account"]
    asked = _post(client, "/profile/deletion-request", {"reason": "Taşındım"}, page="/profile")
    assert asked.status_code == 302
    with database(app) as session:
        row = session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == member.id))
        assert row.reason == "Taşındım" and row.state.value == "open"
    assert "Silme talebiniz alındı" in client.get("/profile").get_data(as_text=True)


def test_staff_carry_a_request_out_and_the_persons_session_token_and_link_stop(
        app: Flask, client) -> None:
    with database(app) as session:
        staff = make_user(session, Role.STAFF, name="Görevli Gül")
        member = make_user(session, name="Kerem Yurt", email="kerem@example.org")
        make_user(session, organization=member.organization)  # not the last representative
        row = deletion.request_deletion(session, member, None, utcnow() - timedelta(days=31))
        link = feed_tokens.issue_personal(session, member, utcnow())
        secret = tokens.create_token(session, member, "telefon", utcnow()).secret
        session.commit()
    bearer = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/users/me", headers=bearer).status_code == 200
    person = app.test_client()
    login(person, member)
    assert person.get("/profile").status_code == 200
    login(client, staff)
    listing = client.get("/staff/deletion-requests").get_data(as_text=True)
    assert "Kerem Yurt" in listing and "Süresi geçti" in listing
    page = client.get(f"/staff/deletion-requests/{row.id}").get_data(as_text=True)
    assert "Verileri anonimleştir" in page
    done = client.post(f"/staff/deletion-requests/{row.id}", data={"csrf_token": csrf_token(page)})
    assert done.status_code == 302
    again = client.post(f"/staff/deletion-requests/{row.id}", data={"csrf_token": csrf_token(page)})
    assert again.status_code == 422 and "zaten yerine getirildi" in again.get_data(as_text=True)
    assert person.get("/profile").status_code == 302  # signed out on the server
    assert client.get("/api/v1/users/me", headers=bearer).status_code == 401
    assert client.get(f"/feeds/{link.token}.ics").status_code == 404
    with database(app) as session:
        assert session.get(User, member.id).name.startswith("Silinmiş kişi")


def test_members_cannot_see_or_carry_out_deletion_requests(app, client) -> None:
    with database(app) as session:
        member = make_user(session)
        other = make_user(session)
        row = deletion.request_deletion(session, other, None, utcnow())
        session.commit()
    login(client, member)
    assert client.get("/staff/deletion-requests").status_code == 404
    assert client.post(f"/staff/deletion-requests/{row.id}").status_code == 404
    with database(app) as session:
        assert session.get(DeletionRequest, row.id).state.value == "open"


def test_staff_views_of_contacts_and_member_lists_are_logged_and_own_views_are_not(
        app, client) -> None:
    with database(app) as session:
        admin = make_user(session, Role.ADMIN, name="Yönetici Yasemin")
        org = make_organization(session, name="Gözlemci Derneği")
        member = make_user(session, organization=org, name="Üye Umut")
        session.commit()
    login(client, member)
    client.get("/profile")
    other = app.test_client()
    login(other, admin)
    with database(app) as session:
        assert session.scalars(select(PersonalDataAccess)).all() == []
    assert other.get(f"/admin/organizations/{org.id}").status_code == 200
    assert other.get(f"/admin/users/{member.id}").status_code == 200
    with database(app) as session:
        rows = session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)).all()
        assert [(r.what, r.subject_organization_id, r.subject_user_id) for r in rows] == [
            ("member_list", org.id, None), ("contact_details", None, member.id)]
    page = other.get("/admin/privacy/access-log?what=member_list").get_data(as_text=True)
    assert "Gözlemci Derneği" in page and "Üye Umut" not in page


def test_the_api_serves_the_notice_its_acknowledgement_the_export_and_a_request(
        api, session) -> None:
    admin = make_user(session, Role.ADMIN)
    member = make_user(session, email="api.kisi@example.org")
    session.commit()
    assert_problem(api.get("/privacy-notice"), 404)
    _publish(session, admin)
    english = api.get("/privacy-notice", headers={"Accept-Language": "en"}).get_json()
    assert english["version"] == 1 and english["text"].startswith("Your personal data")
    assert english["acknowledged"] is None
    assert api.get("/privacy-notice?lang=tr", headers={"Accept-Language": "en"}).get_json()[
        "text"].startswith("Kişisel verileriniz")
    assert_problem(api.get("/privacy-notice?lang=de"), 422)
    assert api.get("/privacy-notice", member).get_json()["acknowledged"] is False
    assert_problem(api.post("/privacy-notice/acknowledgements", member, json={"version": 7}), 422)
    assert api.post("/privacy-notice/acknowledgements", member,
                    json={"version": 1}).status_code == 201
    assert api.get("/privacy-notice", member).get_json()["acknowledged"] is True
    assert_problem(api.get("/users/me/export"), 401)
    exported = api.get("/users/me/export", member)
    assert exported.status_code == 200
    assert exported.get_json()["account"]["email"] == "api.kisi@example.org"
    asked = api.post("/users/me/deletion-request", member, json={"reason": "Lütfen"})
    assert asked.status_code == 201 and asked.get_json()["state"] == "open"
    assert_problem(api.post("/users/me/deletion-request", member, json={"reason": 3}), 422)


def test_the_registration_api_needs_the_notice_version_once_one_is_published(api, session):
    _publish(session, make_user(session, Role.ADMIN))
    body = {"organization": {"name": "API Derneği", "kind": "association",
                             "email": "api-dernek@example.org"},
            "user": {"name": "Api Kişi", "email": "api-kisi2@example.org",
                     "password": "uzun-bir-parola"}}
    problem = assert_problem(api.post("/organizations/register", json=body), 422)
    assert [e["field"] for e in problem["errors"]] == ["notice_version"]
    assert api.post("/organizations/register", json={**body, "notice_version": 1}).status_code == 202


def test_the_cron_command_runs_the_retention_once(app: Flask, session) -> None:
    org = make_organization(session)
    make_user(session, organization=org, created_at=utcnow() - timedelta(days=900),
              last_login_at=utcnow() - timedelta(days=800))
    session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["kvkk", "retention"])
    assert first.exit_code == 0, first.output
    assert re.search(r"warned 1, anonymised 0", first.output)
    later = (utcnow() + timedelta(days=15)).isoformat()
    second = runner.invoke(args=["kvkk", "retention", "--now", later])
    assert "warned 0, anonymised 1" in second.output, second.output
    bad = runner.invoke(args=["kvkk", "retention", "--now", "dün"])
    assert bad.exit_code != 0 and "--now" in bad.output


def test_admins_publish_a_version_and_read_both_logs(app, client) -> None:
    with database(app) as session:
        admin = make_user(session, Role.ADMIN)
        member = make_user(session)
        first = _publish(session, admin)
        privacy_notice.acknowledge(session, member, first.version, utcnow())
        session.commit()
    login(client, admin)
    page = client.get("/admin/privacy")
    if page.status_code == 302:  # the admin acknowledges the current version first
        html = client.get(page.headers["Location"]).get_data(as_text=True)
        client.post("/privacy/acknowledge", data={"csrf_token": csrf_token(html), "version": "1"})
        page = client.get("/admin/privacy")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Yayımlanan sürümler" in html
    assert re.search(r"<th scope=\"row\">1</th>.*?<td>2</td>", html, re.S)  # two acknowledged
    empty = client.post("/admin/privacy", data={"csrf_token": csrf_token(html), "text_tr": "",
                                                "text_en": ""})
    assert empty.status_code == 422
    done = client.post("/admin/privacy", data={"csrf_token": csrf_token(html),
                                               "text_tr": "Birinci paragraf.\r\n\r\nİkinci.",
                                               "text_en": "New"})
    assert done.status_code == 302
    # A browser's CR LF still separates paragraphs on the public page.
    public = client.get("/privacy").get_data(as_text=True)
    assert "<p>Birinci paragraf.</p><p>İkinci.</p>" in public
    with database(app) as session:
        assert privacy_notice.current(session).version == 2
    # The publisher is asked at their next sign-in, like everyone else.
    assert "Henüz imha kaydı yok." in client.get("/admin/privacy/destructions").get_data(
        as_text=True)
    csv = client.get("/admin/privacy/destructions?format=csv")
    assert csv.mimetype == "text/csv" and csv.get_data(as_text=True).startswith("at,what")
    assert client.get("/admin/privacy/access-log?organization_id=x").status_code == 200
