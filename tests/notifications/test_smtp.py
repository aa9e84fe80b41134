"""The SMTP side: STARTTLS and login when configured, refused logins retried."""
from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlalchemy.orm import Session

from booking.models import OutboxStatus
from booking.notifications import events
from booking.notifications.sender import deliver_due
from tests.support.mailbox import Mailbox
from tests.support.notification_scene import NOW, build_scene
from tests.support.processes import rows

USER, PASSWORD = "rezervasyon", "gizli-parola"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key


@pytest.fixture
def app_config(smtp_port: int, request: pytest.FixtureRequest) -> dict[str, object]:
    wrong = getattr(request, "param", None) == "wrong-password"
    return {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port, "SMTP_STARTTLS": True,
        "SMTP_USERNAME": USER, "SMTP_PASSWORD": "not-the-password" if wrong else PASSWORD,
        "SMTP_TIMEOUT": 3 if wrong else 10,
    }


class Logins:
    def __init__(self) -> None:
        self.seen: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        ok = (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
        # aiosmtpd only offers AUTH after STARTTLS here (auth_require_tls).
        self.seen.append((mechanism, ok and session.ssl is not None))
        return AuthResult(success=ok)


@pytest.fixture
def secure_server(
    smtp_port: int, certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Mailbox, Logins]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    # The mailer verifies the server with the default trust store: trust our certificate.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    mailbox, logins = Mailbox(), Logins()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=smtp_port, tls_context=context,
        require_starttls=True, auth_required=True, authenticator=logins,
    )
    controller.start()
    yield mailbox, logins
    controller.stop()


def test_the_mailer_uses_starttls_and_logs_in_when_configured(
    session: Session, secure_server: tuple[Mailbox, Logins]
) -> None:
    mailbox, logins = secure_server
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], NOW)
    session.commit()
    report = deliver_due(NOW)
    assert len(report.sent) == 2, report
    assert len(mailbox) == 2
    assert logins.seen and all(ok for _, ok in logins.seen)


@pytest.mark.slow  # waits out the SMTP server's refusals; on a fixed NOW
@pytest.mark.parametrize("app_config", ["wrong-password"], indirect=True)
def test_a_refused_login_is_recorded_and_retried(
    session: Session, secure_server: tuple[Mailbox, Logins]
) -> None:
    mailbox, logins = secure_server
    scene = build_scene(session)
    events.on_booking_created(session, [scene.book(session, scene.member_tr)], NOW)
    session.commit()
    report = deliver_due(NOW)
    assert len(report.retrying) == 2 and len(mailbox) == 0
    assert logins.seen and not any(ok for _, ok in logins.seen)
    for row in rows(session):
        assert row.status == OutboxStatus.PENDING and row.attempts == 1
        # smtplib tries each offered mechanism; the server answers 535 (or hangs up).
        assert row.last_error.startswith(("SMTPAuthenticationError", "SMTPServerDisconnected"))
