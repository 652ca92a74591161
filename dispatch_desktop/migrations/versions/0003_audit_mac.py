"""Audit chain keyed with an HMAC: each event names the audit key that signed it.

Events already in the log keep ``mac_key_id`` NULL and stay verifiable as the plain
SHA-256 chain they were written as; events written from now on are HMAC-SHA-256 under the
audit key in the OS keyring (services/security/audit.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.add_column(sa.Column("mac_key_id", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_event") as batch:
        batch.drop_column("mac_key_id")
