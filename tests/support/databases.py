"""The PostgreSQL server the tests create their databases on."""
from __future__ import annotations

import os

PG_ADMIN_URL = os.environ.get(
    "BOOKING_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
