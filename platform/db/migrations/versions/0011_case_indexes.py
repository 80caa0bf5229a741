"""case indexes found by the load benchmark: the case list by date, a case's assignments and replies

Revision ID: 0011_case_indexes
Revises: 0010_county_rollups
Create Date: 2026-12-01 23:45:00

infra/bench/load.py: the township case list sorted every case of the township (a top-N heapsort
of ~2,000 wide rows, 13 ms) to show the newest 50; a case's detail scanned all of the township's
assignments and replies for its own (0.2-0.4 ms at 2,000 cases, linear in the township's size).
"""
from alembic import op

revision = '0011_case_indexes'
down_revision = '0010_county_rollups'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_created', ['tenant_id', 'created_at', 'id'], unique=False)
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.create_index('ix_case_assignments_case', ['tenant_id', 'case_id'], unique=False)
    with op.batch_alter_table('case_replies', schema=None) as batch_op:
        batch_op.create_index('ix_case_replies_case', ['tenant_id', 'case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_case_replies_case')
    with op.batch_alter_table('case_assignments', schema=None) as batch_op:
        batch_op.drop_index('ix_case_assignments_case')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_created')
