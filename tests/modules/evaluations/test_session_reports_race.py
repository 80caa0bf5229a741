"""Two offices file the same city representative's report at once (the app runs threaded): each
request with its own connection, on a committed PostgreSQL database. Both read the subject
before either writes — unless the read takes the subject's row lock, in which case the second
waits for the first to commit. One document is added, whether the report was not filed yet or
edited since it was filed; the second request is told it is already filed. (SQLite has no row
locks: a writer holds the whole database, so the race is PostgreSQL's alone.)"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.pool import NullPool

from lianxin.app import create_app
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.annual_sessions import service as annual_sessions
from lianxin.modules.annual_sessions.inputs import SessionInput
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.errors import AlreadyFiled
from lianxin.modules.evaluations.inputs import CampaignInput, SubjectInput
from lianxin.modules.evaluations.models import Subject
from lianxin.tenants.models import TownshipModule
from tests.conftest import base_config
from tests.factories import actor, build_world

pytestmark = pytest.mark.postgres

REPORT = "一年来，我认真履行市党代表职责，参加市党代表大会……"


class Rendezvous:
    """Where each racing request waits, past its read and before its write, until the other has
    read too — or, the read being a row lock, until the other is seen waiting for that lock
    (then waiting longer would only deadlock the test)."""

    def __init__(self, url: str) -> None:
        self.engine = create_engine(url, poolclass=NullPool)
        self.arrived = 0
        self.lock = threading.Lock()

    def _someone_waits_for_a_lock(self) -> bool:
        with self.engine.connect() as conn:
            return bool(
                conn.scalar(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                )
            )

    def __call__(self) -> None:
        with self.lock:
            self.arrived += 1
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with self.lock:
                if self.arrived >= 2:
                    return
            if self._someone_waits_for_a_lock():
                return
            time.sleep(0.02)
        raise AssertionError("the other request neither read nor waited for a lock")

    def close(self) -> None:
        self.engine.dispose()


def race(app: Any, *calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at once, each in a thread with its own app context (its own session and
    connection); what each returned or raised."""
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                results[i] = call()
            except BaseException as exc:  # reported to the test
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing request never finished"
    return results


def committed_app(
    request: pytest.FixtureRequest, tmp_path: Path, modules: tuple[Any, ...]
) -> Iterator[tuple[Any, str]]:
    """An app on a committed PostgreSQL database of its own (every request commits for real,
    as in production), and the database's URL; the database is dropped afterwards."""
    from tests.notify.test_worker import _postgres_database
    from tests.testmodule import TEST_MODULES

    database = _postgres_database(request.getfixturevalue("pg_cluster"))
    flask_app = create_app(base_config(tmp_path, database.url), modules=(*TEST_MODULES, *modules))
    try:
        yield flask_app, database.url
    finally:
        flask_app.extensions["lianxin.db"].engine.dispose()
        database.drop()


@pytest.fixture
def filing(request, tmp_path, clock) -> Iterator[Any]:
    """A committee campaign with a city representative whose report is written, and a session
    next month, in a committed database."""
    from lianxin.modules.annual_sessions.module import MODULE as SESSIONS
    from lianxin.modules.evaluations.module import MODULE as EVALUATIONS

    for flask_app, url in committed_app(request, tmp_path, (EVALUATIONS, SESSIONS)):
        with flask_app.app_context():
            world = build_world()
            db.session.execute(
                update(TownshipModule)
                .where(TownshipModule.module_key.in_(("evaluations", "annual_sessions")))
                .values(enabled=True)
            )
            db.session.commit()
            township, office = world.township, actor(world.users["township_staff"])
            with tenant_context(township.id):
                campaign = service.create_campaign(
                    office,
                    township,
                    CampaignInput(
                        title="2025年度两委委员评议",
                        shape="committee",
                        opens_on=date(2025, 12, 1),
                        closes_on=date(2026, 1, 15),
                    ),
                )
                city = service.add_subject(
                    office, township, campaign.id, SubjectInput(kind="city_rep", name="张三")
                )
                service.set_report(office, township, city.id, REPORT)
                session = annual_sessions.create_session(
                    office,
                    township,
                    SessionInput(
                        title="第十三届党代表大会第二次会议",
                        held_on=date(2026, 1, 10),
                        place="镇会议中心",
                    ),
                )
            db.session.commit()
            made = SimpleNamespace(
                app=flask_app,
                url=url,
                township=township,
                office=office,
                subject=city.id,
                session=session.id,
            )
            db.session.remove()
        yield made


def _file(made: Any) -> Callable[[], Any]:
    def call() -> Any:
        with tenant_context(made.township.id):
            return service.file_with_session(
                made.office, made.township, made.subject, made.session
            ).filed_document_id

    return call


def _documents(made: Any) -> list[str]:
    with made.app.app_context(), tenant_context(made.township.id):
        titles = [
            d.title for d in annual_sessions.documents(made.office, made.township, made.session)
        ]
        db.session.remove()
        return titles


@pytest.mark.parametrize("before", ["not_filed", "edited_since"])
def test_two_offices_filing_at_once_add_one_document(filing, monkeypatch, before):
    made = filing
    title = "市党代表张三履职报告"
    expected = [title]
    if before == "edited_since":
        with made.app.app_context(), tenant_context(made.township.id):
            _file(made)()
            service.set_report(made.office, made.township, made.subject, REPORT + "（补充）")
            db.session.commit()
            db.session.remove()
        expected = [title, f"{title}（更新）"]
    rendezvous = Rendezvous(made.url)
    real = annual_sessions.add_document

    def add_document(*args: Any, **kwargs: Any) -> Any:
        rendezvous()  # both past their read of the subject, or one waiting on its lock
        return real(*args, **kwargs)

    monkeypatch.setattr(annual_sessions, "add_document", add_document)
    try:
        results = race(made.app, _file(made), _file(made))
    finally:
        rendezvous.close()
    filed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, AlreadyFiled)]
    assert (len(filed), len(refused)) == (1, 1), results
    assert "此后未修改" in refused[0].message
    assert sorted(_documents(made)) == sorted(expected)
    with made.app.app_context(), tenant_context(made.township.id):
        subject = db.session.scalars(select(Subject).where(Subject.id == made.subject)).one()
        assert subject.filed_document_id == filed[0]
        db.session.remove()
