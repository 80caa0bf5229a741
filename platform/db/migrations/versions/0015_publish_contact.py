"""publish_contact: what a representative agreed to publish on public pages

Revision ID: 0015_publish_contact
Revises: 0014_audit_anchor
Create Date: 2026-12-06 19:00:00

Public pages (the public roster, reception-day notices and posters) show a representative's
phone, workplace and photo only with this consent (lianxin.people.privacy). Nobody has given
it yet: it starts off for everyone.
"""
from alembic import op
import sqlalchemy as sa

revision = '0015_publish_contact'
down_revision = '0014_audit_anchor'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('representatives') as batch_op:
        batch_op.add_column(
            sa.Column('publish_contact', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('representatives') as batch_op:
        batch_op.drop_column('publish_contact')
