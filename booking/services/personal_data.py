"""A person's own data (SPEC §10): everything the service holds about them,
as one JSON document ("Verilerimi indir", ``GET /api/v1/users/me/export``).

The export is built from the schema, not from a list kept by hand: every row
of every table with a foreign key to ``users`` that points at the person is
included (``table.column`` → rows), so a table added later is exported
without anyone remembering to (tests/services/test_personal_data.py checks
it). Secrets are left out: hashes of passwords, tokens and sessions, and the
session nonce. Besides those rows: the account itself, the organisation they
belong to, the e-mails sent to their address and the audit entries about
their account."""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.orm import Session

from booking.models import AuditEntry, Base, OutboxMessage, User

FORMAT = "booking-personal-data/1"
# Never exported: they let nobody do anything but an attacker.
SECRET_COLUMNS = frozenset({"password_hash", "token_hash", "secret_hash", "session_nonce"})


def user_references() -> list[tuple[Table, str]]:
    """Every (table, column) whose foreign key points at users.id, in schema order."""
    found = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name == "users" and table.name != "users":
                found.append((table, fk.parent.name))
    return sorted(found, key=lambda item: (item[0].name, item[1]))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _row(table: Table, row: Any) -> dict[str, Any]:
    return {name: _plain(value) for name, value in row._mapping.items()
            if name not in SECRET_COLUMNS and not name.endswith("_hash")}


def _rows(session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    order = list(table.primary_key.columns) or list(table.columns)[:1]
    return [_row(table, row) for row in session.execute(select(table).where(where).order_by(*order))]


def export(session: Session, user: User, now: datetime) -> dict[str, Any]:
    """Everything held about ``user`` (the caller: nobody exports another
    person's data; staff answer a request by asking the person to use this)."""
    users = Base.metadata.tables["users"]
    account = _rows(session, users, users.c.id == user.id)[0]
    organization = None
    if user.organization is not None:
        organization = {"id": user.organization.id, "name": user.organization.name,
                        "kind": _plain(user.organization.kind)}
    references = {
        f"{table.name}.{column}": _rows(session, table, table.c[column] == user.id)
        for table, column in user_references()
    }
    outbox = Base.metadata.tables[OutboxMessage.__tablename__]
    audit = Base.metadata.tables[AuditEntry.__tablename__]
    return {
        "format": FORMAT,
        "exported_at": now.isoformat(),
        "account": account,
        "organization": organization,
        "references": references,
        # Messages sent to the address even where no user id was kept with them.
        "messages_to_address": _rows(session, outbox, or_(
            outbox.c.recipient == user.email, outbox.c.user_id == user.id)),
        "audit_about_account": _rows(session, audit, (audit.c.entity == "user")
                                     & (audit.c.entity_id == user.id)),
    }
