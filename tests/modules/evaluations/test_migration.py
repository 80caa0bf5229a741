"""Migration 0012 on a database with campaigns already running or closed: each gets
the K and batch its township had (so lowering the setting later opens no subject of a closed
campaign with fewer answers), and the running ones a sealing salt, so they keep taking answers.
SQLite (the migration's PostgreSQL branch runs on every CI migration of the test database)."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from lianxin.db import anonymous, db
from lianxin.db.migrate import downgrade, upgrade
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import AnswerInput, CampaignInput, SubjectInput
from lianxin.tenants import service as tenants
from tests.factories import actor

pytestmark = pytest.mark.sqlite_only


def _campaign(cast, tctx, office, title):
    campaign = service.create_campaign(
        office,
        tctx,
        CampaignInput(
            title=title, shape="committee", opens_on=date(2025, 12, 1), closes_on=date(2026, 1, 15)
        ),
    )
    service.add_subject(office, tctx, campaign.id, SubjectInput(user_id=cast.members[0].id))
    service.open_campaign(office, tctx, campaign.id)
    return campaign.id


def test_running_and_closed_campaigns_are_frozen_and_sealed_by_the_upgrade(
    app, clock, cast, tctx, office, world, tmp_path
):
    admin = actor(world.users["township_admin"])
    tenants.update_township_settings(admin, tctx, "evaluations", {"min_answers": 7})
    running = _campaign(cast, tctx, office, f"进行中{uuid.uuid4().hex[:4]}")
    closed = _campaign(cast, tctx, office, f"已结束{uuid.uuid4().hex[:4]}")
    service.close_campaign(office, tctx, closed)
    # Upgrade a copy of this database taken back to before 0012, and read it raw.
    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0012.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)  # the committed state, -wal included
    url = f"sqlite:///{copy}"
    downgrade(url, "0011_case_indexes")  # as the database was before K was frozen
    upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        rows = {
            r.id: r
            for r in conn.execute(
                text(
                    "SELECT id, min_answers, answer_batch, seal_salt, counted_at, closed_at "
                    "FROM ev_campaigns"
                )
            )
        }
    engine.dispose()
    assert (rows[running].min_answers, rows[running].answer_batch) == (7, 7)
    assert rows[running].seal_salt is not None and rows[running].counted_at is None
    assert (rows[closed].min_answers, rows[closed].seal_salt) == (7, None)
    assert rows[closed].counted_at == rows[closed].closed_at
    # A salt is what lets the running campaign take answers: the box opens what it seals.
    box = anonymous.Box("evaluation", tctx.id, running, bytes(rows[running].seal_salt), 512)
    assert box.open(box.seal({"scores": {"results": 8}}, 1), 1) == {"scores": {"results": 8}}


def test_answers_released_before_0022_stay_grades_and_running_campaigns_follow_the_setting(
    app, clock, cast, tctx, office, tmp_path
):
    """Migration 0022 (“无法评价”): every answer already released is a grade; a campaign opened
    before it has no frozen choice and follows the township's setting (on by default)."""
    running = _campaign(cast, tctx, office, f"进行中{uuid.uuid4().hex[:4]}")
    closed = _campaign(cast, tctx, office, f"已结束{uuid.uuid4().hex[:4]}")
    (subject,) = service.subjects(office, tctx, closed)
    scores = {d["key"]: 8 for d in service.get_campaign(office, tctx, closed).dimensions}
    for i in range(5):
        service.submit_by_account(
            cast.actors[i], tctx, closed, [AnswerInput(subject_id=subject.id, scores=scores)]
        )
    service.close_campaign(office, tctx, closed)
    source = db.engine.url.database
    db.session.commit()
    copy = tmp_path / "before-0022.db"
    with sqlite3.connect(source) as live, sqlite3.connect(copy) as target:
        live.backup(target)
    url = f"sqlite:///{copy}"
    downgrade(url, "0021_proposal_rules")
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        columns = {r[1] for r in conn.execute(text("PRAGMA table_info(ev_answers)"))}
    engine.dispose()
    assert "cannot_evaluate" not in columns
    upgrade(url)
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as conn:
        flags = list(conn.execute(text("SELECT cannot_evaluate FROM ev_answers")).scalars())
        frozen = dict(conn.execute(text("SELECT id, cannot_evaluate FROM ev_campaigns")).all())
    engine.dispose()
    assert len(flags) == 5 and not any(flags)
    assert frozen == {running: None, closed: None}  # no frozen choice: the setting decides
