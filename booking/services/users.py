"""Admins change a user's role, organisation, centers and active flag."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.models import Center, Organization, Role, User, new_session_nonce
from booking.services import audit
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation


def update_user(session: Session, actor: User, user_id: int, *, role: Role | str,
                organization_id: int | None, center_ids: Iterable[int], is_active: bool,
                now: datetime) -> User:
    """Set a user's role and attachments. Deactivating ends the user's sessions;
    an admin cannot demote or deactivate themself (someone must stay admin)."""
    if not actor.is_admin:
        raise NotAllowed(_l("Yalnızca yöneticiler kullanıcıları değiştirebilir."))
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_l("Kullanıcı bulunamadı."))
    errors: list[FieldError] = []
    try:
        role = Role(role)
    except ValueError:
        errors.append(FieldError("role", _l("Rol member, staff ya da admin olmalı.")))
        role = user.role
    if user.id == actor.id and (role != Role.ADMIN or not is_active):
        errors.append(FieldError("role", _l("Kendi yönetici yetkinizi kaldıramazsınız.")))
    if role == Role.MEMBER and organization_id is None:
        errors.append(FieldError("organization_id", _l("Üye bir kuruluşa bağlı olmalı.")))
    if organization_id is not None and session.get(Organization, organization_id) is None:
        errors.append(FieldError("organization_id", _l("Kuruluş bulunamadı.")))
    centers = [session.get(Center, cid) for cid in center_ids]
    if any(center is None for center in centers):
        errors.append(FieldError("center_ids", _l("Merkez bulunamadı.")))
    if errors:
        raise RuleViolation(errors)
    before = {"role": user.role.value, "organization_id": user.organization_id,
              "center_ids": sorted(user.center_ids), "is_active": user.is_active}
    user.role = role
    user.organization_id = organization_id if role == Role.MEMBER else None
    user.centers = [c for c in centers if c is not None] if role == Role.STAFF else []
    if user.is_active and not is_active:
        user.session_nonce = new_session_nonce()
    user.is_active = is_active
    session.flush()
    after = {"role": user.role.value, "organization_id": user.organization_id,
             "center_ids": sorted(user.center_ids), "is_active": user.is_active}
    audit.record(session, actor, "user", user.id, "update", at=now,
                 details={k: {"from": before[k], "to": after[k]} for k in before
                          if before[k] != after[k]} or None)
    return user
