"""Domain exceptions, mapped to HTTP in one place per blueprint family."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from booking.database import unique_constraint
from booking.services.intervals import ConflictKind, Interval, SkippedOccurrence, Suggestion

# The value types live in intervals.py; these names stay importable from here.
__all__ = ["BookingConflict", "ConflictKind", "DomainError", "FieldError", "Interval",
           "InvalidTransition", "NotAllowed", "NotFound", "RuleViolation", "SkippedOccurrence",
           "Suggestion", "claiming", "first_message"]


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    def __init__(self, message: Any = "") -> None:
        super().__init__(str(message))
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does."""


class NotAllowed(DomainError):
    """The actor may see the object but not do this to it."""


@dataclass
class FieldError:
    field: str
    message: Any  # str or a lazy translated string

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": str(self.message)}


class RuleViolation(DomainError):
    """One or more domain rules are broken; each error names its field."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field_name: str, message: Any) -> RuleViolation:
        return cls([FieldError(field_name, message)])


class BookingConflict(DomainError):
    """The interval collides with an approved booking or a closure."""

    def __init__(
        self,
        message: Any,
        conflicts: list[Interval] | None = None,
        suggestions: list[Suggestion] | None = None,
    ) -> None:
        super().__init__(message)
        self.conflicts = conflicts or []
        self.suggestions = suggestions or []


class InvalidTransition(DomainError):
    """The booking's status may not move this way (SPEC §2)."""


def first_message(exc: DomainError) -> Any:
    """The one message a button's answer shows: a broken rule's own, else the error's."""
    if isinstance(exc, RuleViolation) and exc.errors:
        return exc.errors[0].message
    return exc.message


@contextmanager
def claiming(errors: Mapping[str, FieldError]) -> Iterator[None]:
    """Around the flush that writes a name which must be unique: a services'
    check sees only committed rows, so two requests can both pass it (on
    PostgreSQL) and the database refuses the second write. That refusal becomes
    the field error the check gives (``errors`` maps unique constraint names,
    ``uq_<table>_<columns>``, to it) instead of a server error. The caller's
    transaction must then be rolled back, as after any RuleViolation."""
    try:
        yield
    except IntegrityError as exc:
        error = errors.get(unique_constraint(exc) or "")
        if error is None:
            raise
        raise RuleViolation([error]) from None
