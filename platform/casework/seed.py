"""The demo's cases (`lianxin demo`), made through the casework service."""

from __future__ import annotations

from sqlalchemy import select

from lianxin.auth.actor import actor_for
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.db.tenancy import tenant_context
from lianxin.people.models import Representative
from lianxin.tenants.models import Township

DEMO_CASES = [
    ("村道路灯不亮", "东关村3组路灯坏了两个月，晚上出行不便。", "基础设施", "regular_visit"),
    ("农田灌溉渠堵塞", "西关村灌溉渠淤堵，影响春耕用水。", "农业农村", "reception_day"),
    ("社区缺少老年活动室", "新华社区老人多，希望有个活动的地方。", "民生保障", "themed_visit"),
    ("企业招工信息不畅", "光明机械厂反映招工信息发布渠道少。", "经济发展", "regular_visit"),
    ("垃圾清运不及时", "城南社区垃圾箱满了两三天才清运。", "生态环境", "public_web"),
]


def seed(township: Township, index: int = 0) -> None:
    """A handful of cases in different states, made through the casework service."""
    from lianxin.casework import service as casework
    from lianxin.casework.models import Case
    from lianxin.people.models import HandlingUnit

    staff = db.session.scalar(select(User).where(User.username == "cg.staff"))
    assert staff is not None
    office = actor_for(staff)
    with tenant_context(township.id):
        if db.session.scalar(select(Case.id).limit(1)) is not None:
            return
        units = {u.name: u.id for u in db.session.scalars(select(HandlingUnit))}
        reps = list(db.session.scalars(select(Representative).order_by(Representative.id).limit(5)))
        for i, (title, body, category, channel) in enumerate(DEMO_CASES):
            data = {
                "title": title,
                "body": body,
                "category": category,
                "raiser_name": "群众" + str(i + 1),
                "raiser_phone": f"1370000000{i}",
            }
            if channel == "public_web":
                new = casework.register(None, township, {**data, "channel": channel})
            else:
                new = casework.register(
                    office, township, {**data, "channel": channel, "received_by_id": reps[i].id}
                )
            case_id = new.case.id
            if i == 4:
                continue  # a fresh public submission waiting to be registered
            casework.receive(office, township, case_id)
            if i == 3:
                continue
            if i == 2:
                casework.handle_on_spot(office, township, case_id, "已协调社区腾出一间活动室。")
                casework.give_feedback(office, township, case_id)
                continue
            lead = units["镇城建办"] if i == 0 else units["镇农业农村办"]
            casework.refer(office, township, case_id, lead_unit_id=lead)
