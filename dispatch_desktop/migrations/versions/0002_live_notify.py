"""Live updates: row triggers publish NOTIFY dispatch_changes on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TABLES = (
    "call",
    "call_person",
    "classification",
    "recommendation",
    "routing_decision",
    "assignment",
    "unit",
    "outcome",
    "review",
)

FUNCTION = """
CREATE OR REPLACE FUNCTION dispatch_notify_change() RETURNS trigger AS $$
DECLARE
    row_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        row_id := OLD.id;
    ELSE
        row_id := NEW.id;
    END IF;
    PERFORM pg_notify(
        'dispatch_changes',
        json_build_object('table', TG_TABLE_NAME, 'id', row_id, 'op', TG_OP)::text
    );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite consoles poll instead (services/platform/live.py).
    op.execute(FUNCTION)
    for table in TABLES:
        op.execute(
            f'CREATE TRIGGER "{table}_notify_change" AFTER INSERT OR UPDATE OR DELETE '
            f'ON "{table}" FOR EACH ROW EXECUTE FUNCTION dispatch_notify_change()'
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'DROP TRIGGER IF EXISTS "{table}_notify_change" ON "{table}"')
    op.execute("DROP FUNCTION IF EXISTS dispatch_notify_change()")
