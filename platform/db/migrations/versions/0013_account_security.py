"""account security: a credentials epoch per user that ends sessions when the password is set or
changed or the account is switched off, and an expiry on every API token

Revision ID: 0013_account_security
Revises: 0012_sealed_answers
Create Date: 2026-12-06 18:30:00

`users.credentials_epoch` starts at 0; a session stores the value it signed in with and the
user loader refuses it once the value has moved on (lianxin.auth.sessions). `api_tokens
.expires_at` is required: tokens that exist at the upgrade get the default lifetime (90 days)
from the moment of the upgrade, so that no script stops working without warning. Signed-in
sessions from before the upgrade carry no epoch and no last-seen time: everyone signs in once
more. The downgrade drops both columns (tokens then never expire again).
"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa

revision = '0013_account_security'
down_revision = '0012_sealed_answers'
branch_labels = None
depends_on = None

TOKEN_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('credentials_epoch', sa.Integer(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    op.execute(
        tokens.update()
        .where(tokens.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + timedelta(days=TOKEN_DAYS))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column(
            'expires_at', existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_column('expires_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('credentials_epoch')
