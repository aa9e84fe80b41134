"""quotas per organisation and center

A center's rule (organization_id NULL) applies to every organisation; an
organisation's own rule overrides it field by field. Nothing is limited until
an admin sets a rule, so existing data and behaviour are unchanged.

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-03 15:00:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0009"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "quota_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("monthly_hours", sa.Integer(), nullable=True),
        sa.Column("open_requests", sa.Integer(), nullable=True),
        sa.Column("weekly_bookings", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("monthly_hours IS NULL OR monthly_hours > 0",
                           name=op.f("ck_quota_rules_monthly_hours_positive")),
        sa.CheckConstraint("open_requests IS NULL OR open_requests > 0",
                           name=op.f("ck_quota_rules_open_requests_positive")),
        sa.CheckConstraint("weekly_bookings IS NULL OR weekly_bookings > 0",
                           name=op.f("ck_quota_rules_weekly_bookings_positive")),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"],
                                name=op.f("fk_quota_rules_center_id_centers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"],
                                name=op.f("fk_quota_rules_organization_id_organizations"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_quota_rules_updated_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quota_rules")),
        sa.UniqueConstraint("center_id", "organization_id", name="uq_quota_rules_center_org"),
    )
    op.create_index(op.f("ix_quota_rules_organization_id"), "quota_rules", ["organization_id"],
                    unique=False)
    op.create_index("uq_quota_rules_center_default", "quota_rules", ["center_id"], unique=True,
                    sqlite_where=sa.text("organization_id IS NULL"),
                    postgresql_where=sa.text("organization_id IS NULL"))


def downgrade() -> None:
    op.drop_index("uq_quota_rules_center_default", table_name="quota_rules")
    op.drop_index("ix_quota_rules_organization_id", table_name="quota_rules")
    op.drop_table("quota_rules")
