"""working_calendar: the platform's working calendar, seeded from the chinesecalendar package

Revision ID: 0016_working_calendar
Revises: 0015_publish_contact
Create Date: 2026-12-06 20:00:00

Days that differ from Monday–Friday (national, or one county's local holidays), the years whose
national calendar is official, and a revision number that tells other processes to drop their
cached calendar (lianxin.work_calendar). Every year the installed `chinesecalendar` package
covers is seeded as official (source `package`), so that 2004–2026 behave as before; the
operator adds later years from the State Council's notice (`lianxin calendar load`).
"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

revision = '0016_working_calendar'
down_revision = '0015_publish_contact'
branch_labels = None
depends_on = None

# The package's English holiday names in the words of the State Council's notices.
NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _name(value) -> str:
    english = str(getattr(value, "value", value))
    return NAMES.get(english, english)[:60]


def _package_rows() -> tuple[list[dict], list[int]]:
    from chinese_calendar import constants

    now = datetime.now(UTC)
    rows = []
    for day, holiday in sorted(constants.holidays.items()):
        if day.weekday() < 5:  # a holiday on a weekend changes nothing
            rows.append(
                {"day": day, "working": False, "name": _name(holiday), "source": "package",
                 "changed_at": now}
            )
    for day, holiday in sorted(constants.workdays.items()):
        if day.weekday() >= 5:  # an adjusted working day (调休上班)
            rows.append(
                {"day": day, "working": True, "name": f"{_name(holiday)}调休上班",
                 "source": "package", "changed_at": now}
            )
    years = sorted({day.year for day in constants.holidays} | {d.year for d in constants.workdays})
    return rows, years


def upgrade() -> None:
    days = op.create_table(
        'work_calendar_days',
        sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('county_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('working', sa.Boolean(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('changed_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['county_id'], ['counties.id'], name=op.f('fk_work_calendar_days_county_id_counties'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_work_calendar_days_changed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendar_days')),
    )
    op.create_index(
        'uq_work_calendar_days_national', 'work_calendar_days', ['day'], unique=True,
        postgresql_where=sa.text('county_id IS NULL'), sqlite_where=sa.text('county_id IS NULL'),
    )
    op.create_index(
        'uq_work_calendar_days_county', 'work_calendar_days', ['county_id', 'day'], unique=True,
        postgresql_where=sa.text('county_id IS NOT NULL'),
        sqlite_where=sa.text('county_id IS NOT NULL'),
    )
    years = op.create_table(
        'work_calendar_years',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('source', sa.String(length=16), nullable=False),
        sa.Column('loaded_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
        sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['loaded_by_id'], ['users.id'], name=op.f('fk_work_calendar_years_loaded_by_id_users')),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_work_calendar_years')),
    )
    revision_table = op.create_table(
        'work_calendar_revision',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('revision', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendar_revision')),
    )
    rows, covered = _package_rows()
    now = datetime.now(UTC)
    op.bulk_insert(days, rows)
    op.bulk_insert(years, [{"year": y, "source": "package", "loaded_at": now} for y in covered])
    op.bulk_insert(revision_table, [{"id": 1, "revision": 1}])


def downgrade() -> None:
    op.drop_table('work_calendar_revision')
    op.drop_table('work_calendar_years')
    op.drop_index('uq_work_calendar_days_county', table_name='work_calendar_days')
    op.drop_index('uq_work_calendar_days_national', table_name='work_calendar_days')
    op.drop_table('work_calendar_days')
