"""API tokens service: hashing, revocation, cheap last-used bookkeeping."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from booking.models import Role
from booking.services import tokens
from booking.services.errors import NotFound, RuleViolation
from tests.support.factories import make_user

T0 = datetime(2030, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def user(session):
    person = make_user(session, Role.MEMBER)
    session.commit()
    return person


def test_a_token_is_random_and_stored_only_as_its_hash(session, user):
    first = tokens.create_token(session, user, "betik", T0)
    second = tokens.create_token(session, user, None, T0)
    assert first.secret != second.secret and len(first.secret) >= 43
    assert first.token.token_hash == hashlib.sha256(first.secret.encode()).hexdigest()
    assert first.token.prefix == first.secret[:8] and second.token.name == ""
    assert tokens.authenticate_token(session, first.secret, T0) == user


def test_last_used_is_written_at_most_every_few_minutes(session, user):
    issued = tokens.create_token(session, user, None, T0)
    tokens.authenticate_token(session, issued.secret, T0)
    assert issued.token.last_used_at == T0
    tokens.authenticate_token(session, issued.secret, T0 + timedelta(minutes=2))
    session.expire(issued.token)
    assert issued.token.last_used_at == T0
    later = T0 + tokens.LAST_USED_RESOLUTION + timedelta(seconds=1)
    tokens.authenticate_token(session, issued.secret, later)
    session.expire(issued.token)
    assert issued.token.last_used_at == later


def test_revoked_unknown_or_absurd_tokens_authenticate_nobody(session, user):
    issued = tokens.create_token(session, user, None, T0)
    tokens.revoke_token(session, user, issued.token.id, T0)
    assert tokens.authenticate_token(session, issued.secret, T0) is None
    assert tokens.authenticate_token(session, "", T0) is None
    assert tokens.authenticate_token(session, "x" * 10_000, T0) is None
    with pytest.raises(NotFound):
        tokens.revoke_token(session, user, issued.token.id, T0)  # already revoked


def test_only_the_owner_revokes_and_names_are_bounded(session, user):
    other = make_user(session, Role.MEMBER)
    issued = tokens.create_token(session, user, None, T0)
    with pytest.raises(NotFound):
        tokens.revoke_token(session, other, issued.token.id, T0)
    with pytest.raises(RuleViolation):
        tokens.create_token(session, user, "n" * 101, T0)
    assert [t.id for t in tokens.list_tokens(session, user)] == [issued.token.id]
