"""Planning: the visit (form, subject, date, units, team), the team's size, the plan sent to the
units at least N days before, cancelling; and the access rules and lookups the other stages
share (`_read`, `can_plan`, `can_manage`, `find_inspection`, `settings`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select
from sqlalchemy.sql import ColumnElement

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.inspections.errors import InspectionRuleBroken, WrongState
from lianxin.modules.inspections.inputs import PlanInput
from lianxin.modules.inspections.models import (
    Form,
    Inspection,
    InspectionMember,
    InspectionUnit,
    Scale,
    State,
)
from lianxin.notify import service as notify
from lianxin.people.models import (
    GroupMembership,
    GroupRole,
    HandlingUnit,
    Representative,
    RepresentativeGroup,
)
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

MODULE_KEY = "inspections"
SOURCE_TYPE = "inspection"

FORM_LABELS = {
    Form.INSPECTION: _l("视察"),
    Form.RESEARCH: _l("专题调研"),
    Form.VISIT: _l("走访"),
    Form.FORUM: _l("座谈"),
    Form.PROJECT: _l("参与立项比选验收"),
}
SCALE_LABELS = {Scale.SMALL: _l("小组视察（3～5人）"), Scale.LARGE: _l("集中视察")}
STATE_LABELS = {
    State.PLANNED: _l("方案待通报"),
    State.NOTIFIED: _l("方案已通报"),
    State.HELD: _l("已开展待报告"),
    State.REPORTED: _l("已形成报告"),
    State.CANCELLED: _l("已取消"),
}
OPEN = (State.PLANNED, State.NOTIFIED)  # not held yet: the team and the plan may change
DONE = (State.HELD, State.REPORTED)  # held: counts for the year and the county


# --- access and lookups (shared by every stage) ---------------------------------------------------


_read = permissions.require_member


def settings(township_id: int) -> dict[str, Any]:
    """The module's effective settings in the township."""
    return kit.module_settings(township_id, MODULE_KEY)


def is_office(actor: Actor, township: Township) -> bool:
    return permissions.can_work_in_office(actor, township.id)


def representative_of(actor: Actor, township: Township) -> Representative | None:
    return casework.representative_of(actor, township)


def led_group_ids(actor: Actor, township: Township) -> set[int]:
    """The groups the actor leads today (组长 or 副组长)."""
    rep = representative_of(actor, township)
    if rep is None:
        return set()
    return set(
        db.session.scalars(
            select(GroupMembership.group_id).where(
                GroupMembership.representative_id == rep.id,
                GroupMembership.ended_on.is_(None),
                GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
            )
        )
    )


def can_plan(actor: Actor, township: Township) -> bool:
    """The office, or a group leader (the role, or the leader of a group)."""
    if not permissions.can_enter_township(actor, township):
        return False
    if is_office(actor, township):
        return True
    if Role.GROUP_LEADER in actor.roles_in_township(township.id):
        return True
    return bool(led_group_ids(actor, township))


def can_manage(actor: Actor, township: Township, inspection: Inspection) -> bool:
    """The office, the one who planned it, or a leader of its group."""
    if is_office(actor, township):
        return True
    if actor.user_id is not None and inspection.organiser_user_id == actor.user_id:
        return True
    return inspection.group_id is not None and inspection.group_id in led_group_ids(actor, township)


def _require_manager(actor: Actor, township: Township, inspection: Inspection) -> None:
    if not can_manage(actor, township, inspection):
        raise PermissionDenied()


def _unit_only(actor: Actor, township: Township) -> bool:
    """A handling unit's account and nothing more: it sees the visits to its units only."""
    roles = actor.roles_in_township(township.id)
    return bool(roles) and roles <= {Role.HANDLING_UNIT}


def _visible(actor: Actor, township: Township) -> ColumnElement[bool] | None:
    if not _unit_only(actor, township):
        return None
    units = sorted(casework.unit_ids_of(actor, township))
    return Inspection.id.in_(
        select(InspectionUnit.inspection_id).where(InspectionUnit.unit_id.in_(units))
    )


def find_inspection(township: Township, inspection_id: int) -> Inspection:
    """The inspection in the request's township, without an access check (a foreign id: 404)."""
    found = db.session.get(Inspection, (township.id, int(inspection_id)))
    if found is None:
        raise NotFound(_("未找到该视察调研活动"))
    return found


def find_unit(township: Township, unit_id: int) -> HandlingUnit:
    unit = db.session.get(HandlingUnit, (township.id, int(unit_id)))
    if unit is None or not unit.is_active:
        raise NotFound(_("未找到该承办单位"))
    return unit


def find_representative(township: Township, rep_id: int) -> Representative:
    rep = db.session.get(Representative, (township.id, int(rep_id)))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    return rep


# --- reading --------------------------------------------------------------------------------------


def get_inspection(actor: Actor, township: Township, inspection_id: int) -> Inspection:
    _read(actor, township)
    found = find_inspection(township, inspection_id)
    visible = _visible(actor, township)
    if (
        visible is not None
        and db.session.scalar(select(Inspection.id).where(Inspection.id == found.id, visible))
        is None
    ):
        raise NotFound(_("未找到该视察调研活动"))
    return found


def page_inspections(
    actor: Actor,
    township: Township,
    *,
    year: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Inspection], int]:
    """(one page of the visits, newest date first; how many there are)."""
    _read(actor, township)
    query = select(Inspection)
    visible = _visible(actor, township)
    if visible is not None:
        query = query.where(visible)
    if year is not None:
        query = query.where(
            Inspection.held_on >= date(year, 1, 1), Inspection.held_on < date(year + 1, 1, 1)
        )
    return paged(query, Inspection.held_on.desc(), Inspection.id.desc(), offset=offset, limit=limit)


def list_inspections(
    actor: Actor, township: Township, *, year: int | None = None
) -> list[Inspection]:
    return page_inspections(actor, township, year=year)[0]


def unit_ids(inspection: Inspection) -> list[int]:
    return list(
        db.session.scalars(
            select(InspectionUnit.unit_id)
            .where(InspectionUnit.inspection_id == inspection.id)
            .order_by(InspectionUnit.id)
        )
    )


def units_of(inspection: Inspection) -> list[HandlingUnit]:
    return list(
        db.session.scalars(
            select(HandlingUnit)
            .join(
                InspectionUnit,
                and_(
                    InspectionUnit.unit_id == HandlingUnit.id,
                    InspectionUnit.tenant_id == HandlingUnit.tenant_id,
                ),
            )
            .where(InspectionUnit.inspection_id == inspection.id)
            .order_by(InspectionUnit.id)
        )
    )


@dataclass(frozen=True)
class TeamMember:
    representative: Representative
    attended: bool


def team_of(inspection: Inspection) -> list[TeamMember]:
    rows = db.session.execute(
        select(Representative, InspectionMember.attended)
        .join(
            InspectionMember,
            and_(
                InspectionMember.representative_id == Representative.id,
                InspectionMember.tenant_id == Representative.tenant_id,
            ),
        )
        .where(InspectionMember.inspection_id == inspection.id)
        .order_by(Representative.name_pinyin, Representative.id)
    ).all()
    return [TeamMember(rep, bool(attended)) for rep, attended in rows]


def team_ids(inspection: Inspection) -> list[int]:
    return [m.representative.id for m in team_of(inspection)]


def group_name(township: Township, group_id: int | None) -> str | None:
    if group_id is None:
        return None
    group = db.session.get(RepresentativeGroup, (township.id, group_id))
    return group.name if group is not None else None


# --- the rules ------------------------------------------------------------------------------------


def lead_days(township_id: int) -> int:
    return int(settings(township_id)["plan_lead_days"])


def send_by(township: Township, held_on: date) -> date:
    """The last Shanghai date on which the plan may go to the units."""
    return held_on - timedelta(days=lead_days(township.id))


def earliest_date(township: Township, today: date | None = None) -> date:
    """The first date a visit planned today can be held on (its plan sent in time)."""
    return kit.today(today) + timedelta(days=lead_days(township.id))


def check_lead_time(township: Township, held_on: date, today: date | None = None) -> None:
    """The plan goes to the units at least N days before the visit: N days before is in time,
    N−1 is refused (Asia/Shanghai dates)."""
    day = kit.today(today)
    n = lead_days(township.id)
    if (held_on - day).days < n:
        message = _(
            "视察方案须至少提前%(n)d天通报被视察单位（%(d)s 的活动最迟 %(s)s 通报），请调整日期",
            n=n,
            d=held_on.isoformat(),
            s=send_by(township, held_on).isoformat(),
        )
        raise InspectionRuleBroken(message, errors={"held_on": [message]})


def team_bounds(township: Township, scale: str) -> tuple[int, int | None]:
    s = settings(township.id)
    return int(s["team_min"]), (int(s["team_max"]) if scale == Scale.SMALL else None)


def check_team_size(township: Township, scale: str, size: int) -> None:
    """A team has at least `team_min` representatives; a small one at most `team_max`."""
    low, high = team_bounds(township, scale)
    message = None
    if size < low:
        message = _("视察组至少需要%(n)d名代表（现为%(k)d名）", n=low, k=size)
    elif high is not None and size > high:
        message = _(
            "小组视察最多%(n)d名代表（现为%(k)d名）；人数更多请选择集中视察", n=high, k=size
        )
    if message is not None:
        raise InspectionRuleBroken(message, errors={"representative_ids": [message]})


def _team(township: Township, rep_ids: Iterable[int], keep: Iterable[int] = ()) -> list[int]:
    """The team's ids, each a representative of the township in office (or already on it)."""
    kept = set(keep)
    out: list[int] = []
    for rep_id in dict.fromkeys(int(i) for i in rep_ids):
        rep = find_representative(township, rep_id)
        if not rep.in_office and rep.id not in kept:
            raise ValidationFailed(
                errors={"representative_ids": [_("%(n)s 的代表资格已终止", n=rep.name)]}
            )
        out.append(rep.id)
    return out


def _group_for(actor: Actor, township: Township, group_id: int | None) -> int | None:
    """The office may name any group; a group leader one they lead (or none)."""
    if group_id is None:
        return None
    group = db.session.get(RepresentativeGroup, (township.id, int(group_id)))
    if group is None:
        raise NotFound(_("未找到该代表小组"))
    if not is_office(actor, township) and group.id not in led_group_ids(actor, township):
        raise ValidationFailed(errors={"group_id": [_("只能以本人担任组长的代表小组名义组织")]})
    return group.id


# --- use cases ------------------------------------------------------------------------------------


@use_case
def create_plan(actor: Actor, township: Township, data: PlanInput) -> Inspection:
    """Plan a visit. Refused when the team's size breaks the rule or the date leaves no time to
    send the plan to the units N days before."""
    _read(actor, township)
    if not can_plan(actor, township):
        raise PermissionDenied()
    group_id = _group_for(actor, township, data.group_id)
    units = [find_unit(township, u).id for u in dict.fromkeys(data.unit_ids)]
    team = _team(township, data.representative_ids)
    check_team_size(township, data.scale, len(team))
    check_lead_time(township, data.held_on)
    inspection = Inspection(
        form=data.form,
        scale=data.scale,
        subject=data.subject,
        description=data.description,
        place=data.place,
        held_on=data.held_on,
        group_id=group_id,
        organiser_user_id=actor.user_id,
        state=State.PLANNED,
    )
    db.session.add(inspection)
    db.session.flush()
    db.session.add_all(InspectionUnit(inspection_id=inspection.id, unit_id=u) for u in units)
    db.session.add_all(
        InspectionMember(inspection_id=inspection.id, representative_id=r) for r in team
    )
    db.session.flush()
    audit.record(
        "inspection.plan",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        after={
            "form": inspection.form,
            "subject": inspection.subject,
            "held_on": inspection.held_on.isoformat(),
            "unit_ids": units,
            "representative_ids": team,
        },
    )
    return inspection


@use_case
def set_team(
    actor: Actor, township: Township, inspection_id: int, rep_ids: Iterable[int]
) -> list[TeamMember]:
    """The team, all of it, while the visit is ahead; the size rule applies again."""
    inspection = get_inspection(actor, township, inspection_id)
    _require_manager(actor, township, inspection)
    if inspection.state not in OPEN:
        raise WrongState(_("活动已开展或已取消，不能再调整人员"))
    before = team_ids(inspection)
    team = _team(township, rep_ids, keep=before)
    check_team_size(township, inspection.scale, len(team))
    current = {
        m.representative_id: m
        for m in db.session.scalars(
            select(InspectionMember).where(InspectionMember.inspection_id == inspection.id)
        )
    }
    for rep_id, member in current.items():
        if rep_id not in team:
            db.session.delete(member)
    db.session.add_all(
        InspectionMember(inspection_id=inspection.id, representative_id=r)
        for r in team
        if r not in current
    )
    db.session.flush()
    audit.record(
        "inspection.team",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        before={"representative_ids": sorted(before)},
        after={"representative_ids": sorted(team)},
    )
    if inspection.state == State.NOTIFIED:
        added = [r for r in team if r not in current]
        _tell_team(township, inspection, added)
    return team_of(inspection)


def inspection_link(township: Township, inspection: Inspection) -> str:
    return f"/t/{township.slug}/{MODULE_KEY}/{inspection.id}"


def _plan_text(township: Township, inspection: Inspection) -> str:
    return _(
        "%(f)s：%(s)s；时间：%(d)s；地点：%(p)s。",
        f=FORM_LABELS[Form(inspection.form)],
        s=inspection.subject,
        d=inspection.held_on.isoformat(),
        p=inspection.place or _("另行通知"),
    )


def _tell_team(township: Township, inspection: Inspection, rep_ids: Iterable[int]) -> None:
    ids = list(rep_ids)
    if not ids:
        return
    users = [
        u
        for u in db.session.scalars(
            select(Representative.user_id).where(Representative.id.in_(ids))
        )
        if u is not None
    ]
    if not users:
        return
    notify.notify(
        users,
        _("视察调研安排：%(s)s", s=inspection.subject),
        _plan_text(township, inspection),
        tenant_id=township.id,
        link=inspection_link(township, inspection),
        dedupe_key=f"in:{township.id}:{inspection.id}:team:{'-'.join(map(str, sorted(ids)))}",
        kind="inspection.plan",
    )


@use_case
def send_plan(
    actor: Actor, township: Township, inspection_id: int, today: date | None = None
) -> Inspection:
    """Send the plan to the units visited (and to the team): at least N days before the visit,
    refused later than that."""
    inspection = get_inspection(actor, township, inspection_id)
    _require_manager(actor, township, inspection)
    if inspection.state != State.PLANNED:
        raise WrongState(_("该方案已通报或活动已结束"))
    day = kit.today(today)
    check_lead_time(township, inspection.held_on, day)
    units = units_of(inspection)
    inspection.state = State.NOTIFIED
    inspection.notified_on = day
    text = _plan_text(township, inspection)
    if units:
        notify.notify(
            casework._unit_user_ids(township, [u.id for u in units]),
            _("视察调研方案通报：%(s)s", s=inspection.subject),
            text + _("请做好准备。"),
            tenant_id=township.id,
            link=inspection_link(township, inspection),
            dedupe_key=f"in:{township.id}:{inspection.id}:plan",
            kind="inspection.plan",
            phones=[(u.contact_name or u.name, u.phone) for u in units if u.phone],
        )
    _tell_team(township, inspection, team_ids(inspection))
    audit.record(
        "inspection.send_plan",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        before={"state": State.PLANNED.value},
        after={"state": inspection.state, "unit_ids": [u.id for u in units]},
    )
    return inspection


@use_case
def cancel(actor: Actor, township: Township, inspection_id: int, reason: str) -> Inspection:
    inspection = get_inspection(actor, township, inspection_id)
    _require_manager(actor, township, inspection)
    if inspection.state not in OPEN:
        raise WrongState(_("活动已开展，不能取消"))
    before = inspection.state
    inspection.state = State.CANCELLED
    inspection.cancel_reason = reason
    if before == State.NOTIFIED:
        units = units_of(inspection)
        users = casework._unit_user_ids(township, [u.id for u in units])
        users += [
            u
            for u in db.session.scalars(
                select(Representative.user_id).where(Representative.id.in_(team_ids(inspection)))
            )
            if u is not None
        ]
        if users:
            notify.notify(
                sorted(set(users)),
                _("视察调研取消：%(s)s", s=inspection.subject),
                reason,
                tenant_id=township.id,
                link=inspection_link(township, inspection),
                dedupe_key=f"in:{township.id}:{inspection.id}:cancel",
                kind="inspection.cancel",
            )
    audit.record(
        "inspection.cancel",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        before={"state": before},
        after={"state": inspection.state, "reason": reason},
    )
    return inspection
