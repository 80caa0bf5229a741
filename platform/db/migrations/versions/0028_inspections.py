"""inspections: visits and research by representatives, their units, teams, files and briefs (issue 23)

Revision ID: 0028_inspections
Revises: 0027_briefings
Create Date: 2026-12-20 20:00:00

A visit (`in_inspections`: form, subject, date, state, the plan's notification date, findings
and report), the units visited (`in_inspection_units`), the team with who took part
(`in_inspection_members`), the report's files (`in_inspection_files`) and the written briefs
to a unit, each a case referred through casework (`in_briefs`). Every table is tenant-owned,
under row-level security on PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0028_inspections'
down_revision = '0027_briefings'
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
TABLES = ('in_inspections', 'in_inspection_units', 'in_inspection_members', 'in_inspection_files', 'in_briefs')


def _tenant(table: str) -> list:
    return [
        sa.Column('tenant_id', BIG, nullable=False),
        sa.Column('id', BIG, sa.Identity(always=False), nullable=False),
        sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f(f'fk_{table}_tenant_id_townships'), ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f(f'pk_{table}')),
    ]


def _to_inspection(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['tenant_id', 'inspection_id'], ['in_inspections.tenant_id', 'in_inspections.id'], name=op.f(f'fk_{table}_tenant_id_inspection_id_in_inspections'))


def upgrade() -> None:
    op.create_table('in_inspections',
    *_tenant('in_inspections'),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('scale', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('group_id', BIG, nullable=True),
    sa.Column('organiser_user_id', BIG, nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=True),
    sa.Column('report', sa.Text(), nullable=True),
    sa.Column('reported_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_in_inspections_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['organiser_user_id'], ['users.id'], name=op.f('fk_in_inspections_organiser_user_id_users')),
    )
    op.create_index('ix_in_inspections_held_on', 'in_inspections', ['tenant_id', 'held_on'], unique=False)
    op.create_index('ix_in_inspections_state', 'in_inspections', ['tenant_id', 'state'], unique=False)
    op.create_table('in_inspection_units',
    *_tenant('in_inspection_units'),
    sa.Column('inspection_id', BIG, nullable=False),
    sa.Column('unit_id', BIG, nullable=False),
    _to_inspection('in_inspection_units'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_in_inspection_units_tenant_id_unit_id_handling_units')),
    sa.UniqueConstraint('tenant_id', 'inspection_id', 'unit_id', name=op.f('uq_in_inspection_units_tenant_id_inspection_id_unit_id')),
    )
    op.create_table('in_inspection_members',
    *_tenant('in_inspection_members'),
    sa.Column('inspection_id', BIG, nullable=False),
    sa.Column('representative_id', BIG, nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    _to_inspection('in_inspection_members'),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_in_inspection_members_tenant_id_representative_id_representatives')),
    sa.UniqueConstraint('tenant_id', 'inspection_id', 'representative_id', name=op.f('uq_in_inspection_members_tenant_id_inspection_id_representative_id')),
    )
    op.create_index('ix_in_inspection_members_rep', 'in_inspection_members', ['tenant_id', 'representative_id'], unique=False)
    op.create_table('in_inspection_files',
    *_tenant('in_inspection_files'),
    sa.Column('inspection_id', BIG, nullable=False),
    sa.Column('file_id', BIG, nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _to_inspection('in_inspection_files'),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_in_inspection_files_tenant_id_file_id_stored_files')),
    )
    op.create_table('in_briefs',
    *_tenant('in_briefs'),
    sa.Column('inspection_id', BIG, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_id', BIG, nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('case_id', BIG, nullable=False),
    sa.Column('created_by_id', BIG, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    _to_inspection('in_briefs'),
    sa.ForeignKeyConstraint(['tenant_id', 'unit_id'], ['handling_units.tenant_id', 'handling_units.id'], name=op.f('fk_in_briefs_tenant_id_unit_id_handling_units')),
    sa.ForeignKeyConstraint(['tenant_id', 'case_id'], ['cases.tenant_id', 'cases.id'], name=op.f('fk_in_briefs_tenant_id_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_in_briefs_created_by_id_users')),
    )
    op.create_index('ix_in_briefs_inspection', 'in_briefs', ['tenant_id', 'inspection_id'], unique=False)
    for table in TABLES:
        rls.enable(op, table)


def downgrade() -> None:
    for table in reversed(TABLES):
        rls.disable(op, table)
    op.drop_index('ix_in_briefs_inspection', table_name='in_briefs')
    op.drop_table('in_briefs')
    op.drop_table('in_inspection_files')
    op.drop_index('ix_in_inspection_members_rep', table_name='in_inspection_members')
    op.drop_table('in_inspection_members')
    op.drop_table('in_inspection_units')
    op.drop_index('ix_in_inspections_state', table_name='in_inspections')
    op.drop_index('ix_in_inspections_held_on', table_name='in_inspections')
    op.drop_table('in_inspections')
