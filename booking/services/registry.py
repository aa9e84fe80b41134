"""Registry identity (SPEC §9): the identifier each kind of organisation
carries, its shape, its normal form and its uniqueness.

* association → DERBİS kütük numarası: the province's plate code (01–81), the
  district's code and the association's sequence number, written
  ``34-038-123``. Spaces, dots, slashes and dashes between the parts are
  accepted; a number typed without separators is read as 2 + 3 + the rest.
  Stored as ``PP-DDD-NNN`` (district and sequence padded to three digits).
* foundation → VGM (Vakıflar Genel Müdürlüğü) kayıt numarası: digits, often
  written with the register's prefix ("Kütük No: 1234", "No. 1234"). Stored
  as the digits without leading zeros.
* cooperative → MERSİS numarası: exactly 16 digits, often written in groups.
  Stored as the 16 digits.
* every other kind: optional, free text (one line, at most 64 characters).

A number is optional at registration (the person registering may not have it
at hand); when given it must have its kind's shape. The inbox marks an
association, foundation or cooperative without a well-formed number
(``missing_or_malformed``) so that staff ask for it before they verify. An
admin's edit checks a number that is typed anew; a number an organisation
already had (older rows may be malformed: migration 0015 left them as they
were) may stay unchanged, so that fixing an e-mail address does not wait for
the registry (docs/registry.md). One organisation per identifier of
a kind: a read first, for a friendly error, and the unique index
``uq_organizations_kind_registry_number`` for two registrations at once.
"""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from booking.i18n.text import one_line
from booking.models import Organization, OrganizationKind
from booking.services.errors import FieldError

MAX_LENGTH = 64
UNIQUE_INDEX = "uq_organizations_kind_registry_number"
REQUIRED_KINDS = (OrganizationKind.ASSOCIATION, OrganizationKind.FOUNDATION,
                  OrganizationKind.COOPERATIVE)
MERSIS_DIGITS = 16
_SEPARATORS = re.compile(r"[\s\-./\\]+")
_DIGITS = re.compile(r"[0-9]+")
_DERBIS_PARTS = re.compile(r"([0-9]{1,2})[\s\-./\\]+([0-9]{1,4})[\s\-./\\]+([0-9]{1,6})")
_DERBIS_RUN = re.compile(r"([0-9]{2})([0-9]{3})([0-9]{1,6})")
# What a foundation's number may be written with before it: "Kütük No:", "No.", "#".
_VGM_PREFIX = re.compile(r"^(?:(?:vak[ıi]f\s*)?(?:k[üu]t[üu]k|kay[ıi]t|sicil)\s*)?"
                         r"(?:no|numaras[ıi])?\s*[.:#]*\s*", re.IGNORECASE)
PROVINCES = 81

LABELS = {
    OrganizationKind.ASSOCIATION: _l("DERBİS kütük numarası"),
    OrganizationKind.FOUNDATION: _l("VGM vakıf kayıt numarası"),
    OrganizationKind.COOPERATIVE: _l("MERSİS numarası"),
}
SHAPES = {
    OrganizationKind.ASSOCIATION: _l(
        "DERBİS kütük numarası 34-038-123 biçiminde olmalı: il plaka kodu (01–81), ilçe kodu "
        "ve sıra numarası."),
    OrganizationKind.FOUNDATION: _l(
        "VGM vakıf kayıt numarası yalnızca rakamlardan oluşmalı, örneğin 4521."),
    OrganizationKind.COOPERATIVE: _l(
        "MERSİS numarası 16 haneli olmalı, örneğin 0123 4567 8901 2345."),
}
TAKEN = _l("Bu kayıt numarasıyla kayıtlı bir kuruluş var.")



def label(kind: OrganizationKind) -> str:
    """The identifier's name for ``kind`` ("DERBİS kütük numarası"), else the general one."""
    return str(LABELS.get(kind, _l("Kayıt / sicil numarası")))


def normalise(kind: OrganizationKind, text: str | None) -> str | None:
    """``text`` in the normal form of ``kind``'s identifier; None when it is
    empty or does not have the shape (only the three registry kinds have one)."""
    text = one_line(text or "")
    if not text:
        return None
    if kind == OrganizationKind.ASSOCIATION:
        return _derbis(text)
    if kind == OrganizationKind.FOUNDATION:
        digits = _VGM_PREFIX.sub("", text, count=1)
        digits = _SEPARATORS.sub("", digits)
        if not _DIGITS.fullmatch(digits) or len(digits) > 9 or int(digits) == 0:
            return None
        return str(int(digits))
    if kind == OrganizationKind.COOPERATIVE:
        digits = _SEPARATORS.sub("", text)
        return digits if len(digits) == MERSIS_DIGITS and _DIGITS.fullmatch(digits) else None
    return text if len(text) <= MAX_LENGTH else None


def _derbis(text: str) -> str | None:
    found = _DERBIS_PARTS.fullmatch(text) or _DERBIS_RUN.fullmatch(text)
    if found is None:
        return None
    province, district, sequence = (int(part) for part in found.groups())
    if not 1 <= province <= PROVINCES or district == 0 or sequence == 0:
        return None
    return f"{province:02d}-{district:03d}-{sequence:03d}"


def missing_or_malformed(organization: Organization) -> bool:
    """Whether an association, foundation or cooperative lacks a well-formed
    identifier (older rows may; staff ask for it before verifying)."""
    number = organization.registry_number
    return organization.kind in REQUIRED_KINDS and (
        number is None or normalise(organization.kind, number) != number)


def number_taken(session: Session, kind: OrganizationKind, number: str,
                 except_id: int | None = None) -> bool:
    """Whether another organisation of ``kind`` has this (normalised) number."""
    query = select(Organization.id).where(Organization.kind == kind,
                                          Organization.registry_number == number)
    if except_id is not None:
        query = query.where(Organization.id != except_id)
    return session.scalar(query.limit(1)) is not None


def check(session: Session, field: str, kind: OrganizationKind, text: str | None,
          errors: list[FieldError], *, current: Organization | None = None) -> str | None:
    """The identifier to store for an organisation of ``kind`` (None: none),
    or a field error on ``field`` naming the expected shape, the missing
    number or the organisation that has it. ``current``: the organisation being
    edited, whose unchanged number is kept as it is (see the module's note)."""
    text = one_line(text or "") or None
    if current is not None and text == current.registry_number and kind == current.kind:
        return text
    if text is None:
        return None
    number = normalise(kind, text)
    if number is None:
        errors.append(FieldError(field, SHAPES.get(kind) or _l(
            "En fazla %(n)d karakter olabilir.", n=MAX_LENGTH)))
        return text
    if number_taken(session, kind, number, current.id if current is not None else None):
        errors.append(FieldError(field, TAKEN))
    return number

