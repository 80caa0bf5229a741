"""people: representatives, groups, handling units, party members, households, imports

Revision ID: 0002_people
Revises: 0001_foundation
Create Date: 2026-11-22 04:10:47.159045
"""
from alembic import op
import sqlalchemy as sa

from lianxin.db import rls

revision = '0002_people'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handling_units',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('contact_name', sa.String(length=50), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_handling_units_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_handling_units')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_handling_units_tenant_id_name'))
    )
    op.create_table('representative_groups',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_representative_groups_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_representative_groups')),
    sa.UniqueConstraint('tenant_id', 'name', name=op.f('uq_representative_groups_tenant_id_name'))
    )
    op.create_table('households',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('head_name', sa.String(length=50), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_households_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_households_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_households'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index('ix_households_branch', ['tenant_id', 'branch_id'], unique=False)

    op.create_table('import_jobs',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('valid_rows', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('created_rows', sa.Integer(), nullable=False),
    sa.Column('updated_rows', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
    sa.ForeignKeyConstraint(['tenant_id', 'file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_import_jobs_tenant_id_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_import_jobs_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_import_jobs'))
    )
    op.create_table('party_members',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('name_pinyin', sa.String(length=200), nullable=False),
    sa.Column('name_initials', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_party_members_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_party_members_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_party_members'))
    )
    with op.batch_alter_table('party_members', schema=None) as batch_op:
        batch_op.create_index('ix_party_members_branch', ['tenant_id', 'branch_id'], unique=False)

    op.create_table('representatives',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('name_pinyin', sa.String(length=200), nullable=False),
    sa.Column('name_initials', sa.String(length=50), nullable=False),
    sa.Column('gender', sa.String(length=8), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('ethnicity', sa.String(length=20), nullable=False),
    sa.Column('education', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('is_grassroots_cadre', sa.Boolean(), nullable=False),
    sa.Column('branch_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('is_township_rep', sa.Boolean(), nullable=False),
    sa.Column('is_county_rep', sa.Boolean(), nullable=False),
    sa.Column('term', sa.Integer(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('workplace', sa.String(length=100), nullable=True),
    sa.Column('post', sa.String(length=100), nullable=True),
    sa.Column('photo_file_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('ended_reason', sa.String(length=16), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('ended_note', sa.String(length=200), nullable=True),
    sa.Column('user_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id', 'branch_id'], ['branches.tenant_id', 'branches.id'], name=op.f('fk_representatives_tenant_id_branch_id_branches')),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_representatives_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['tenant_id', 'photo_file_id'], ['stored_files.tenant_id', 'stored_files.id'], name=op.f('fk_representatives_tenant_id_photo_file_id_stored_files')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_representatives_tenant_id_townships'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_representatives_user_id_users')),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_representatives')),
    sa.UniqueConstraint('tenant_id', 'name', 'birth_date', name=op.f('uq_representatives_tenant_id_name_birth_date'))
    )
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.create_index('ix_representatives_initials', ['tenant_id', 'name_initials'], unique=False)
        batch_op.create_index('ix_representatives_pinyin', ['tenant_id', 'name_pinyin'], unique=False)

    op.create_table('group_memberships',
    sa.Column('tenant_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), sa.Identity(always=False), nullable=False),
    sa.Column('group_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('representative_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=False),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['tenant_id', 'group_id'], ['representative_groups.tenant_id', 'representative_groups.id'], name=op.f('fk_group_memberships_tenant_id_group_id_representative_groups')),
    sa.ForeignKeyConstraint(['tenant_id', 'representative_id'], ['representatives.tenant_id', 'representatives.id'], name=op.f('fk_group_memberships_tenant_id_representative_id_representatives')),
    sa.ForeignKeyConstraint(['tenant_id'], ['townships.id'], name=op.f('fk_group_memberships_tenant_id_townships'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('tenant_id', 'id', name=op.f('pk_group_memberships'))
    )
    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.create_index('ix_group_memberships_group', ['tenant_id', 'group_id', 'ended_on'], unique=False)

    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_memberships_tenant_id_unit_id_handling_units'), 'handling_units', ['tenant_id', 'unit_id'], ['tenant_id', 'id'])

    for table in ("representative_groups", "representatives", "group_memberships",
                  "handling_units", "party_members", "households", "import_jobs"):
        rls.enable(op, table)


def downgrade() -> None:
    with op.batch_alter_table('memberships', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_memberships_tenant_id_unit_id_handling_units'), type_='foreignkey')

    with op.batch_alter_table('group_memberships', schema=None) as batch_op:
        batch_op.drop_index('ix_group_memberships_group')

    op.drop_table('group_memberships')
    with op.batch_alter_table('representatives', schema=None) as batch_op:
        batch_op.drop_index('ix_representatives_pinyin')
        batch_op.drop_index('ix_representatives_initials')

    op.drop_table('representatives')
    with op.batch_alter_table('party_members', schema=None) as batch_op:
        batch_op.drop_index('ix_party_members_branch')

    op.drop_table('party_members')
    op.drop_table('import_jobs')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index('ix_households_branch')

    op.drop_table('households')
    op.drop_table('representative_groups')
    op.drop_table('handling_units')
