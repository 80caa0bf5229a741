"""county rollups: figures per county, township and period, entity figures, jobs and settings

Revision ID: 0010_county_rollups
Revises: 0009_liaison
Create Date: 2026-12-01 22:47:30.646498
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0010_county_rollups'
# 0009_liaison is written alongside; until it exists this follows 0008_evaluations.
down_revision = '0009_liaison'
branch_labels = None
depends_on = None

ROLLUP_TABLES = ('county_rollups', 'county_entity_rollups')


def upgrade() -> None:
    op.create_table('county_comparison_settings',
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('min_count', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_county_comparison_settings_county_id_counties')),
    sa.PrimaryKeyConstraint('county_id', name=op.f('pk_county_comparison_settings'))
    )
    op.create_table('county_jobs',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_county_jobs_county_id_counties')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_county_jobs_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_county_jobs'))
    )
    with op.batch_alter_table('county_jobs', schema=None) as batch_op:
        batch_op.create_index('ix_county_jobs_county', ['county_id', 'kind'], unique=False)

    op.create_table('county_entity_rollups',
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('entity_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('metric', sa.String(length=48), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_county_entity_rollups_county_id_counties')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_county_entity_rollups_tenant_id_townships')),
    sa.PrimaryKeyConstraint('county_id', 'tenant_id', 'period', 'kind', 'entity_id', 'metric', name=op.f('pk_county_entity_rollups'))
    )
    with op.batch_alter_table('county_entity_rollups', schema=None) as batch_op:
        batch_op.create_index('ix_county_entity_rollups_rank', ['county_id', 'period', 'kind'], unique=False)

    op.create_table('county_rollups',
    sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('metric', sa.String(length=48), nullable=False),
    sa.Column('period_kind', sa.String(length=8), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('module_key', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=200), nullable=True),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_county_rollups_county_id_counties')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_county_rollups_tenant_id_townships')),
    sa.PrimaryKeyConstraint('county_id', 'tenant_id', 'period', 'metric', name=op.f('pk_county_rollups'))
    )
    with op.batch_alter_table('county_rollups', schema=None) as batch_op:
        batch_op.create_index('ix_county_rollups_period', ['county_id', 'period', 'metric'], unique=False)

    # The county's own policy (ARCHITECTURE.md §4): its county reads, each township writes its own.
    for table in ROLLUP_TABLES:
        rls.enable_county(op, table)



def downgrade() -> None:
    for table in ROLLUP_TABLES:
        rls.disable_county(op, table)
    with op.batch_alter_table('county_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_county_rollups_period')

    op.drop_table('county_rollups')
    with op.batch_alter_table('county_entity_rollups', schema=None) as batch_op:
        batch_op.drop_index('ix_county_entity_rollups_rank')

    op.drop_table('county_entity_rollups')
    with op.batch_alter_table('county_jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_county_jobs_county')

    op.drop_table('county_jobs')
    op.drop_table('county_comparison_settings')
