"""The admin page of the outbox: admins only, lists by status, retries failed messages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import Session

from booking.models import OutboxStatus, Role, User, utcnow
from booking.notifications import events
from tests.support.factories import make_user
from tests.support.notification_scene import NOW, build_scene
from tests.support.processes import rows
from tests.support.web import plant_sign_in


@pytest.fixture
def app_config() -> dict[str, object]:
    # The retry form must carry a CSRF token like every real form.
    return {"WTF_CSRF_ENABLED": True}


def csrf_token(client: FlaskClient, secret_key: str = "test-secret") -> str:
    """A valid CSRF token for this client's session (as Flask-WTF makes one)."""
    raw = "0123456789abcdef0123456789abcdef01234567"
    with client.session_transaction() as flask_session:
        flask_session["csrf_token"] = raw
    return URLSafeTimedSerializer(secret_key, salt="wtf-csrf-token").dumps(raw)


def sign_in(client: FlaskClient, user: User) -> None:
    plant_sign_in(client, user)


def queue(session: Session) -> None:
    """One sent, one pending and one failed message."""
    scene = build_scene(session)
    booking = scene.book(session, scene.member_tr)
    events.on_booking_created(session, [booking], NOW)
    session.flush()
    sent, failed = rows(session)
    sent.status, sent.sent_at = OutboxStatus.SENT, NOW
    failed.status, failed.attempts = OutboxStatus.FAILED, 6
    failed.last_error = "SMTPRecipientsRefused: 550 mailbox unavailable"
    events.on_booking_created(session, [scene.book(session, scene.member_en)], NOW)
    session.commit()


@pytest.mark.parametrize("role", [None, Role.MEMBER, Role.STAFF])
def test_only_admins_see_the_outbox_page(
    session: Session, client: FlaskClient, role: Role | None
) -> None:
    if role is not None:
        user = make_user(session, role)
        session.commit()
        sign_in(client, user)
    # Like every admin page: anonymous visitors are sent to sign in, others get a 404.
    expected = 302 if role is None else 404
    page = client.get("/admin/outbox/")
    assert page.status_code == expected
    if role is None:
        assert "/login" in page.location
    token = csrf_token(client)
    retry = client.post("/admin/outbox/1/retry", data={"csrf_token": token})
    assert retry.status_code == expected


def test_the_page_lists_recent_pending_and_failed_messages(
    session: Session, client: FlaskClient
) -> None:
    admin = make_user(session, Role.ADMIN)
    queue(session)
    sign_in(client, admin)

    everything = client.get("/admin/outbox/").get_data(as_text=True)
    assert everything.count('<tr class="outbox-') == 4
    assert "Bekleyen (2)" in everything and "Başarısız (1)" in everything
    assert "Gönderilen (1)" in everything

    failed = client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert failed.count('<tr class="outbox-failed"') == 1
    assert "SMTPRecipientsRefused: 550 mailbox unavailable" in failed
    assert "Yeniden dene" in failed

    pending = client.get("/admin/outbox/?status=pending").get_data(as_text=True)
    assert pending.count('<tr class="outbox-pending"') == 2
    assert "Yeniden dene" not in pending


def test_an_admin_retries_a_failed_message_with_a_csrf_token(
    session: Session, client: FlaskClient
) -> None:
    admin = make_user(session, Role.ADMIN)
    queue(session)
    sign_in(client, admin)
    failed_id = next(r.id for r in rows(session) if r.status == OutboxStatus.FAILED)

    assert client.post(f"/admin/outbox/{failed_id}/retry").status_code == 400  # no token
    page = client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = client.post(f"/admin/outbox/{failed_id}/retry", data={"csrf_token": token})
    assert answer.status_code == 302
    retried = next(r for r in rows(session) if r.id == failed_id)
    assert (retried.status, retried.attempts) == (OutboxStatus.PENDING, 0)
    assert abs(retried.next_attempt_at - utcnow()) < timedelta(minutes=5)  # due at once

    again = client.post(f"/admin/outbox/{failed_id}/retry", data={"csrf_token": token},
                        follow_redirects=True)
    assert "Yalnızca başarısız iletiler yeniden denenebilir." in again.get_data(as_text=True)
