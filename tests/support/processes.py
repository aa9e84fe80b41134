"""Running the service's commands (``flask … scheduler``, ``notifications send-due``,
gunicorn) as separate processes the way an operator would, against a test's
database and SMTP server, on the suite's clock (tests/support/clock.py)."""
from __future__ import annotations

import os

from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.models import OutboxMessage
from tests.support import clock
from tests.support.paths import ROOT

__all__ = ["CHILD_SECRET_KEY", "ROOT", "rows", "sender_env"]

CHILD_SECRET_KEY = "child-process-secret-" + "0" * 43


def sender_env(database_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    """The environment of a child process: the test's database and SMTP server,
    a real secret key (outside tests the development one is refused), no
    embedded scheduler, and the same "today" as the test itself."""
    env = dict(os.environ)
    env.pop("BOOKING_SECRET_KEY_FILE", None)
    env.update(
        BOOKING_DATABASE_URL=database_url,
        BOOKING_SECRET_KEY=CHILD_SECRET_KEY,
        BOOKING_SMTP_HOST="127.0.0.1",
        BOOKING_SMTP_PORT=str(smtp_port),
        BOOKING_SCHEDULER_EMBEDDED="0",
    )
    env.update(extra)  # a test's own settings win
    env.update(clock.child_environment())
    return env


def rows(session: Session, kind: str | None = None) -> list[OutboxMessage]:
    """The outbox as the database has it now (fresh values, not the session's cache)."""
    query = select(OutboxMessage).order_by(OutboxMessage.due_at, OutboxMessage.id)
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    found = list(session.scalars(query.execution_options(populate_existing=True)).all())
    session.commit()
    return found
