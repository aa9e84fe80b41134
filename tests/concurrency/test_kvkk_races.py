"""KVKK work that races (SPEC §10), on both engines: two staff carrying out one
deletion request at once anonymise the person once, and two retention runs
at once (two schedulers, or the scheduler and cron) warn and anonymise each
person once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking.extensions import db
from booking.models import DestructionRecord, OutboxMessage, Role, User, utcnow
from booking.notifications import kinds
from booking.services import deletion, retention
from booking.services.errors import RuleViolation
from tests.support.factories import make_organization, make_user
from tests.support.races import race

WRITERS = 4


def _outcome(exc: Exception) -> str | None:
    if isinstance(exc, RuleViolation):
        return ",".join(e.field for e in exc.errors)
    return None


def test_staff_carrying_out_one_request_at_once_anonymise_the_person_once(app) -> None:
    with app.app_context():
        staff_ids = [make_user(db.session, Role.STAFF).id for _ in range(WRITERS)]
        person = make_user(db.session, name="Aynı Anda Silinen", email="ayni.anda@example.org")
        make_user(db.session, organization=person.organization)  # not the last representative
        request_id = deletion.request_deletion(db.session, person, None, utcnow()).id
        db.session.commit()

    def carry_out(i: int) -> None:
        deletion.carry_out(db.session, db.session.get(User, staff_ids[i]), request_id, utcnow())

    results = race(app, carry_out, WRITERS, _outcome)
    assert sorted(results) == ["ok"] + ["request"] * (WRITERS - 1), results
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(DestructionRecord)) == 1
        db.session.remove()


def test_two_retention_runs_at_once_warn_and_anonymise_each_person_once(app) -> None:
    now = utcnow()
    with app.app_context():
        org = make_organization(db.session)
        for i in range(6):
            make_user(db.session, organization=org, name=f"Uzun Süredir Yok {i}",
                      created_at=now - timedelta(days=900), last_login_at=now - timedelta(days=800))
        db.session.commit()

    def run(at):
        return lambda i: retention.run(db.session, at, 730, 730)

    assert race(app, run(now), 2, _outcome) == ["ok", "ok"]
    later = now + timedelta(days=15)
    assert race(app, run(later), 2, _outcome) == ["ok", "ok"]
    with app.app_context():
        warned = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == kinds.RETENTION_NOTICE))
        anonymised = db.session.scalar(select(func.count()).select_from(User).where(
            User.anonymised_at.is_not(None)))
        records = db.session.scalar(select(func.count()).select_from(DestructionRecord).where(
            DestructionRecord.what == "person"))
        assert (warned, anonymised, records) == (6, 6, 6)
        db.session.remove()


def test_a_sign_in_during_the_retention_run_either_keeps_the_person_or_signs_in_no_one(app):
    """The run and the person's sign-in race: either the sign-in commits first
    and the person is kept, or the run does and the new session belongs to a
    closed account (the login loader refuses inactive users)."""
    from booking.services import sessions

    now = utcnow()
    with app.app_context():
        org = make_organization(db.session)
        person = make_user(db.session, organization=org, name="Tam O Sırada Gelen",
                           created_at=now - timedelta(days=900),
                           last_login_at=now - timedelta(days=800),
                           retention_notice_at=now - timedelta(days=15))
        person_id = person.id
        db.session.commit()

    def work(i: int) -> None:
        if i == 0:
            retention.run(db.session, now, 730, 730)
        else:
            user = db.session.get(User, person_id, with_for_update=True)
            user.last_login_at = now
            retention.cancel_notice(user)
            sessions.start_session(db.session, user, now)

    assert race(app, work, 2, _outcome) == ["ok", "ok"]
    with app.app_context():
        user = db.session.get(User, person_id)
        if user.anonymised_at is None:
            assert user.retention_notice_at is None and user.is_active
        else:
            assert not user.is_active and user.name.startswith("Silinmiş kişi")
        db.session.remove()
