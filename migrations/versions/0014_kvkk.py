"""KVKK built in (SPEC §10): notice versions and acknowledgements, deletion
requests, the destruction log, the special-category access log; on users,
when a person was anonymised and when the retention job warned them.

Only create_table and ADD/DROP COLUMN: a batch would copy the users table, and
with foreign keys on, SQLite would cascade the copy's DROP TABLE to every
row that references a user.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 18:40:55
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'done', name='deletion_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('requested_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('carried_out_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('carried_out_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['carried_out_by_id'], ['users.id'], name=op.f('fk_deletion_requests_carried_out_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deletion_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_requests'))
    )
    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.create_index('ix_deletion_requests_state_due', ['state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deletion_requests_user_id'), ['user_id'], unique=False)

    op.create_table('destruction_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.Column('pseudonym', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_destruction_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_destruction_log'))
    )
    with op.batch_alter_table('destruction_log', schema=None) as batch_op:
        batch_op.create_index('ix_destruction_log_at', ['at'], unique=False)

    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('viewer_id', sa.Integer(), nullable=True),
    sa.Column('subject_user_id', sa.Integer(), nullable=True),
    sa.Column('subject_organization_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=40), nullable=False),
    sa.ForeignKeyConstraint(['subject_organization_id'], ['organizations.id'], name=op.f('fk_personal_data_access_subject_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subject_user_id'], ['users.id'], name=op.f('fk_personal_data_access_subject_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_personal_data_access_viewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access'))
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index('ix_personal_data_access_at', ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_subject_organization_id'), ['subject_organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_subject_user_id'), ['subject_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_personal_data_access_viewer_id'), ['viewer_id'], unique=False)

    op.create_table('privacy_notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('text_tr', sa.Text(), nullable=False),
    sa.Column('text_en', sa.Text(), nullable=False),
    sa.Column('changes_tr', sa.Text(), nullable=True),
    sa.Column('changes_en', sa.Text(), nullable=True),
    sa.Column('published_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_privacy_notices_published_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notices')),
    sa.UniqueConstraint('version', name=op.f('uq_privacy_notices_version'))
    )
    op.create_table('notice_acknowledgements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['privacy_notices.id'], name=op.f('fk_notice_acknowledgements_notice_id_privacy_notices'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notice_acknowledgements_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_acknowledgements')),
    sa.UniqueConstraint('user_id', 'notice_id', name='uq_notice_ack_user_notice')
    )
    with op.batch_alter_table('notice_acknowledgements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notice_acknowledgements_user_id'), ['user_id'], unique=False)

    op.add_column('users', sa.Column('anonymised_at', UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('retention_notice_at', UTCDateTime(timezone=True),
                                     nullable=True))



def downgrade() -> None:
    op.drop_column('users', 'retention_notice_at')
    op.drop_column('users', 'anonymised_at')

    with op.batch_alter_table('notice_acknowledgements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notice_acknowledgements_user_id'))

    op.drop_table('notice_acknowledgements')
    op.drop_table('privacy_notices')
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_personal_data_access_viewer_id'))
        batch_op.drop_index(batch_op.f('ix_personal_data_access_subject_user_id'))
        batch_op.drop_index(batch_op.f('ix_personal_data_access_subject_organization_id'))
        batch_op.drop_index('ix_personal_data_access_at')

    op.drop_table('personal_data_access')
    with op.batch_alter_table('destruction_log', schema=None) as batch_op:
        batch_op.drop_index('ix_destruction_log_at')

    op.drop_table('destruction_log')
    with op.batch_alter_table('deletion_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deletion_requests_user_id'))
        batch_op.drop_index('ix_deletion_requests_state_due')

    op.drop_table('deletion_requests')
