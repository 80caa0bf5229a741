"""awards_candidates_policy: the county reads the candidates of its own selections only

Revision ID: 0046_awards_candidates_policy
Revises: 0045_evaluations_session_reports
Create Date: 2026-12-07 16:00:00

Since 0044 a township may run its own selection (`award_selections.township_id` set), whose
candidates are that township's rows of `award_candidates`. Under the county policy of 0036 the
county's context read (and could write) every row of its county, a township's own selection's
included: only the service's scoping kept them apart. Now the database says it too: in the
county's context the policy lets through the candidates of the county's selections only
(`township_id IS NULL`, of the same county); a township's context reads and writes its own rows,
of either kind, as before. `award_selections` has no row-level security, so the policy may look
the selection up; for the look-up to mean anything a selection's owner is fixed once written: a
trigger refuses an UPDATE that changes its `county_id` or `township_id` (else one UPDATE turning
a township's selection into a county one would hand its candidates to the county). PostgreSQL
only (SQLite has no row-level security); the downgrade restores the policy of 0036 and drops
the trigger.
"""

from alembic import op

revision = "0046_awards_candidates_policy"
down_revision = "0045_evaluations_session_reports"
branch_labels = None
depends_on = None

# The names and words of 0036 (lianxin.db.rls at that time), frozen here as a migration must be.
_POLICY = "county_rollup_access"
_TENANT = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint"
_COUNTY = "county_id = NULLIF(current_setting('app.county_id', true), '')::bigint"
_OLD = f"{_COUNTY} OR {_TENANT}"
_NEW = (
    f"({_COUNTY} AND EXISTS (SELECT 1 FROM award_selections s"
    " WHERE s.id = award_candidates.selection_id"
    " AND s.county_id = award_candidates.county_id"
    f" AND s.township_id IS NULL)) OR {_TENANT}"
)


def _set(predicate: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f'ALTER POLICY {_POLICY} ON "award_candidates" USING ({predicate}) WITH CHECK ({predicate})'
    )


_FUNCTION = "award_selections_owner_fixed"
_TRIGGER = "award_selections_owner_fixed"


def upgrade() -> None:
    _set(_NEW)
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"""CREATE FUNCTION {_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.county_id IS DISTINCT FROM OLD.county_id
       OR NEW.township_id IS DISTINCT FROM OLD.township_id THEN
        RAISE EXCEPTION 'an award selection keeps its county and township'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$"""
    )
    op.execute(
        f'CREATE TRIGGER {_TRIGGER} BEFORE UPDATE ON "award_selections"'
        f" FOR EACH ROW EXECUTE FUNCTION {_FUNCTION}()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'DROP TRIGGER IF EXISTS {_TRIGGER} ON "award_selections"')
        op.execute(f"DROP FUNCTION IF EXISTS {_FUNCTION}()")
    _set(_OLD)
