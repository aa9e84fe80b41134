"""The reference endpoint of bench/booking_load.py: a bare Flask app, outside the
product, that inserts one booking row per request through the same SQLAlchemy
engine set-up the product uses (its config loader, Flask-SQLAlchemy, psycopg,
``pool_pre_ping``, booking.database.configure_engine) — and nothing else: no
authentication, rules, locks, audit or outbox.

    POST /ref/bookings {room_id, title, start, end, expected_attendees} -> 201 {"id": …}

Run by bench/booking_load.py as ``gunicorn bench.reference_app:app``.
"""
from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from flask import Flask, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from booking.config import load_config  # noqa: E402
from booking.database import configure_engine  # noqa: E402
from booking.models import Base, Booking, BookingStatus, utcnow  # noqa: E402

app = Flask(__name__, instance_path=str(ROOT / "instance"))
load_config(app)  # BOOKING_DATABASE_URL and the product's engine options
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
db.init_app(app)
with app.app_context():
    configure_engine(db.engine)


@app.post("/ref/bookings")
def insert_booking():
    body = request.get_json()
    start = datetime.fromisoformat(body["start"])
    end = datetime.fromisoformat(body["end"])
    now = utcnow()
    booking_id = db.session.execute(
        insert(Booking).values(
            room_id=int(body["room_id"]), title=str(body["title"]), start_at=start, end_at=end,
            block_end=end, expected_attendees=int(body["expected_attendees"]),
            status=BookingStatus.PENDING, is_public=False, sequence=0, created_at=now,
            updated_at=now,
        ).returning(Booking.id)
    ).scalar_one()
    db.session.commit()
    return jsonify(id=booking_id), 201


@app.get("/ref/ping")
def ping():
    return "ok"
