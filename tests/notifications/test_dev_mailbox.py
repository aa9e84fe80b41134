"""The development mailbox: with MAIL_BACKEND "instance" every e-mail is a file
in MAIL_DIR, sent as far as the outbox knows, and admins read it at /dev/mail;
with "smtp" (the default) the pages do not exist."""
from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from booking import create_app
from booking.config import ConfigurationError
from booking.models import BookingStatus, OutboxStatus, Role, utcnow
from booking.notifications import events, kinds, mailbox
from booking.notifications.mailbox import InstanceMailer
from booking.notifications.mailer import build_email
from booking.notifications.sender import deliver_due
from booking.web.dev_mail import HTML_PART_POLICY
from tests.support.factories import make_user
from tests.support.notification_scene import NOW, build_scene
from tests.support.processes import rows
from tests.support.web import plant_sign_in


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    return tmp_path / "mail"


@pytest.fixture
def app_config(mail_dir: Path, request: pytest.FixtureRequest) -> dict[str, object]:
    backend = getattr(request, "param", "instance")
    # Nothing listens on port 9: an attempt at SMTP would fail the send.
    return {"MAIL_BACKEND": backend, "MAIL_DIR": str(mail_dir), "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": 9, "SMTP_TIMEOUT": 2}


def approve_and_send(session: Session) -> str:
    """Approve a booking of the Turkish member and run the sender; the recipient."""
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr, status=BookingStatus.APPROVED)
    events.on_status_changed(session, booking, BookingStatus.PENDING, NOW)
    session.commit()
    report = deliver_due(NOW)
    assert len(report.sent) == 1, report
    return scene.member_tr.email


def admin_client(session: Session, client: FlaskClient, language: str = "tr") -> FlaskClient:
    admin = make_user(session, Role.ADMIN, language=language)
    session.commit()
    plant_sign_in(client, admin)
    return client


def test_the_instance_backend_writes_a_file_the_sender_marks_sent(
    session: Session, mail_dir: Path
) -> None:
    recipient = approve_and_send(session)
    [row] = rows(session, kinds.APPROVED)
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.last_error is None
    [path] = mail_dir.glob("*.eml")
    [summary] = mailbox.list_messages(mail_dir)
    assert summary.id == path.stem and recipient in summary.to
    assert summary.kind == kinds.APPROVED and summary.subject
    message = mailbox.read_message(mail_dir, summary.id)
    assert message is not None and message["Message-ID"] == row.message_id
    [ics] = mailbox.attachments(message)
    assert ics.filename.endswith(".ics") and b"BEGIN:VCALENDAR" in ics.content


def test_direct_mail_goes_to_the_mailbox_too(
    session: Session, client: FlaskClient, mail_dir: Path
) -> None:
    member = make_user(session, Role.MEMBER)
    session.commit()
    assert client.post("/password/forgot", data={"email": member.email}).status_code == 302
    deadline = time.monotonic() + 10
    while not mailbox.list_messages(mail_dir) and time.monotonic() < deadline:
        time.sleep(0.05)  # a mail thread writes it just after the answer
    [summary] = mailbox.list_messages(mail_dir)
    assert summary.kind == "password_reset" and member.email in summary.to


def test_the_page_lists_the_message_and_shows_text_html_and_attachments(
    session: Session, client: FlaskClient, mail_dir: Path
) -> None:
    recipient = approve_and_send(session)
    admin_client(session, client)
    [summary] = mailbox.list_messages(mail_dir)

    listing = client.get("/dev/mail/")
    assert listing.status_code == 200
    body = listing.get_data(as_text=True)
    assert recipient in body and f"/dev/mail/{summary.id}" in body
    assert "Onaylandı" in body and kinds.APPROVED in body  # the kind, in words and code

    page = client.get(f"/dev/mail/{summary.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    message = mailbox.read_message(mail_dir, summary.id)
    assert message is not None
    text = mailbox.body_text(message, "plain")
    assert text and "Gönüllü buluşması" in text
    assert "Gönüllü buluşması" in html and "X-Booking-Notification" in html
    # The HTML part is framed from its own address, never inlined.
    assert f'<iframe class="dev-mail-html" sandbox src="/dev/mail/{summary.id}/html"' in html
    html_part = mailbox.body_text(message, "html")
    assert html_part and html_part.strip() not in html
    link = re.search(rf'href="(/dev/mail/{summary.id}/attachments/0)"', html)
    assert link, html

    part = client.get(f"/dev/mail/{summary.id}/html")
    assert part.status_code == 200 and part.mimetype == "text/html"
    assert part.headers["Content-Security-Policy"] == HTML_PART_POLICY
    assert part.headers["Content-Security-Policy"].startswith("sandbox;")
    assert part.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Gönüllü buluşması" in part.get_data(as_text=True)

    ics = client.get(link.group(1))
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert re.fullmatch(r'attachment; filename="?rezervasyon-\d+\.ics"?',
                        ics.headers["Content-Disposition"])
    assert ics.data.startswith(b"BEGIN:VCALENDAR")
    assert client.get(f"/dev/mail/{summary.id}/attachments/1").status_code == 404


def test_the_page_speaks_english(session: Session, client: FlaskClient) -> None:
    approve_and_send(session)
    admin_client(session, client, "en")
    page = client.get("/dev/mail/")
    assert "Development mailbox" in page.get_data(as_text=True)


def test_an_empty_mailbox_is_a_page_too(session: Session, client: FlaskClient) -> None:
    admin_client(session, client)
    page = client.get("/dev/mail/")
    assert page.status_code == 200 and "Henüz ileti yok." in page.get_data(as_text=True)


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.STAFF])
def test_only_admins_read_the_mailbox(session: Session, client: FlaskClient,
                                      mail_dir: Path, role: Role | None) -> None:
    approve_and_send(session)
    [summary] = mailbox.list_messages(mail_dir)
    if role is not None:
        user = make_user(session, role)
        session.commit()
        plant_sign_in(client, user)
    for address in ("/dev/mail/", f"/dev/mail/{summary.id}", f"/dev/mail/{summary.id}/html",
                    f"/dev/mail/{summary.id}/attachments/0"):
        answer = client.get(address)
        if role is None:
            assert answer.status_code == 302 and "/login" in answer.location
        else:
            assert answer.status_code == 404, address


@pytest.mark.parametrize("app_config", ["smtp"], indirect=True)
def test_with_the_smtp_backend_there_is_no_mailbox(
    session: Session, client: FlaskClient, mail_dir: Path
) -> None:
    admin_client(session, client)
    mail_dir.mkdir()
    (mail_dir / "20260101T000000000000Z-0123456789ab.eml").write_bytes(b"Subject: x\r\n\r\nx")
    for address in ("/dev/mail/", "/dev/mail/20260101T000000000000Z-0123456789ab"):
        assert client.get(address).status_code == 404
    assert "/dev/mail" not in client.get("/admin/").get_data(as_text=True)


def test_a_path_as_message_id_is_refused(session: Session, client: FlaskClient,
                                         mail_dir: Path, tmp_path: Path) -> None:
    approve_and_send(session)
    admin_client(session, client)
    [summary] = mailbox.list_messages(mail_dir)
    secret = tmp_path / "secret.eml"
    secret.write_bytes(b"Subject: secret\r\n\r\nsecret")
    (mail_dir / "notes.eml").write_bytes(b"Subject: not ours\r\n\r\nx")
    for address in ("/dev/mail/..%2Fsecret", "/dev/mail/%2E%2E%2Fsecret", "/dev/mail/..",
                    "/dev/mail/notes", "/dev/mail/notes/html", f"/dev/mail/{summary.id}.eml",
                    f"/dev/mail/{summary.id}%00", "/dev/mail/..%2Fsecret/html",
                    "/dev/mail/..%2Fsecret/attachments/0",
                    "/dev/mail/20260101T000000000000Z-0123456789ab"):
        answer = client.get(address)
        assert answer.status_code == 404, address
        assert b"Subject: secret" not in answer.data
    for bad in ("../secret", "..", "/etc/passwd", "notes", f"{summary.id}/../../secret"):
        assert mailbox.read_message(mail_dir, bad) is None
    assert [m.id for m in mailbox.list_messages(mail_dir)] == [summary.id]  # notes.eml is not one


def test_a_wrong_mail_backend_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="MAIL_BACKEND"):
        create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
                    "MAIL_BACKEND": "file"})


def test_mail_dir_defaults_to_the_instance_folder(app: Flask) -> None:
    fresh = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"]})
    assert fresh.config["MAIL_BACKEND"] == "smtp"
    assert fresh.config["MAIL_DIR"] == str(Path(fresh.instance_path) / "mail")


def test_messages_are_listed_newest_first(mail_dir: Path) -> None:
    ids = []
    for n in range(3):
        ids.append(InstanceMailer(mail_dir).send(build_email(
            sender="a@localhost", recipient="b@example.org", recipient_name=None,
            subject=f"ileti {n}", text="x", html="<p>x</p>", message_id=f"<{n}@localhost>",
            language="tr", kind="test")))
    listed = mailbox.list_messages(mail_dir)
    assert [m.subject for m in listed] == ["ileti 2", "ileti 1", "ileti 0"]
    assert [m.id for m in listed] == sorted(ids, reverse=True)
    assert listed[0].written_at <= utcnow()
