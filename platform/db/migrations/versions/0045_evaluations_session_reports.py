"""evaluations_session_reports: a city representative's duty report filed among an annual
session's documents (市党代表在年会上报告履职, 001 张家港 第六节)

Revision ID: 0045_evaluations_session_reports
Revises: 0044_awards_township_selections
Create Date: 2026-12-07 14:00:00

Four nullable columns on `ev_subjects`: the session the report was filed with, its title then,
the latest document (`as_documents`) that holds it and the SHA-256 of that document's text. A
report edited after filing reads otherwise than the digest: the office files the update beside
the first document (same session), which stays as it was filed. `ev_subjects` keeps its
row-level security (the columns are the township's own rows).
"""

import sqlalchemy as sa
from alembic import op

revision = "0045_evaluations_session_reports"
down_revision = "0044_awards_township_selections"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("ev_subjects") as batch_op:
        batch_op.add_column(sa.Column("filed_session_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("filed_session_title", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("filed_document_id", _ID, nullable=True))
        batch_op.add_column(sa.Column("filed_digest", sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(
            "fk_ev_subjects_filed_session",
            "as_sessions",
            ["tenant_id", "filed_session_id"],
            ["tenant_id", "id"],
        )
        batch_op.create_foreign_key(
            "fk_ev_subjects_filed_document",
            "as_documents",
            ["tenant_id", "filed_document_id"],
            ["tenant_id", "id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("ev_subjects") as batch_op:
        batch_op.drop_constraint("fk_ev_subjects_filed_document", type_="foreignkey")
        batch_op.drop_constraint("fk_ev_subjects_filed_session", type_="foreignkey")
        batch_op.drop_column("filed_digest")
        batch_op.drop_column("filed_document_id")
        batch_op.drop_column("filed_session_title")
        batch_op.drop_column("filed_session_id")
