"""audit_filters: indexes for the audit pages' filters

Revision ID: 0040_audit_filters
Revises: 0039_case_paper_intake
Create Date: 2026-12-07 09:00:00

The audit pages (`/t/<slug>/audit`, `/c/<slug>/audit`, `/admin/audit`) read one chain, filtered
by who (`actor_user_id`), what kind (`action IN (…)`) and which days (`created_at`), newest
first, 50 a page, with a count: each filter gets an index that starts with the chain. The table
is append-only (no UPDATE for the app role), so the indexes only cost a little on insert.
"""

from alembic import op

revision = "0040_audit_filters"
down_revision = "0039_case_paper_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_entries_chain_actor", ["chain", "actor_user_id", "seq"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entries_chain_action", ["chain", "action", "seq"], unique=False
        )
        batch_op.create_index(
            "ix_audit_entries_chain_created", ["chain", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_chain_created")
        batch_op.drop_index("ix_audit_entries_chain_action")
        batch_op.drop_index("ix_audit_entries_chain_actor")
