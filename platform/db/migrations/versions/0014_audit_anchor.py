"""audit anchor: entries carry an HMAC under a key the database never holds; the chain heads
the app role could rewrite are gone (the table keeps only the chains' names)

Revision ID: 0014_audit_anchor
Revises: 0013_account_security
Create Date: 2026-12-06 19:00:00

Entries written before this revision keep `mac` NULL: the first `lianxin audit checkpoint`
anchors them (platform/audit/README.md). The app role keeps only SELECT and INSERT on both
audit tables (migrations/env.py).
"""
from alembic import op
import sqlalchemy as sa

revision = '0014_audit_anchor'
down_revision = '0013_account_security'
branch_labels = None
depends_on = None

GENESIS = '0' * 64


def upgrade() -> None:
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mac', sa.String(length=64), nullable=True))
    # Every chain with entries is named, whatever the heads said.
    op.execute(
        'INSERT INTO audit_chain_heads (chain, seq, hash) '
        f"SELECT DISTINCT e.chain, 0, '{GENESIS}' FROM audit_entries e "
        'WHERE NOT EXISTS (SELECT 1 FROM audit_chain_heads h WHERE h.chain = e.chain)'
    )
    with op.batch_alter_table('audit_chain_heads', schema=None) as batch_op:
        batch_op.drop_column('hash')
        batch_op.drop_column('seq')


def downgrade() -> None:
    with op.batch_alter_table('audit_chain_heads', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('seq', sa.BigInteger(), nullable=False, server_default='0')
        )
        batch_op.add_column(
            sa.Column('hash', sa.String(length=64), nullable=False, server_default=GENESIS)
        )
    # The heads the previous version expects: each chain's last entry.
    op.execute(
        'UPDATE audit_chain_heads SET '
        'seq = COALESCE((SELECT max(e.seq) FROM audit_entries e '
        'WHERE e.chain = audit_chain_heads.chain), 0), '
        "hash = COALESCE((SELECT e.hash FROM audit_entries e "
        'WHERE e.chain = audit_chain_heads.chain ORDER BY e.seq DESC LIMIT 1), '
        f"'{GENESIS}')"
    )
    with op.batch_alter_table('audit_chain_heads', schema=None) as batch_op:
        batch_op.alter_column('seq', server_default=None)
        batch_op.alter_column('hash', server_default=None)
    with op.batch_alter_table('audit_entries', schema=None) as batch_op:
        batch_op.drop_column('mac')
