"""representatives and members (SPEC §9): a member's role inside their
organisation, invitations, an organisation's closing

- users.organization_role: ``representative`` or ``member``. Every existing
  row becomes a representative (the column's server default fills it): in
  version 1 every member could do everything for their organisation, and
  nobody loses a power they had (docs/representatives.md).
- organizations.closed_at: set when staff close an organisation whose last
  representative's data is deleted without a successor.
- invitations: an address invited into an organisation with a role; the
  link's SHA-256, who invited, when it expires, was used or revoked.

Only add_column, create_table and ALTER TABLE … DROP COLUMN: a batch would
copy the users table, and with foreign keys on, SQLite would cascade the
copy's DROP TABLE to every row that references a user.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 22:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ROLES = ("representative", "member")


def _role(name: str) -> sa.Enum:
    return sa.Enum(*ROLES, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # Alembic leaves out the CHECK on SQLite's ADD COLUMN; SQLite takes it inline.
        op.execute("ALTER TABLE users ADD COLUMN organization_role VARCHAR(32) NOT NULL"
                   " DEFAULT 'representative' CONSTRAINT ck_users_organization_role"
                   " CHECK (organization_role IN ('representative', 'member'))")
    else:
        op.add_column("users", sa.Column("organization_role", _role("organization_role"),
                                         nullable=False, server_default="representative"))
    op.add_column("organizations", sa.Column("closed_at", UTCDateTime(timezone=True),
                                             nullable=True))
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", _role("invitation_role"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_invitations_organization_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["invited_by_id"], ["users.id"],
                                name=op.f("fk_invitations_invited_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["used_by_id"], ["users.id"],
                                name=op.f("fk_invitations_used_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    op.create_index("ix_invitations_organization_open", "invitations",
                    ["organization_id", "used_at"])
    op.create_index(op.f("ix_invitations_invited_by_id"), "invitations", ["invited_by_id"])
    op.create_index(op.f("ix_invitations_used_by_id"), "invitations", ["used_by_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_invitations_used_by_id"), table_name="invitations")
    op.drop_index(op.f("ix_invitations_invited_by_id"), table_name="invitations")
    op.drop_index("ix_invitations_organization_open", table_name="invitations")
    op.drop_table("invitations")
    op.execute("ALTER TABLE organizations DROP COLUMN closed_at")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE users DROP CONSTRAINT IF EXISTS ck_users_organization_role")
    op.execute("ALTER TABLE users DROP COLUMN organization_role")
