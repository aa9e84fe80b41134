"""The aydınlatma metni (SPEC §10): admins publish versioned notice texts in
Turkish and English; a person acknowledges the current version at
registration and again at the next sign-in after a new one. Every
acknowledgement is kept (who, which version, when)."""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from booking.models import NoticeAcknowledgement, PrivacyNotice, Role, User
from booking.services import audit
from booking.services.errors import FieldError, NotAllowed, RuleViolation, claiming

MAX_TEXT = 50_000


def current(session: Session) -> PrivacyNotice | None:
    """The newest published version, or None before the first is published."""
    return session.scalar(select(PrivacyNotice).order_by(PrivacyNotice.version.desc()).limit(1))


def versions(session: Session) -> list[PrivacyNotice]:
    """Every published version, newest first, with how many acknowledged each."""
    return list(session.scalars(select(PrivacyNotice).order_by(PrivacyNotice.version.desc())))


def acknowledgement_counts(session: Session) -> dict[int, int]:
    rows = session.execute(select(NoticeAcknowledgement.notice_id, func.count())
                           .group_by(NoticeAcknowledgement.notice_id))
    return dict(list(rows.all()))


def publish(session: Session, actor: User, text_tr: str | None, text_en: str | None,
            changes_tr: str | None, changes_en: str | None, now: datetime) -> PrivacyNotice:
    """A new version (the previous ones stay as they were): everyone is asked
    to acknowledge it at their next sign-in."""
    if actor.role != Role.ADMIN:
        raise NotAllowed("admins only")
    values = {"text_tr": _plain(text_tr), "text_en": _plain(text_en)}
    errors = [FieldError(name, _l("Bu alan gerekli.")) for name, value in values.items()
              if not value]
    errors += [FieldError(name, _l("En çok %(n)s karakter.", n=format_decimal(MAX_TEXT)))
               for name, value in values.items() if len(value) > MAX_TEXT]
    if errors:
        raise RuleViolation(errors)
    latest = session.scalar(select(func.max(PrivacyNotice.version))) or 0
    notice = PrivacyNotice(version=latest + 1, published_at=now, published_by_id=actor.id,
                           changes_tr=_plain(changes_tr) or None,
                           changes_en=_plain(changes_en) or None, **values)
    session.add(notice)
    with claiming({"uq_privacy_notices_version": FieldError("text_tr", _l(
            "Aynı anda başka bir sürüm yayımlandı; sayfayı yenileyip yeniden deneyin."))}):
        session.flush()
    audit.record(session, actor, "privacy_notice", notice.id, "published", at=now,
                 details={"version": notice.version})
    return notice


def _plain(text: str | None) -> str:
    """A typed text with one kind of line break (a browser sends CR LF), so that
    an empty line separates paragraphs whatever sent it."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def paragraphs(text: str | None) -> list[str]:
    """The paragraphs of a notice text: separated by empty lines."""
    return [p.strip() for p in re.split(r"\n\s*\n", _plain(text)) if p.strip()]


def acknowledged(session: Session, user: User, notice: PrivacyNotice) -> bool:
    return session.scalar(select(NoticeAcknowledgement.id).where(
        NoticeAcknowledgement.user_id == user.id,
        NoticeAcknowledgement.notice_id == notice.id)) is not None


def pending_for(session: Session, user: User) -> PrivacyNotice | None:
    """The version ``user`` still has to acknowledge, or None."""
    notice = current(session)
    if notice is None or acknowledged(session, user, notice):
        return None
    return notice


def previously_acknowledged(session: Session, user: User) -> bool:
    """Whether ``user`` acknowledged an earlier version (then the page says what changed)."""
    return session.scalar(select(NoticeAcknowledgement.id)
                          .where(NoticeAcknowledgement.user_id == user.id).limit(1)) is not None


def acknowledge(session: Session, user: User, version: int | None,
                now: datetime) -> NoticeAcknowledgement:
    """``user`` acknowledges ``version``, which must be the current one: an
    older version (a page left open while a new one was published) is refused
    with a message to read the new text. Acknowledging twice keeps the first."""
    notice = current(session)
    if notice is None or version != notice.version:
        raise RuleViolation.single("version", _l(
            "Aydınlatma metninin yeni bir sürümü yayımlandı; lütfen güncel metni okuyup onaylayın."))
    existing = session.scalar(select(NoticeAcknowledgement).where(
        NoticeAcknowledgement.user_id == user.id, NoticeAcknowledgement.notice_id == notice.id))
    if existing is not None:
        return existing
    row = NoticeAcknowledgement(user_id=user.id, notice_id=notice.id, acknowledged_at=now)
    session.add(row)
    session.flush()
    return row


def required_version(session: Session, version: int | None,
                     errors: list[FieldError]) -> PrivacyNotice | None:
    """At registration: the current notice, which the person must have
    acknowledged (``version`` names the one they were shown); None when no
    notice is published yet. A missing or older version adds a field error."""
    notice = current(session)
    if notice is None:
        return None
    if version != notice.version:
        errors.append(FieldError("notice_version", _l(
            "Kayıt için aydınlatma metnini okuyup onaylamanız gerekir.")
            if version is None else _l(
            "Aydınlatma metninin yeni bir sürümü yayımlandı; lütfen güncel metni okuyup onaylayın.")))
    return notice
