"""Admins change a user's role, organisation, centers and active flag, and an
organisation's details."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.i18n.text import one_line
from booking.models import Center, Organization, OrganizationKind, Role, User, new_session_nonce
from booking.services import accounts, audit, memberships, registry
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation, claiming


def update_user(session: Session, actor: User, user_id: int, *, role: Role | str,
                organization_id: int | None, center_ids: Iterable[int], is_active: bool,
                now: datetime) -> User:
    """Set a user's role and attachments. Deactivating ends the user's sessions;
    an admin cannot demote or deactivate themself (someone must stay admin),
    nor take an organisation's last representative away from it."""
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
    elif role == Role.STAFF and not centers:
        errors.append(FieldError("center_ids", accounts.STAFF_NEED_A_CENTER))
    leaves = role != Role.MEMBER or organization_id != user.organization_id or not is_active
    if leaves and memberships.is_last_representative(session, user):
        errors.append(FieldError("organization_id", memberships.LAST_REPRESENTATIVE))
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


# Column sizes of Organization: longer input is a field error, not a database error.
ORGANIZATION_LIMITS = {"name": 300, "email": 254, "phone": 40, "registry_number": 64}


def update_organization(session: Session, actor: User, organization_id: int, *, name: str,
                        kind: str, email: str, phone: str | None, registry_number: str | None,
                        now: datetime) -> Organization:
    """An admin corrects an organisation's name, kind and contact details.

    Names are unique regardless of Turkish case ("İzmir Derneği" and "izmir
    derneği" are one name); only real changes are written to the audit trail."""
    if not actor.is_admin:
        raise NotAllowed(_l("Kuruluşları yalnızca yöneticiler düzenleyebilir."))
    organization = session.get(Organization, organization_id)
    if organization is None:
        raise NotFound(_l("Kuruluş bulunamadı."))
    errors: list[FieldError] = []
    name = one_line(name)
    if not name:
        errors.append(FieldError("name", _l("Kuruluş adı gerekli.")))
    elif accounts.organization_name_taken(session, name, organization.id):
        errors.append(FieldError("name", accounts.ORGANIZATION_NAME_TAKEN))
    try:
        org_kind = OrganizationKind(kind)
    except ValueError:
        errors.append(FieldError("kind", _l("Geçersiz kuruluş türü.")))
        org_kind = organization.kind
    email = accounts.check_email("email", email, errors)
    registry_number = registry.check(session, "registry_number", org_kind, registry_number,
                                     errors, current=organization)
    values: dict[str, Any] = {"name": name, "kind": org_kind, "email": email,
                              "phone": (phone or "").strip() or None,
                              "registry_number": registry_number}
    for key, limit in ORGANIZATION_LIMITS.items():
        if len(values[key] or "") > limit and not any(e.field == key for e in errors):
            errors.append(FieldError(key, _l("En fazla %(n)d karakter olabilir.", n=limit)))
    if errors:
        raise RuleViolation(errors)
    changed = {key: {"from": _plain(getattr(organization, key)), "to": _plain(value)}
               for key, value in values.items() if getattr(organization, key) != value}
    if not changed:
        return organization
    for key, value in values.items():
        setattr(organization, key, value)
    organization.updated_at = now
    with claiming({"uq_organizations_name": FieldError("name", accounts.ORGANIZATION_NAME_TAKEN),
                   registry.UNIQUE_INDEX: FieldError("registry_number", registry.TAKEN)}):
        session.flush()
    audit.record(session, actor, "organization", organization.id, "update", at=now,
                 details=changed)
    return organization


def _plain(value: object) -> str | None:
    return None if value is None else str(value)
