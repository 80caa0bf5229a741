"""The inspections pages: the office plans a visit on the index, a plan too late is flashed and
nothing is saved; the visit's page sends the plan, records the findings, the report and a
brief; a representative on a phone sees their visit and writes the report; the register
downloads as .xlsx; a handling unit sees the visit to it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.modules.inspections.models import Brief, Inspection, State
from tests.helpers import login
from tests.modules.inspections.conftest import TODAY


def _base(world) -> str:
    return f"/t/{world.township.slug}/inspections"


def _as(app, user_id: int) -> Any:
    client = app.test_client()
    login(client, db.session.get(User, user_id))
    return client


def _flashes(client) -> str:
    with client.session_transaction() as session:
        return " ".join(str(m) for _c, m in session.get("_flashes", []))


def _plan_form(cast, days: int = 5, team: int = 3) -> dict[str, Any]:
    return {
        "form": "research",
        "scale": "small",
        "subject": "农村人居环境整治专题调研",
        "held_on": (TODAY + timedelta(days=days)).isoformat(),
        "place": "西湖村",
        "unit_ids": [str(cast.units["farm"][0])],
        "representative_ids": [str(r) for r in cast.reps[:team]],
    }


def _inspection(world, inspection_id: int) -> Inspection:
    with tenant_context(world.township.id):
        db.session.expire_all()
        return db.session.get(Inspection, (world.township.id, inspection_id))


def _count(world) -> int:
    with tenant_context(world.township.id):
        return db.session.scalar(select(func.count()).select_from(Inspection))


def test_the_office_plans_sends_and_reports(app, world, cast, client):
    login(client, world.users["township_staff"])
    page = client.get(_base(world) + "/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "拟定视察调研方案" in text and "至少提前5天通报被视察单位" in text

    late = client.post(_base(world) + "/", data=_plan_form(cast, days=4))
    assert late.status_code == 302 and "至少提前5天" in _flashes(client)
    assert _count(world) == 0
    small = client.post(_base(world) + "/", data=_plan_form(cast, team=2))
    assert small.status_code == 302 and "至少需要3名代表" in _flashes(client)

    made = client.post(_base(world) + "/", data=_plan_form(cast))
    assert made.status_code == 302
    inspection_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    detail = client.get(f"{_base(world)}/{inspection_id}").get_data(as_text=True)
    assert "方案待通报" in detail and "镇农业农村办" in detail and "通报方案" in detail

    client.post(f"{_base(world)}/{inspection_id}/send")
    assert _inspection(world, inspection_id).state == State.NOTIFIED


def test_findings_report_and_brief_on_the_page(app, world, cast, client, clock):
    login(client, world.users["township_staff"])
    made = client.post(_base(world) + "/", data=_plan_form(cast))
    inspection_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    client.post(f"{_base(world)}/{inspection_id}/send")
    clock.today = TODAY + timedelta(days=5)
    client.post(
        f"{_base(world)}/{inspection_id}/findings",
        data={"findings": "垃圾分类设施不足。", "attended_ids": [str(cast.reps[0])]},
    )
    assert _inspection(world, inspection_id).state == State.HELD

    # a representative of the team, on a phone, writes the report and uploads a photo
    rep = _as(app, cast.users[1].id)
    page = rep.get(f"{_base(world)}/{inspection_id}").get_data(as_text=True)
    assert "撰写报告" in page
    rep.post(f"{_base(world)}/{inspection_id}/report", data={"report": "调研报告正文。"})
    assert _inspection(world, inspection_id).state == State.REPORTED
    import io

    rep.post(
        f"{_base(world)}/{inspection_id}/files",
        data={"file": (io.BytesIO(b"%PDF-1.4 report"), "报告.pdf")},
        content_type="multipart/form-data",
    )
    page = rep.get(f"{_base(world)}/{inspection_id}").get_data(as_text=True)
    assert "报告.pdf" in page and "据此起草提案" in page

    client.post(
        f"{_base(world)}/{inspection_id}/briefs",
        data={
            "kind": "supervision",
            "unit_id": str(cast.units["farm"][0]),
            "title": "垃圾分类设施不足",
            "body": "请限期增设。",
            "complexity": "simple",
        },
    )
    with tenant_context(world.township.id):
        assert db.session.scalar(select(func.count()).select_from(Brief)) == 1
    page = client.get(f"{_base(world)}/{inspection_id}").get_data(as_text=True)
    assert "垃圾分类设施不足" in page and "督办" in page


def test_a_representative_without_a_plan_right_sees_no_form(app, world, cast):
    rep = _as(app, cast.users[5].id)
    page = rep.get(_base(world) + "/")
    assert page.status_code == 200 and "拟定视察调研方案" not in page.get_data(as_text=True)
    refused = rep.post(_base(world) + "/", data=_plan_form(cast))
    assert refused.status_code == 302 and _count(world) == 0


def test_the_group_leader_plans_for_the_group(app, world, cast):
    leader = _as(app, cast.users[0].id)
    page = leader.get(_base(world) + "/").get_data(as_text=True)
    assert "东片代表小组" in page
    made = leader.post(_base(world) + "/", data={**_plan_form(cast), "group_id": str(cast.group)})
    assert made.status_code == 302 and _count(world) == 1


def test_the_register_downloads(app, world, cast, client):
    login(client, world.users["township_staff"])
    client.post(_base(world) + "/", data=_plan_form(cast))
    response = client.get(f"{_base(world)}/register/2026.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert client.get(f"{_base(world)}/register/99999.xlsx").status_code == 404


def test_the_unit_sees_the_visit_to_it(app, world, cast, client):
    login(client, world.users["township_staff"])
    made = client.post(_base(world) + "/", data=_plan_form(cast))
    inspection_id = int(made.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    farm = _as(app, cast.units["farm"][1].user_id)
    assert farm.get(f"{_base(world)}/{inspection_id}").status_code == 200
    roads = _as(app, cast.units["roads"][1].user_id)
    assert roads.get(f"{_base(world)}/{inspection_id}").status_code == 404
