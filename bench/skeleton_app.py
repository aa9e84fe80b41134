"""The skeleton endpoint of bench/booking_load.py: the product's database work
for one booking request, with none of the product's Python around it.

It answers ``POST /api/v1/bookings`` like the product (Bearer token, the same
JSON body) but sends hand-written Core statements through the same engine
set-up and does nothing else: no ORM objects, rules, permissions, pydantic,
translations or error handling. What it reaches under load is the ceiling of
any implementation that makes the same round trips to PostgreSQL, however lean
its Python.

``BENCH_SKELETON=same`` (default) sends the product's eight statements in the
product's order: token with user and organisation; room with center; the room
lock; the conflict look-up; INSERT booking; INSERT audit entry; the center's
staff; INSERT outbox messages (one batch). Then COMMIT.

``BENCH_SKELETON=merged`` sends the fewest a design keeping the rules in
Python could: token; room with center locked FOR UPDATE in the same statement;
the conflict look-up (its own statement, so it reads after the lock is
granted); one writable CTE inserting the booking, its audit entry and its two
messages (the staff notice addressed to the center). Then COMMIT.

Run by bench/booking_load.py as ``gunicorn skeleton_app:app``.
"""
from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import bindparam, insert, select, text

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from booking.config import load_config  # noqa: E402
from booking.database import configure_engine  # noqa: E402
from booking.models import (  # noqa: E402
    ApiToken,
    AuditEntry,
    Base,
    Booking,
    Center,
    Organization,
    OutboxMessage,
    QuotaRule,
    Role,
    Room,
    User,
    staff_centers,
    utcnow,
)
from booking.notifications.outbox import dedupe_key  # noqa: E402
from booking.services.conflicts import conflicts_parameters, conflicts_statement  # noqa: E402

QUOTA_RULES = select(QuotaRule).where(
    QuotaRule.center_id == bindparam("center_id"),
    QuotaRule.organization_id.is_(None) | (QuotaRule.organization_id == bindparam("organization_id")))
from booking.services.tokens import hash_token  # noqa: E402

VARIANT = os.environ.get("BENCH_SKELETON", "same")
if VARIANT not in ("same", "merged"):
    raise SystemExit(f"BENCH_SKELETON must be 'same' or 'merged', not {VARIANT!r}")

app = Flask(__name__, instance_path=str(ROOT / "instance"))
load_config(app)
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
db.init_app(app)
with app.app_context():
    configure_engine(db.engine)

tokens, users, orgs = ApiToken.__table__, User.__table__, Organization.__table__
rooms, centers, bookings = Room.__table__, Center.__table__, Booking.__table__

TOKEN = (
    select(tokens.c.id, tokens.c.revoked_at, tokens.c.last_used_at, users, orgs.c.is_verified)
    .select_from(tokens.join(users, users.c.id == tokens.c.user_id)
                 .outerjoin(orgs, orgs.c.id == users.c.organization_id))
    .where(tokens.c.token_hash == db.bindparam("token_hash"))
)
ROOM = (select(rooms, centers.c.timezone).join_from(rooms, centers)
        .where(rooms.c.id == db.bindparam("room_id")))
LOCK = select(rooms.c.id).where(rooms.c.id == db.bindparam("room_id")).with_for_update()
STAFF = (
    select(users.c.id, users.c.email, users.c.language)
    .join(staff_centers, staff_centers.c.user_id == users.c.id)
    .where(staff_centers.c.center_id == db.bindparam("center_id"), users.c.is_active,
           users.c.role.in_([Role.STAFF, Role.ADMIN]))
)
INSERT_ALL = text("""
WITH new_booking AS (
  INSERT INTO bookings (room_id, organization_id, created_by_id, title, kind, category,
                        start_at, end_at, block_end, expected_attendees, status, is_public,
                        sequence, created_at, updated_at)
  VALUES (:room_id, :organization_id, :user_id, :title, 'meeting', 'other', :start_at,
          :end_at, :block_end, :expected_attendees, 'pending', false, 0, :now, :now)
  RETURNING id),
audit AS (
  INSERT INTO audit_entries (at, actor_id, entity, entity_id, booking_id, action, to_status)
  SELECT :now, :user_id, 'booking', id, id, 'create', 'pending' FROM new_booking),
messages AS (
  INSERT INTO outbox_messages (kind, booking_id, user_id, recipient, language, due_at,
                               next_attempt_at, dedupe_key, context, status, attempts,
                               created_at)
  SELECT kind, id, user_id, recipient, 'tr', :now, :now,
         kind || ':' || id || ':' || recipient || ':' || :due, json_build_object('booking_ids',
         json_build_array(id)), 'pending', 0, :now
    FROM new_booking, (VALUES ('request_received', CAST(:user_id AS integer), :email),
                              ('new_request', NULL, :center)) AS m(kind, user_id, recipient))
SELECT id FROM new_booking
""")


@app.post("/api/v1/bookings")
def create() -> object:
    body = request.get_json()
    secret = request.headers.get("Authorization", "").removeprefix("Bearer ")
    start = datetime.fromisoformat(body["start"])
    end = datetime.fromisoformat(body["end"])
    connection = db.session.connection()
    user = connection.execute(TOKEN, {"token_hash": hash_token(secret)}).one()
    if VARIANT == "same":
        room = connection.execute(ROOM, {"room_id": int(body["room_id"])}).one()
        connection.execute(LOCK, {"room_id": room.id})
    else:
        room = connection.execute(ROOM.with_for_update(of=rooms),
                                  {"room_id": int(body["room_id"])}).one()
    # The product's own conflict statement (services/conflicts.py), built once.
    if connection.execute(conflicts_statement(),
                          conflicts_parameters(room, start, end)).first() is not None:
        db.session.rollback()
        return jsonify(status=409), 409
    # The quota rules that apply (services/quotas.limits_for): one query, none set here.
    if user.organization_id is not None:
        connection.execute(QUOTA_RULES, {"center_id": room.center_id,
                                         "organization_id": user.organization_id}).all()
    now = utcnow()
    values = {"room_id": room.id, "organization_id": user.organization_id, "user_id": user.id,
              "title": str(body["title"]), "start_at": start, "end_at": end, "block_end": end,
              "expected_attendees": int(body["expected_attendees"]), "now": now}
    if VARIANT == "merged":
        booking_id = connection.execute(INSERT_ALL, {
            **values, "email": user.email, "center": f"center:{room.center_id}",
            "due": now.isoformat()}).scalar_one()
    else:
        booking_id = connection.execute(insert(bookings).values(
            room_id=room.id, organization_id=user.organization_id, created_by_id=user.id,
            title=values["title"], kind="meeting", category="other", start_at=start, end_at=end,
            block_end=end, expected_attendees=values["expected_attendees"], status="pending",
            is_public=False, sequence=0, created_at=now, updated_at=now,
        ).returning(bookings.c.id)).scalar_one()
        connection.execute(insert(AuditEntry.__table__).values(
            at=now, actor_id=user.id, entity="booking", entity_id=booking_id,
            booking_id=booking_id, action="create", to_status="pending"))
        staff = connection.execute(STAFF, {"center_id": room.center_id}).all()
        recipients = [("request_received", user.id, user.email, user.language)]
        recipients += [("new_request", s.id, s.email, s.language) for s in staff]
        connection.execute(insert(OutboxMessage.__table__), [
            {"kind": kind, "booking_id": booking_id, "user_id": user_id, "recipient": email,
             "language": language, "due_at": now, "next_attempt_at": now,
             "dedupe_key": dedupe_key(kind, booking_id, email, now),
             "context": {"booking_ids": [booking_id]}, "status": "pending", "attempts": 0,
             "created_at": now}
            for kind, user_id, email, language in recipients])
    db.session.commit()
    return jsonify(id=booking_id, room_id=room.id, title=values["title"],
                   start=body["start"], end=body["end"], status="pending"), 201


@app.get("/ref/ping")
def ping() -> str:
    return "ok"
