"""Registry identity (SPEC §9): verification records, when an organisation's
verification runs out, and one organisation per identifier of a kind.

Existing rows are kept as they can be:

* a registry number of the right shape for its kind is stored in the normal
  form (services/registry.normalise); a malformed or missing one is left as it
  was (docs/registry.md: an admin corrects it);
* should two organisations of a kind have the same number (the old check
  compared in Python, so a race could write two), the younger one's number is
  cleared and kept in an audit entry (``registry_number_cleared``) so that the
  unique index can be made and nothing is lost;
* every verified organisation gets a record with method ``legacy`` (how it was
  verified was never written down), verified by nobody, at its
  ``verified_at``; it runs out 365 days after that, but not before 30 days
  from the upgrade, so that nobody is refused on the day of the upgrade and
  the representatives get their reminder first.

Only create_table, ADD COLUMN and CREATE INDEX: no batch on organizations.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 22:00:00
"""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

LEGACY_VALID_DAYS = 365
UPGRADE_GRACE_DAYS = 30

organizations = sa.table(
    'organizations', sa.column('id', sa.Integer), sa.column('kind', sa.String),
    sa.column('registry_number', sa.String), sa.column('is_verified', sa.Boolean),
    sa.column('verified_at', UTCDateTime(timezone=True)),
    sa.column('created_at', UTCDateTime(timezone=True)),
    sa.column('verification_expires_at', UTCDateTime(timezone=True)))
verifications = sa.table(
    'organization_verifications', sa.column('organization_id', sa.Integer),
    sa.column('verified_at', UTCDateTime(timezone=True)), sa.column('method', sa.String),
    sa.column('note', sa.Text), sa.column('expires_at', UTCDateTime(timezone=True)))
audit = sa.table(
    'audit_entries', sa.column('at', UTCDateTime(timezone=True)), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Integer), sa.column('action', sa.String),
    sa.column('details', sa.JSON))


def upgrade() -> None:
    op.create_table('organization_verifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.Enum('document_seen', 'registry_checked', 'legacy', name='verification_method', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('expires_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('reminder_sent_at', UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_organization_verifications_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_organization_verifications_verified_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization_verifications'))
    )
    op.create_index('ix_organization_verifications_organization', 'organization_verifications', ['organization_id', 'id'], unique=False)
    op.create_index('ix_organization_verifications_expires_at', 'organization_verifications', ['expires_at'], unique=False)
    op.create_index(op.f('ix_organization_verifications_verified_by_id'), 'organization_verifications', ['verified_by_id'], unique=False)
    op.add_column('organizations', sa.Column('verification_expires_at', UTCDateTime(timezone=True), nullable=True))
    _normalise_numbers()
    _record_legacy_verifications()
    op.create_index('uq_organizations_kind_registry_number', 'organizations', ['kind', 'registry_number'], unique=True)


def _normalise_numbers() -> None:
    from booking.models import OrganizationKind
    from booking.services.registry import normalise

    bind = op.get_bind()
    now = datetime.now(UTC)
    taken: set[tuple[str, str]] = set()
    rows = bind.execute(sa.select(organizations.c.id, organizations.c.kind,
                                  organizations.c.registry_number)
                        .where(organizations.c.registry_number.is_not(None))
                        .order_by(organizations.c.id)).all()
    for org_id, kind, number in rows:
        try:
            tidy = normalise(OrganizationKind(kind), number) or number
        except ValueError:
            tidy = number
        if (kind, tidy) in taken:
            bind.execute(audit.insert().values(
                at=now, entity='organization', entity_id=org_id,
                action='registry_number_cleared', details={'registry_number': number}))
            tidy = None
        else:
            taken.add((kind, tidy))
        if tidy != number:
            bind.execute(organizations.update().where(organizations.c.id == org_id)
                         .values(registry_number=tidy))


def _record_legacy_verifications() -> None:
    bind = op.get_bind()
    floor = datetime.now(UTC) + timedelta(days=UPGRADE_GRACE_DAYS)
    rows = bind.execute(sa.select(organizations.c.id, organizations.c.verified_at,
                                  organizations.c.created_at)
                        .where(organizations.c.is_verified.is_(True))).all()
    for org_id, verified_at, created_at in rows:
        at = verified_at or created_at or datetime.now(UTC)
        expires = max(at + timedelta(days=LEGACY_VALID_DAYS), floor)
        bind.execute(verifications.insert().values(
            organization_id=org_id, verified_at=at, method='legacy', note=None,
            expires_at=expires))
        bind.execute(organizations.update().where(organizations.c.id == org_id)
                     .values(verification_expires_at=expires))


def downgrade() -> None:
    op.drop_index('uq_organizations_kind_registry_number', table_name='organizations')
    op.drop_column('organizations', 'verification_expires_at')
    op.drop_index(op.f('ix_organization_verifications_verified_by_id'), table_name='organization_verifications')
    op.drop_index('ix_organization_verifications_expires_at', table_name='organization_verifications')
    op.drop_index('ix_organization_verifications_organization', table_name='organization_verifications')
    op.drop_table('organization_verifications')
