"""Inspections on the duty record: the visits held (findings recorded or reported) a member of
the team was recorded present at; planned, cancelled and other years' visits count nowhere."""

from __future__ import annotations

from datetime import date

from lianxin.modules.inspections.models import Form, Inspection, InspectionMember, State
from tests.duty_records_lines.conftest import add, count, lines, spec_of

TOOK_PART = "inspections.took_part"


def _inspection(township, subject, held_on, state, *members, form=Form.INSPECTION, absent=()):
    visit = add(township, Inspection(form=form, subject=subject, held_on=held_on, state=state))[0]
    add(
        township,
        *(
            InspectionMember(
                inspection_id=visit.id, representative_id=rep.id, attended=rep not in absent
            )
            for rep in members
        ),
    )
    return visit


def test_the_visits_each_representative_took_part_in(township, clock, reps):
    a, b, c = reps[:3]
    _inspection(township, "农村饮水安全工程", date(2026, 5, 12), State.REPORTED, a, b, absent=(b,))
    _inspection(township, "养老服务中心", date(2026, 9, 3), State.HELD, a, c, form=Form.RESEARCH)
    _inspection(township, "计划中的视察", date(2026, 12, 1), State.NOTIFIED, a, b)
    _inspection(township, "取消的视察", date(2026, 6, 1), State.CANCELLED, a, b)
    _inspection(township, "去年的视察", date(2025, 12, 30), State.REPORTED, a, b)

    found = lines(spec_of("inspections"), township, [a.id, b.id, c.id])

    assert count(found, a.id, TOOK_PART) == 2
    assert found[a.id][TOOK_PART].details == (
        "5月12日 视察《农村饮水安全工程》",
        "9月3日 专题调研《养老服务中心》",
    )
    assert b.id not in found
    assert count(found, c.id, TOOK_PART) == 1
