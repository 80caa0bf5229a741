"""Structure quotas (结构名额, 001 咸丰): set at 登记 and while 报名 is open, checked when 直选 is
recorded against the candidates passing the review (N−1 refused, N accepted), ages on the
election's date; shown on the page, the public notice, the API, the register and the audit."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from lianxin.audit.labels import value_text
from lianxin.audit.models import AuditEntry
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.errors import ValidationFailed
from lianxin.modules.by_elections import service
from lianxin.modules.by_elections.inputs import (
    ByElectionCandidateInputSchema,
    ByElectionInputSchema,
    ByElectionQuotasInputSchema,
    OpenInput,
    QuotasInput,
    RecommendInput,
    ReviewInput,
    StepInput,
)
from lianxin.modules.by_elections.models import Candidate
from lianxin.modules.by_elections.stages.quotas import fits
from lianxin.usecases import load_input
from tests.helpers import bearer, login

from .conftest import TODAY, candidate

D = timedelta(days=1)
ELECTION_DAY = TODAY + 5 * D  # the review and the election, once the notice has run


def _register(world, office, unit, quotas=None):
    return service.create_by_election(
        office,
        world.township,
        load_input(
            ByElectionInputSchema,
            {
                "title": "结构制补选",
                "branch_id": unit.branch_id,
                "seats": 2,
                "term": 13,
                "registered_on": TODAY.isoformat(),
                "quotas": quotas or {},
            },
        ),
    )


def _reviewed(world, office, unit, clock, people, *, quotas, failed=()):
    """A by-election with `quotas` and the candidates `people` (dicts), all recommended, those
    at the indexes in `failed` failed at review; reviewed on ELECTION_DAY."""
    clock.today = TODAY
    e = _register(world, office, unit, quotas)
    ids = [
        service.add_candidate(
            office, world.township, e.id, load_input(ByElectionCandidateInputSchema, p)
        ).id
        for p in people
    ]
    service.close_nomination(office, world.township, e.id, StepInput())
    service.recommend(office, world.township, e.id, RecommendInput(candidate_ids=ids))
    service.publish_notice(office, world.township, e.id, StepInput())
    clock.today = ELECTION_DAY
    for n, cid in enumerate(ids):
        verdict = ReviewInput(False, "不符合条件") if n in failed else ReviewInput(True)
        service.review_candidate(office, world.township, e.id, cid, verdict)
    service.close_review(office, world.township, e.id, StepInput())
    return e


def _women(n, total=4):
    """`total` candidates, the first `n` women (the others men), all farmers, born 1980."""
    return [
        candidate(i, gender="female" if i < n else "male", birth_date=f"1980-01-{i + 1:02d}")
        for i in range(total)
    ]


# --- the input ------------------------------------------------------------------------------------


def test_quota_input_from_json_and_form():
    base = {"title": "补选", "branch_id": 1, "seats": 1, "term": 13}
    loaded = load_input(ByElectionInputSchema, {**base, "quotas": {"female": 1, "farmer": 0}})
    assert loaded.quotas == {"female": 1}  # 0: no quota
    assert load_input(ByElectionInputSchema, base).quotas == {}
    from werkzeug.datastructures import MultiDict

    form = MultiDict({**base, "quota-female": "2", "quota-under_35": "", "quota-farmer": "1"})
    assert load_input(ByElectionInputSchema, form, form=True).quotas == {"female": 2, "farmer": 1}
    with pytest.raises(ValidationFailed):
        load_input(ByElectionInputSchema, {**base, "quotas": {"tall": 1}})
    with pytest.raises(ValidationFailed):
        load_input(ByElectionInputSchema, {**base, "quotas": {"female": -1}})
    with pytest.raises(ValidationFailed):
        load_input(ByElectionQuotasInputSchema, {"quotas": {"female": 201}})


def test_under_35_on_the_election_day():
    """Born 35 years before the day: 35 that day, not counted; a day later: counted."""
    day = date(2025, 6, 7)

    def born(d):
        return Candidate(gender="male", birth_date=d, category="farmer", ethnicity="汉族")

    assert not fits("under_35", born(date(1990, 6, 7)), day)
    assert fits("under_35", born(date(1990, 6, 8)), day)
    assert fits("minority", Candidate(ethnicity="土家族", category="farmer"), day)
    assert not fits("minority", Candidate(ethnicity="汉族", category="farmer"), day)
    assert fits("grassroots", Candidate(category="private_economy"), day)
    assert not fits("grassroots", Candidate(category="leading_cadre"), day)
    assert fits("professional", Candidate(category="professional"), day)


# --- the rule -------------------------------------------------------------------------------------


def test_women_quota_n_minus_one_refused_n_accepted(world, office, unit, clock):
    """Two women required: one passing the review refused, two accepted."""
    with tenant_context(world.township.id):
        short = _reviewed(world, office, unit, clock, _women(2), quotas={"female": 2}, failed={1})
        with pytest.raises(service.QuotaShort) as refused:
            service.open_election(office, world.township, short.id, OpenInput())
        assert "妇女" in str(refused.value.message) and short.state == "reviewed"
        assert [(q.kind, q.minimum, q.count, q.met) for q in service.quota_status(short)] == [
            ("female", 2, 1, False)
        ]
    with tenant_context(world.township.id):
        # another unit's seats: reuse the branch, no vacancies
        ok = _reviewed(world, office, unit, clock, _women(2, 3), quotas={"female": 2})
        service.open_election(office, world.township, ok.id, OpenInput())
        assert ok.state == "voting"
        assert [q.met for q in service.quota_status(ok)] == [True]


def test_every_quota_must_hold(world, office, unit, clock):
    with tenant_context(world.township.id):
        e = _reviewed(
            world, office, unit, clock, _women(2, 3), quotas={"female": 1, "professional": 1}
        )
        with pytest.raises(service.QuotaShort) as refused:
            service.open_election(office, world.township, e.id, OpenInput())
        message = str(refused.value.message)
        assert "专业技术人员" in message and "妇女" not in message


def test_under_35_counted_on_the_election_date(world, office, unit, clock):
    """A candidate turning 35 on the election day does not count; born a day later does."""
    turning = candidate(0, birth_date="1990-06-07")  # 35 on ELECTION_DAY (2025-06-07)
    assert date(2025, 6, 7) == ELECTION_DAY
    with tenant_context(world.township.id):
        e = _reviewed(
            world,
            office,
            unit,
            clock,
            [turning, candidate(1), candidate(2)],
            quotas={"under_35": 1},
        )
        with pytest.raises(service.QuotaShort):
            service.open_election(office, world.township, e.id, OpenInput())
    with tenant_context(world.township.id):
        young = candidate(0, birth_date="1990-06-08")
        e2 = _reviewed(
            world, office, unit, clock, [young, candidate(1), candidate(2)], quotas={"under_35": 1}
        )
        service.open_election(office, world.township, e2.id, OpenInput())
        assert e2.state == "voting"


def test_quotas_changed_only_while_nomination_is_open(world, office, unit, clock):
    with tenant_context(world.township.id):
        e = _register(world, office, unit, {"female": 1})
        service.set_quotas(office, world.township, e.id, QuotasInput({"farmer": 2}))
        assert e.quotas == {"farmer": 2}
        for i in range(3):
            service.add_candidate(
                office,
                world.township,
                e.id,
                load_input(ByElectionCandidateInputSchema, candidate(i)),
            )
        assert [(q.kind, q.count) for q in service.quota_status(e)] == [("farmer", 3)]
        service.close_nomination(office, world.township, e.id, StepInput())
        with pytest.raises(service.OutOfOrder):
            service.set_quotas(office, world.township, e.id, QuotasInput({}))
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "by_election.quotas")
        ).all()
        assert len(entries) == 1
        assert entries[0].before == {"quotas": {"female": 1}}
        assert entries[0].after == {"quotas": {"farmer": 2}}
        created = db.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "by_election.create")
        )
        assert created is not None and created.after["quotas"] == {"female": 1}
    assert value_text("quotas", {"female": 1, "farmer": 2}, "by_election") == "妇女：1；农民：2"


def test_no_quota_nothing_changes(world, office, unit, clock):
    with tenant_context(world.township.id):
        e = _reviewed(world, office, unit, clock, _women(0, 3), quotas={})
        assert e.quotas == {} and service.quota_status(e) == []
        service.open_election(office, world.township, e.id, OpenInput())


# --- shown ----------------------------------------------------------------------------------------


def test_page_form_and_register(world, client, office, unit, clock):
    login(client, world.users["township_staff"])
    base = f"/t/{world.township.slug}/by_elections"
    assert 'name="quota-female"' in client.get(f"{base}/").get_data(as_text=True)
    made = client.post(
        f"{base}/",
        data={
            "title": "补选党代表",
            "branch_id": unit.branch_id,
            "seats": "1",
            "term": "13",
            "quota-female": "1",
            "quota-farmer": "",
        },
    )
    assert made.status_code == 302
    eid = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    page = client.get(f"{base}/{eid}").get_data(as_text=True)
    assert 'id="quota-female"' in page and "至少 1 名，现有 0 名" in page and "不足" in page
    client.post(f"{base}/{eid}/quotas", data={"quota-female": "1", "quota-professional": "1"})
    page = client.get(f"{base}/{eid}").get_data(as_text=True)
    assert 'id="quota-professional"' in page
    data = client.get(f"{base}/export.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    column = [str(h) for h in rows[0] if h is not None and str(h).startswith("结构名额")]
    assert column
    index = list(rows[0]).index(column[0])
    assert rows[1][index] == "妇女≥1（0）；专业技术人员≥1（0）"


def test_api_quotas_and_409(world, client, unit, clock):
    headers = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/by_elections"
    made = client.post(
        f"{base}/elections",
        headers=headers,
        json={
            "title": "补选",
            "branch_id": unit.branch_id,
            "seats": 1,
            "term": 13,
            "quotas": {"female": 2},
        },
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["quotas"] == {"female": 2}
    assert body["quota_status"] == [
        {"kind": "female", "label": "妇女", "minimum": 2, "count": 0, "met": False}
    ]
    u = f"{base}/elections/{body['id']}"
    bad = client.put(f"{u}/quotas", headers=headers, json={"quotas": {"tall": 1}})
    assert bad.status_code == 422
    put = client.put(f"{u}/quotas", headers=headers, json={"quotas": {"female": 1}})
    assert put.status_code == 200 and put.get_json()["quotas"] == {"female": 1}
    ids = []
    for i in range(2):  # candidate(0) is a man, candidate(1) a woman
        ids.append(
            client.post(f"{u}/candidates", headers=headers, json=candidate(i)).get_json()["id"]
        )
    client.post(f"{u}/nomination", headers=headers, json={})
    late = client.put(f"{u}/quotas", headers=headers, json={"quotas": {}})
    assert late.status_code == 409 and late.get_json()["code"] == "step_order"
    client.post(f"{u}/recommendation", headers=headers, json={"candidate_ids": ids})
    client.post(f"{u}/notice", headers=headers, json={})
    clock.today = TODAY + 5 * D
    client.post(f"{u}/candidates/{ids[0]}/review", headers=headers, json={"passed": True})
    client.post(f"{u}/candidates/{ids[1]}/review", headers=headers, json={"passed": True})
    client.post(f"{u}/review", headers=headers, json={})
    # 1 seat, 2 passed (margin met), one woman: the quota of one is met.
    opened = client.post(f"{u}/election", headers=headers, json={"channel": "paper"})
    assert opened.status_code == 201, opened.get_json()
    shown = client.get(u, headers=headers).get_json()
    assert shown["quota_status"][0]["count"] == 1 and shown["quota_status"][0]["met"] is True


def test_api_refuses_a_short_quota(world, client, unit, clock):
    headers = bearer(world.users["township_staff"])
    base = f"/api/v1/t/{world.township.slug}/by_elections"
    made = client.post(
        f"{base}/elections",
        headers=headers,
        json={
            "title": "补选",
            "branch_id": unit.branch_id,
            "seats": 1,
            "term": 13,
            "quotas": {"professional": 1},
        },
    )
    u = f"{base}/elections/{made.get_json()['id']}"
    ids = [
        client.post(f"{u}/candidates", headers=headers, json=candidate(i)).get_json()["id"]
        for i in range(2)
    ]
    client.post(f"{u}/nomination", headers=headers, json={})
    client.post(f"{u}/recommendation", headers=headers, json={"candidate_ids": ids})
    client.post(f"{u}/notice", headers=headers, json={})
    clock.today = TODAY + 5 * D
    for cid in ids:
        client.post(f"{u}/candidates/{cid}/review", headers=headers, json={"passed": True})
    client.post(f"{u}/review", headers=headers, json={})
    r = client.post(f"{u}/election", headers=headers, json={"channel": "paper"})
    assert r.status_code == 409 and r.get_json()["code"] == "quota"
