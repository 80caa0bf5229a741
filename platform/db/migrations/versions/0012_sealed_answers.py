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
import json
import os
from typing import Any

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
    columns: list[sa.Column[Any]] = [
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
    _freeze_existing()


def _setting(bind, tenant_id: int, module: str, name: str, default: int) -> int:
    """A township's setting as the app reads it: its override, its county's default, the
    module's default."""
    row = bind.execute(
        sa.text(
            'SELECT tm.settings, c.module_defaults FROM townships t '
            'JOIN counties c ON c.id = t.county_id '
            'LEFT JOIN township_modules tm ON tm.township_id = t.id AND tm.module_key = :m '
            'WHERE t.id = :t'
        ),
        {'t': tenant_id, 'm': module},
    ).first()
    if row is None:
        return default
    own, county = (json.loads(v) if isinstance(v, str) else (v or {}) for v in row)
    return int(own.get(name, (county.get(module) or {}).get(name, default)))


def _freeze_existing() -> None:
    """Campaigns and votes already running or closed get what new ones get at opening: their K
    and batch frozen now (a setting lowered later must not open a closed campaign's subjects
    with fewer answers), and the running ones a sealing salt so they keep taking answers."""
    bind = op.get_bind()
    rls_tables = ('ev_campaigns', 'as_votes') if bind.dialect.name == 'postgresql' else ()
    for table in rls_tables:  # the owner sees every township's rows only without FORCE
        bind.execute(sa.text(f'ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY'))
    campaigns = bind.execute(
        sa.text("SELECT tenant_id, id, state FROM ev_campaigns WHERE state IN ('open', 'closed')")
    ).all()
    for tenant_id, campaign_id, state in campaigns:
        k = _setting(bind, tenant_id, 'evaluations', 'min_answers', 5)
        batch = max(k, _setting(bind, tenant_id, 'evaluations', 'answer_batch', 5))
        bind.execute(
            sa.text(
                'UPDATE ev_campaigns SET min_answers = :k, answer_batch = :b, seal_salt = :s, '
                'counted_at = CASE WHEN state = \'closed\' THEN closed_at END '
                'WHERE tenant_id = :t AND id = :i'
            ),
            {'k': k, 'b': batch, 's': os.urandom(16) if state == 'open' else None,
             't': tenant_id, 'i': campaign_id},
        )
    votes = bind.execute(
        sa.text(
            "SELECT tenant_id, id FROM as_votes WHERE method = 'secret' AND channel = 'online'"
        )
    ).all()
    for tenant_id, vote_id in votes:
        k = max(3, _setting(bind, tenant_id, 'annual_sessions', 'ballot_batch', 5))
        bind.execute(
            sa.text('UPDATE as_votes SET min_ballots = :k, seal_salt = :s WHERE tenant_id = :t AND id = :i'),
            {'k': k, 's': os.urandom(16), 't': tenant_id, 'i': vote_id},
        )
    for table in rls_tables:
        bind.execute(sa.text(f'ALTER TABLE {table} FORCE ROW LEVEL SECURITY'))


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
