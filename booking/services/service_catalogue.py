"""A center's catalogue of services (SPEC §9), managed by admins: add an
item, change it, make it inactive. Items are never deleted (bookings refer to
them); an inactive item is no longer offered, and what was promised stays."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from booking.i18n.text import one_line
from booking.models import Center, Role, ServiceItem, User
from booking.services import audit
from booking.services.errors import FieldError, NotAllowed, NotFound, RuleViolation

MAX_NAME = 120
MAX_UNIT = 40
MAX_STOCK = 100_000


@dataclass
class ItemValues:
    name: str
    unit: str
    stock: int | None = None  # None: not counted
    is_active: bool = True
    sort_order: int = 0


def _require_admin(actor: User | None) -> None:
    if actor is None or actor.role != Role.ADMIN:
        raise NotAllowed(_l("Bu işlemi yalnızca yöneticiler yapabilir."))


def _checked(values: ItemValues) -> ItemValues:
    errors: list[FieldError] = []
    name, unit = one_line(values.name or "").strip(), one_line(values.unit or "").strip()
    if not name:
        errors.append(FieldError("name", _l("Bir ad yazın.")))
    elif len(name) > MAX_NAME:
        errors.append(FieldError("name", _l("Ad en fazla %(n)d karakter olabilir.", n=MAX_NAME)))
    if not unit:
        errors.append(FieldError("unit", _l("Bir birim yazın (ör. kişi, adet).")))
    elif len(unit) > MAX_UNIT:
        errors.append(FieldError("unit", _l("Birim en fazla %(n)d karakter olabilir.",
                                            n=MAX_UNIT)))
    if values.stock is not None and not 0 <= values.stock <= MAX_STOCK:
        errors.append(FieldError("stock", _l("Stok 0 ile %(n)d arasında olmalı ya da boş "
                                             "bırakılmalı (sınırsız).", n=MAX_STOCK)))
    if errors:
        raise RuleViolation(errors)
    return ItemValues(name, unit, values.stock, bool(values.is_active), values.sort_order or 0)


def add_item(session: Session, actor: User, center_id: int, values: ItemValues,
             now: datetime) -> ServiceItem:
    _require_admin(actor)
    if session.get(Center, center_id) is None:
        raise NotFound(_l("Merkez bulunamadı."))
    clean = _checked(values)
    item = ServiceItem(center_id=center_id, name=clean.name, unit=clean.unit, stock=clean.stock,
                       is_active=clean.is_active, sort_order=clean.sort_order, created_at=now,
                       updated_at=now)
    session.add(item)
    session.flush()
    audit.record(session, actor, "service_item", item.id, "create", at=now,
                 details={"center_id": center_id, "name": item.name, "stock": item.stock})
    return item


def change_item(session: Session, actor: User, item_id: int, values: ItemValues,
                now: datetime) -> ServiceItem:
    """Change an item (lowering its stock does not take back what was promised)."""
    _require_admin(actor)
    item = session.get(ServiceItem, item_id)
    if item is None:
        raise NotFound(_l("Hizmet bulunamadı."))
    clean = _checked(values)
    before = {"name": item.name, "unit": item.unit, "stock": item.stock,
              "is_active": item.is_active, "sort_order": item.sort_order}
    item.name, item.unit, item.stock = clean.name, clean.unit, clean.stock
    item.is_active, item.sort_order, item.updated_at = clean.is_active, clean.sort_order, now
    after = {"name": item.name, "unit": item.unit, "stock": item.stock,
             "is_active": item.is_active, "sort_order": item.sort_order}
    changed = {k: {"from": before[k], "to": after[k]} for k in before if before[k] != after[k]}
    audit.record(session, actor, "service_item", item.id, "change", at=now,
                 details=changed or None)
    return item
