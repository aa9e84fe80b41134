"""SMTP delivery with ``smtplib`` and ``email.message.EmailMessage``.

One connection is opened lazily and reused for a batch; any SMTP error
closes it, so the next message starts on a fresh connection.

``open_mailer`` is the one place that picks the transport for the outbox
sender and the direct mails alike: SMTP (``MAIL_BACKEND = "smtp"``, the
default and production's), or files in the development mailbox
(``"instance"``: booking/notifications/mailbox.py).
"""
from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import format_datetime, parseaddr
from typing import Any

from booking.config import MAIL_BACKENDS
from booking.models import utcnow
from booking.notifications.mailbox import InstanceMailer, Mailer


class MailPolicy(EmailPolicy):
    """The SMTP policy, with non-ASCII subjects folded by ``email.header.Header``.

    Python 3.11's modern folder drops the space between two encoded words when
    it folds a long non-ASCII subject at a space ("talep: Gönüllü" arrives as
    "talep:Gönüllü"); the legacy encoder keeps it.
    """

    def fold_binary(self, name: str, value: str) -> bytes:
        text = str(value)
        if name.lower() == "subject" and not text.isascii():
            encoded = Header(text, "utf-8", header_name=name).encode(linesep=self.linesep)
            return f"{name}: {encoded}{self.linesep}".encode("ascii")
        return super().fold_binary(name, value)


MAIL_POLICY = MailPolicy(linesep="\r\n")  # like email.policy.SMTP


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    maintype: str
    subtype: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    timeout: float
    mail_from: str

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> SmtpSettings:
        """Read the SMTP_* and MAIL_FROM settings (SPEC §7)."""
        return cls(
            host=str(config["SMTP_HOST"]),
            port=int(config["SMTP_PORT"]),
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=bool(config.get("SMTP_STARTTLS")),
            timeout=float(config.get("SMTP_TIMEOUT") or 20),
            mail_from=str(config["MAIL_FROM"]),
        )

    @property
    def domain(self) -> str:
        address = parseaddr(self.mail_from)[1]
        return address.rpartition("@")[2] or "localhost"


def message_id_for(outbox_id: int, dedupe_digest: str, domain: str) -> str:
    """A Message-ID that stays the same for every try of one outbox row.

    If a sender dies after SMTP accepted a message but before the row was marked
    sent, the rare second delivery carries the same Message-ID and mail clients
    recognise it as a duplicate.
    """
    return f"<outbox-{outbox_id}.{dedupe_digest}@{domain}>"


def build_email(
    *,
    sender: str,
    recipient: str,
    recipient_name: str | None,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    language: str,
    kind: str,
    attachments: tuple[Attachment, ...] = (),
    calendar: Attachment | None = None,
) -> EmailMessage:
    """A multipart/alternative text+HTML message, wrapped in mixed when attached.

    ``calendar`` is an iTIP invitation: a third alternative,
    ``text/calendar; method=…; charset=UTF-8``, after the HTML, which is where
    Outlook, Gmail and Thunderbird look for it (iMIP, RFC 6047)."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = sender
    message["To"] = Address(display_name=recipient_name or "", addr_spec=recipient)
    # A title with a line break must not break the header (or inject another).
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    message["Auto-Submitted"] = "auto-generated"
    # Lets recipients (and tests) sort notifications by kind without parsing text.
    message["X-Booking-Notification"] = kind
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    if calendar is not None:
        message.add_alternative(calendar.content, maintype=calendar.maintype,
                                subtype=calendar.subtype, params=calendar.params)
    for item in attachments:
        message.add_attachment(
            item.content,
            maintype=item.maintype,
            subtype=item.subtype,
            filename=item.filename,
            params=item.params,
        )
    # Set last: making the message multipart moves Content-* headers into the parts.
    message["Content-Language"] = language
    return message


class SmtpMailer(Mailer):
    """Sends EmailMessages through the configured SMTP server."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        try:
            smtp.ehlo()
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if s.username:
                smtp.login(s.username, s.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        """Deliver one message; raises on any refusal so the caller can retry it."""
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except BaseException:
            self.close()
            raise
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        if self._smtp is None:
            return
        smtp, self._smtp = self._smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()



@dataclass(frozen=True)
class Transport:
    """Where messages go, read from the settings once (a mail thread has no app)."""

    backend: str
    directory: str
    smtp: SmtpSettings

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Transport:
        backend = str(config.get("MAIL_BACKEND") or "smtp")
        if backend not in MAIL_BACKENDS:
            raise ValueError(f"MAIL_BACKEND must be one of {', '.join(MAIL_BACKENDS)}, not {backend!r}")
        return cls(backend=backend, directory=str(config.get("MAIL_DIR") or "mail"),
                   smtp=SmtpSettings.from_config(config))

    def open(self) -> SmtpMailer | InstanceMailer:
        """A new mailer; use it in a ``with`` block (the SMTP one holds a connection)."""
        if self.backend == "instance":
            return InstanceMailer(self.directory)
        return SmtpMailer(self.smtp)


def open_mailer(config: Mapping[str, Any]) -> SmtpMailer | InstanceMailer:
    """The mailer the settings ask for (``MAIL_BACKEND``)."""
    return Transport.from_config(config).open()
