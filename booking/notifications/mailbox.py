"""The development mailbox: with ``MAIL_BACKEND = "instance"`` every e-mail is
written as an ``.eml`` file under ``MAIL_DIR`` (default ``instance/mail``)
instead of going to an SMTP server, and ``/dev/mail`` (booking/web/dev_mail.py)
reads them back.

A message's id is its file name without ``.eml``: the UTC instant it was
written and a random suffix, so names sort by time. Only names of exactly that
shape are read; anything else (``..``, a path) is no message.
"""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from pathlib import Path
from types import TracebackType
from typing import Self

ID_PATTERN = re.compile(r"\A\d{8}T\d{12}Z-[0-9a-f]{12}\Z")
STAMP = "%Y%m%dT%H%M%S%fZ"
SUFFIX = ".eml"


class Mailer:
    """What every mailer shares: ``with mailer:`` closes it at the end."""

    def close(self) -> None:
        """Nothing to close unless a mailer holds a connection."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


class InstanceMailer(Mailer):
    """A mailer that keeps each message as a file instead of sending it."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def send(self, message: EmailMessage) -> str:
        """Write ``message`` (as SMTP would carry it) and return its id."""
        self.directory.mkdir(parents=True, exist_ok=True)
        message_id = f"{datetime.now(UTC).strftime(STAMP)}-{secrets.token_hex(6)}"
        target = self.directory / f"{message_id}{SUFFIX}"
        partial = self.directory / f".{message_id}.tmp"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, target)  # a reader never sees half a message
        return message_id



@dataclass(frozen=True)
class Summary:
    """One line of the mailbox's list."""

    id: str
    written_at: datetime
    to: str
    subject: str
    kind: str


@dataclass(frozen=True)
class Part:
    """An attachment of a message: its place among the attachments, name, type, size."""

    index: int
    filename: str
    content_type: str
    content: bytes


def _path(directory: Path, message_id: str) -> Path | None:
    if not ID_PATTERN.fullmatch(message_id):
        return None
    path = directory / f"{message_id}{SUFFIX}"
    return path if path.is_file() else None


def written_at(message_id: str) -> datetime:
    return datetime.strptime(message_id.split("-", 1)[0], STAMP).replace(tzinfo=UTC)


def list_messages(directory: Path | str, limit: int = 200) -> list[Summary]:
    """The newest ``limit`` messages, newest first (headers only are read)."""
    folder = Path(directory)
    if not folder.is_dir():
        return []
    ids = sorted((p.stem for p in folder.glob(f"*{SUFFIX}") if ID_PATTERN.fullmatch(p.stem)),
                 reverse=True)[:limit]
    found = []
    parser = BytesHeaderParser(policy=policy.default)
    for message_id in ids:
        try:
            headers = parser.parsebytes((folder / f"{message_id}{SUFFIX}").read_bytes())
        except OSError:  # removed meanwhile
            continue
        found.append(Summary(
            id=message_id, written_at=written_at(message_id), to=str(headers["To"] or ""),
            subject=str(headers["Subject"] or ""),
            kind=str(headers["X-Booking-Notification"] or ""),
        ))
    return found


def read_message(directory: Path | str, message_id: str) -> EmailMessage | None:
    """The message with this id, or None (also for any id not of the mailbox's shape)."""
    path = _path(Path(directory), message_id)
    if path is None:
        return None
    parsed = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    return parsed if isinstance(parsed, EmailMessage) else None  # policy.default: always one


def body_text(message: EmailMessage, subtype: str) -> str | None:
    """The text of the message's ``text/<subtype>`` body, or None."""
    part = message.get_body(preferencelist=(subtype,))
    if part is None or part.get_content_type() != f"text/{subtype}":
        return None
    return str(part.get_content())


def attachments(message: EmailMessage) -> list[Part]:
    """The message's attachments in order (an .ics invitation, for instance)."""
    found = []
    for index, part in enumerate(message.iter_attachments()):
        raw = part.get_payload(decode=True)
        content = raw if isinstance(raw, bytes) else b""
        found.append(Part(index=index, filename=part.get_filename() or f"attachment-{index}",
                          content_type=part.get_content_type(), content=content))
    return found
