"""``flask registry remind --now ISO`` and the scheduler's daily job remind the
organisations whose verification runs out within 30 days, once."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from booking import jobs
from booking.extensions import db
from booking.models import OutboxMessage
from booking.notifications import kinds
from booking.services import verification_records
from tests.support.scene import NOW, build_scene


def _reminders(app) -> int:
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == kinds.VERIFICATION_DUE)) or 0
        db.session.remove()
    return count


def test_the_command_reminds_once_at_the_given_instant(app, runner, session):
    scene = build_scene(session)
    verification_records.verify(session, scene.staff, scene.org.id, method="document_seen",
                                note=None, now=NOW - timedelta(days=350))
    session.commit()
    session.close()
    now = NOW.isoformat()
    result = runner.invoke(args=["registry", "remind", "--now", now])
    assert result.exit_code == 0, result.output
    assert "Verification reminders: 1." in result.output
    assert _reminders(app) == 1  # the scene's organisation has one member
    again = runner.invoke(args=["registry", "remind", "--now", now])
    assert "Verification reminders: 0." in again.output
    assert jobs.verification_reminders(NOW + timedelta(days=1)) == 0
    assert _reminders(app) == 1
