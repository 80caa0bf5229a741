"""reception days: sites, yearly schedules, days, day sites and duties

Revision ID: 0005_reception_days
Revises: 0004_workstations
Create Date: 2026-11-22 06:04:10.252960
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0005_reception_days'
down_revision = '0004_workstations'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rd_schedules',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('rule', sa.JSON(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_rd_schedules_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rd_schedules')),
    sa.UniqueConstraint('tenant_id', 'year', name=op.f('uq_rd_schedules_tenant_id_year'))
    )
    op.create_table('rd_days',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('schedule_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('rule_day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('moved_reason', sa.String(length=200), nullable=True),
    sa.Column('notice_published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('summary_sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'schedule_id'], ['rd_schedules.tenant_id', 'rd_schedules.id'], name=op.f('fk_rd_days_tenant_id_schedule_id_rd_schedules')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_rd_days_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rd_days')),
    sa.UniqueConstraint('tenant_id', 'day', name=op.f('uq_rd_days_tenant_id_day'))
    )
    with op.batch_alter_table('rd_days', schema=None) as batch_op:
        batch_op.create_index('ix_rd_days_schedule', ['tenant_id', 'schedule_id'], unique=False)

    op.create_table('rd_sites',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_rd_sites_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_rd_sites_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rd_sites')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_rd_sites_tenant_id_name'))
    )
    op.create_table('rd_day_sites',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('day_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('people_received', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'day_id'], ['rd_days.tenant_id', 'rd_days.id'], name=op.f('fk_rd_day_sites_tenant_id_day_id_rd_days')),
    sa.ForeignKeyConstraint(['tenant_id', 'site_id'], ['rd_sites.tenant_id', 'rd_sites.id'], name=op.f('fk_rd_day_sites_tenant_id_site_id_rd_sites')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_rd_day_sites_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rd_day_sites')),
    sa.UniqueConstraint('tenant_id', 'day_id', 'site_id', name=op.f('uq_rd_day_sites_tenant_id_day_id_site_id'))
    )
    op.create_table('rd_duties',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('day_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('site_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('absence_reason', sa.String(length=200), nullable=True),
    sa.Column('absence_reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('substitute_for_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('reminded_for', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'day_id', 'site_id'], ['rd_day_sites.tenant_id', 'rd_day_sites.day_id', 'rd_day_sites.site_id'], name=op.f('fk_rd_duties_tenant_id_day_id_site_id_rd_day_sites')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_rd_duties_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'substitute_for_id'], ['rd_duties.tenant_id', 'rd_duties.id'], name=op.f('fk_rd_duties_tenant_id_substitute_for_id_rd_duties')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_rd_duties_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_rd_duties')),
    sa.UniqueConstraint('tenant_id', 'day_id', 'representative_id', name=op.f('uq_rd_duties_tenant_id_day_id_representative_id'))
    )
    with op.batch_alter_table('rd_duties', schema=None) as batch_op:
        batch_op.create_index('ix_rd_duties_rep', ['tenant_id', 'representative_id'], unique=False)

    for table in ('rd_sites', 'rd_schedules', 'rd_days', 'rd_day_sites', 'rd_duties'):
        rls.enable(op, table)



def downgrade() -> None:
    with op.batch_alter_table('rd_duties', schema=None) as batch_op:
        batch_op.drop_index('ix_rd_duties_rep')

    op.drop_table('rd_duties')
    op.drop_table('rd_day_sites')
    op.drop_table('rd_sites')
    with op.batch_alter_table('rd_days', schema=None) as batch_op:
        batch_op.drop_index('ix_rd_days_schedule')

    op.drop_table('rd_days')
    op.drop_table('rd_schedules')
