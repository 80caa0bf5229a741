"""workstations: stations, representatives, shifts, meetings, commitments, monthly reports

Revision ID: 0004_workstations
Revises: 0003_casework
Create Date: 2026-11-22 05:00:14.429708
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0004_workstations'
down_revision = '0003_casework'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ws_stations',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('hours', sa.String(length=200), nullable=False),
    sa.Column('liaison_name', sa.String(length=50), nullable=True),
    sa.Column('liaison_phone', sa.String(length=20), nullable=True),
    sa.Column('rules', sa.Text(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_stations_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_stations')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_ws_stations_tenant_id_name'))
    )
    op.create_table('ws_meetings',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['ws_stations.tenant_id', 'ws_stations.id'], name=op.f('fk_ws_meetings_tenant_id_station_id_ws_stations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_meetings_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_meetings'))
    )
    op.create_table('ws_monthly_reports',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_ws_monthly_reports_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['ws_stations.tenant_id', 'ws_stations.id'], name=op.f('fk_ws_monthly_reports_tenant_id_station_id_ws_stations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_monthly_reports_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_monthly_reports')),
    sa.UniqueConstraint('tenant_id', 'station_id', 'month', name=op.f('uq_ws_monthly_reports_tenant_id_station_id_month'))
    )
    op.create_table('ws_commitments',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_ws_commitments_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_commitments_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_commitments'))
    )
    op.create_table('ws_meeting_representatives',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('meeting_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'meeting_id'], ['ws_meetings.tenant_id', 'ws_meetings.id'], name=op.f('fk_ws_meeting_representatives_tenant_id_meeting_id_ws_meetings')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_ws_meeting_representatives_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_meeting_representatives_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_meeting_representatives')),
    sa.UniqueConstraint('tenant_id', 'meeting_id', 'representative_id', name=op.f('uq_ws_meeting_representatives_tenant_id_meeting_id_representative_id'))
    )
    op.create_table('ws_shifts',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('starts_at', sa.Time(), nullable=False),
    sa.Column('ends_at', sa.Time(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_ws_shifts_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['ws_stations.tenant_id', 'ws_stations.id'], name=op.f('fk_ws_shifts_tenant_id_station_id_ws_stations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_shifts_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_shifts'))
    )
    with op.batch_alter_table('ws_shifts', schema=None) as batch_op:
        batch_op.create_index('ix_ws_shifts_day', ['tenant_id', 'day'], unique=False)
        batch_op.create_index('ix_ws_shifts_rep_day', ['tenant_id', 'representative_id', 'day'], unique=False)

    op.create_table('ws_station_representatives',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_ws_station_representatives_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id', 'station_id'], ['ws_stations.tenant_id', 'ws_stations.id'], name=op.f('fk_ws_station_representatives_tenant_id_station_id_ws_stations')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_ws_station_representatives_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_ws_station_representatives')),
    sa.UniqueConstraint('tenant_id', 'station_id', 'representative_id', name=op.f('uq_ws_station_representatives_tenant_id_station_id_representative_id'))
    )
    for table in ("ws_stations", "ws_station_representatives", "ws_shifts", "ws_meetings",
                  "ws_meeting_representatives", "ws_commitments", "ws_monthly_reports"):
        rls.enable(op, table)


def downgrade() -> None:
    op.drop_table('ws_station_representatives')
    with op.batch_alter_table('ws_shifts', schema=None) as batch_op:
        batch_op.drop_index('ix_ws_shifts_rep_day')
        batch_op.drop_index('ix_ws_shifts_day')

    op.drop_table('ws_shifts')
    op.drop_table('ws_meeting_representatives')
    op.drop_table('ws_commitments')
    op.drop_table('ws_monthly_reports')
    op.drop_table('ws_meetings')
    op.drop_table('ws_stations')
