"""sealed anonymous answers: pooled evaluation answers and secret ballots are kept only sealed;
K, the batch and the sealing salt are frozen into each campaign and vote

Revision ID: 0012_sealed_answers
Revises: 0011_case_indexes
Create Date: 2026-12-06 18:00:00

The pools held answers in plain text with a key copied into the final table (issue 17): they
are made anew with one `sealed` column. A pool that still holds answers was written by the
old release rule; the upgrade refuses rather than drop or expose them: close those campaigns
and votes with the previous version first.
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0012_sealed_answers'
down_revision = '0011_case_indexes'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def _refuse_if_pending(table: str) -> None:
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # The owner role is subject to FORCE RLS: count as the table owner would see it all.
        bind.execute(sa.text(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY'))
    pending = bind.execute(sa.text(f'SELECT count(*) FROM {table}')).scalar()
    if pending:
        raise RuntimeError(
            f'{table} holds {pending} pooled answers written in plain text by the previous '
            'version: close their campaigns or votes with that version, then upgrade'
        )


def _pool(table: str, parent: str, parent_table: str, subject: bool) -> None:
    columns = [
        sa.Column('tenant_id', BIG, nullable=False),
        sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
        sa.Column(parent, BIG, nullable=False),
    ]
    constraints = [
        sa.ForeignKeyConstraint(['tenant_id', parent], [f'{parent_table}.tenant_id', f'{parent_table}.id'], name=op.f(f'fk_{table}_tenant_id_{parent}_{parent_table}')),
        sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f(f'fk_{table}_tenant_id_townships'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f(f'pk_{table}')),
    ]
    if subject:
        columns.append(sa.Column('subject_id', BIG, nullable=False))
        constraints.append(sa.ForeignKeyConstraint(['tenant_id', 'subject_id'], ['ev_subjects.tenant_id', 'ev_subjects.id'], name=op.f(f'fk_{table}_tenant_id_subject_id_ev_subjects')))
    columns.append(sa.Column('sealed', sa.LargeBinary(), nullable=False))
    op.create_table(table, *columns, *constraints)
    rls.enable(op, table)


def upgrade() -> None:
    for table in ('ev_answer_pool', 'as_ballot_pool'):
        _refuse_if_pending(table)
        op.drop_table(table)
    _pool('ev_answer_pool', 'campaign_id', 'ev_campaigns', subject=True)
    _pool('as_ballot_pool', 'vote_id', 'as_votes', subject=False)
    with op.batch_alter_table('ev_campaigns') as batch_op:
        batch_op.add_column(sa.Column('min_answers', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_batch', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True))
        batch_op.add_column(sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('ev_subjects') as batch_op:
        batch_op.add_column(sa.Column('proposal_reason', sa.String(length=500), nullable=True))
    with op.batch_alter_table('as_votes') as batch_op:
        batch_op.add_column(sa.Column('min_ballots', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('seal_salt', sa.LargeBinary(length=16), nullable=True))
    # Campaigns closed before: counted by the old rule (their results stand). Open ones keep the
    # township's K and batch of today from now on.
    op.execute("UPDATE ev_campaigns SET counted_at = closed_at WHERE state = 'closed'")


def downgrade() -> None:
    with op.batch_alter_table('as_votes') as batch_op:
        batch_op.drop_column('seal_salt')
        batch_op.drop_column('min_ballots')
    with op.batch_alter_table('ev_subjects') as batch_op:
        batch_op.drop_column('proposal_reason')
    with op.batch_alter_table('ev_campaigns') as batch_op:
        batch_op.drop_column('counted_at')
        batch_op.drop_column('seal_salt')
        batch_op.drop_column('answer_batch')
        batch_op.drop_column('min_answers')
    for table in ('as_ballot_pool', 'ev_answer_pool'):
        _refuse_if_pending(table)
        op.drop_table(table)
    op.create_table('ev_answer_pool',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('campaign_id', BIG, nullable=False),
    sa.Column('subject_id', BIG, nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('overall', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'campaign_id'], ['ev_campaigns.tenant_id', 'ev_campaigns.id'], name=op.f('fk_ev_answer_pool_tenant_id_campaign_id_ev_campaigns')),
    sa.ForeignKeyConstraint(['tenant_id', 'subject_id'], ['ev_subjects.tenant_id', 'ev_subjects.id'], name=op.f('fk_ev_answer_pool_tenant_id_subject_id_ev_subjects')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ev_answer_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ev_answer_pool')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_ev_answer_pool_tenant_id_key'))
    )
    op.create_table('as_ballot_pool',
    sa.Column('tenant_id', BIG, nullable=False),
    sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
    sa.Column('vote_id', BIG, nullable=False),
    sa.Column('key', sa.String(length=36), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'vote_id'], ['as_votes.tenant_id', 'as_votes.id'], name=op.f('fk_as_ballot_pool_tenant_id_vote_id_as_votes')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_as_ballot_pool_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_as_ballot_pool')),
    sa.UniqueConstraint('tenant_id', 'key', name=op.f('uq_as_ballot_pool_tenant_id_key'))
    )
    for table in ('ev_answer_pool', 'as_ballot_pool'):
        rls.enable(op, table)
