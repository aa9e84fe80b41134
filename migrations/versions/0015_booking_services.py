"""services with a booking: each center's catalogue, what bookings ask of it

- ``service_items``: a center's catalogue (name, unit, stock or NULL for not
  counted, active, sort order).
- ``booking_service_items``: a booking's items (quantity, note, status
  requested/promised/done/cancelled, who marked it done and when).

Nothing is seeded: the demo fills the catalogues (booking/demo/services.py).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 21:50:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from booking.models.base import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STATUSES = ("requested", "promised", "done", "cancelled")


def upgrade() -> None:
    op.create_table(
        "service_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("center_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("stock IS NULL OR stock >= 0",
                           name=op.f("ck_service_items_stock_not_negative")),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"],
                                name=op.f("fk_service_items_center_id_centers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_items")),
    )
    op.create_index("ix_service_items_center_order", "service_items",
                    ["center_id", "sort_order", "id"], unique=False)
    op.create_table(
        "booking_service_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("status", sa.Enum(*STATUSES, name="service_item_status", native_enum=False,
                                    create_constraint=True, length=32), nullable=False),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_booking_service_items_quantity_positive")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"],
                                name=op.f("fk_booking_service_items_booking_id_bookings"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["item_id"], ["service_items.id"],
                                name=op.f("fk_booking_service_items_item_id_service_items"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"],
                                name=op.f("fk_booking_service_items_done_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_service_items")),
    )
    op.create_index(op.f("ix_booking_service_items_booking_id"), "booking_service_items",
                    ["booking_id"], unique=False)
    op.create_index("ix_booking_service_items_item_status", "booking_service_items",
                    ["item_id", "status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_booking_service_items_item_status", table_name="booking_service_items")
    op.drop_index(op.f("ix_booking_service_items_booking_id"), table_name="booking_service_items")
    op.drop_table("booking_service_items")
    op.drop_index("ix_service_items_center_order", table_name="service_items")
    op.drop_table("service_items")
