"""A group's year: the plan (planned activities by month), the activities held with the
attendance of the group's members, and what came of them — an outcome may become a case
(casework) or a proposal draft (the proposals module's, in the name of the representative who
drafts it and, where the township allows, of the group they lead)."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Channel
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import ValidationFailed
from lianxin.modules.group_activities.errors import GroupRuleBroken
from lianxin.modules.group_activities.inputs import (
    YEAR_FIRST,
    YEAR_LAST,
    ActivityInput,
    OutcomeCaseInput,
    OutcomeInput,
    OutcomeProposalInput,
    PlanItemInput,
)
from lianxin.modules.group_activities.models import (
    Activity,
    Attendance,
    Outcome,
    OutcomeState,
    PlanItem,
)
from lianxin.modules.group_activities.stages.common import (
    SOURCE_TYPE,
    _audit,
    _lead,
    _read,
    find_activity,
    find_group,
    find_outcome,
    find_plan_item,
)
from lianxin.modules.group_activities.stages.keepers import keeper_ids
from lianxin.modules.kit import representative_of
from lianxin.modules.kit import today as kit_today
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

# Casework has no channel of its own for a group's activity: what the group heard reaches the
# committee as the liaison chain's does (联系走访), sourced to the activity.
CASE_CHANNEL = Channel.LIAISON


def activity_url(township: Township, activity_id: int) -> str:
    """The path of an activity's page, for a notification (made absolute where delivered)."""
    return f"/t/{township.slug}/group_activities/activities/{activity_id}"


# --- the plan -------------------------------------------------------------------------------------


def plan_of(actor: Actor, township: Township, group_id: int, year: int) -> list[PlanItem]:
    group = find_group(actor, township, group_id)
    return list(
        db.session.scalars(
            select(PlanItem)
            .where(PlanItem.group_id == group.id, PlanItem.year == year)
            .order_by(PlanItem.month, PlanItem.id)
        )
    )


def plan_item(actor: Actor, township: Township, item_id: int) -> PlanItem:
    _read(actor, township)
    return find_plan_item(township, item_id)


@use_case
def add_plan_item(actor: Actor, township: Township, group_id: int, data: PlanItemInput) -> PlanItem:
    """A planned activity of the group's year (the leader or the office)."""
    group = find_group(actor, township, group_id)
    _lead(actor, township, group)
    if not YEAR_FIRST <= data.year <= YEAR_LAST:
        raise ValidationFailed(errors={"year": [_("年份不正确")]})
    item = PlanItem(
        group_id=group.id,
        year=data.year,
        month=data.month,
        topic=data.topic,
        created_by_id=actor.user_id,
    )
    db.session.add(item)
    db.session.flush()
    _audit(
        "group_activity.plan_add",
        actor,
        township,
        "group_plan_item",
        item.id,
        group_id=group.id,
        year=data.year,
        month=data.month,
        topic=data.topic,
    )
    return item


@use_case
def remove_plan_item(actor: Actor, township: Township, item_id: int) -> None:
    _read(actor, township)
    item = find_plan_item(township, item_id)
    group = find_group(actor, township, item.group_id)
    _lead(actor, township, group)
    _audit(
        "group_activity.plan_remove",
        actor,
        township,
        "group_plan_item",
        item.id,
        group_id=group.id,
        topic=item.topic,
    )
    db.session.delete(item)
    db.session.flush()


# --- activities -----------------------------------------------------------------------------------


def page_activities(
    actor: Actor,
    township: Township,
    *,
    group_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[Activity], int]:
    """The activities, newest first (one group's when named)."""
    _read(actor, township)
    query = select(Activity)
    if group_id is not None:
        query = query.where(Activity.group_id == find_group(actor, township, group_id).id)
    return paged(
        query.order_by(Activity.held_on.desc()),
        Activity.id,
        offset=offset,
        limit=limit,
    )


def list_activities(
    actor: Actor, township: Township, *, group_id: int | None = None
) -> list[Activity]:
    return page_activities(actor, township, group_id=group_id)[0]


def get_activity(actor: Actor, township: Township, activity_id: int) -> Activity:
    _read(actor, township)
    return find_activity(township, activity_id)


def attendance_of(activity: Activity) -> list[tuple[Attendance, Representative]]:
    return [
        (row, rep)
        for row, rep in db.session.execute(
            select(Attendance, Representative)
            .join(Representative, Representative.id == Attendance.representative_id)
            .where(Attendance.activity_id == activity.id)
            .order_by(Attendance.attended.desc(), Representative.name_pinyin)
        ).all()
    ]


def outcomes_of(activity: Activity) -> list[Outcome]:
    return list(
        db.session.scalars(
            select(Outcome).where(Outcome.activity_id == activity.id).order_by(Outcome.id)
        )
    )


@use_case
def record_activity(
    actor: Actor,
    township: Township,
    group_id: int,
    data: ActivityInput,
    *,
    today: date | None = None,
) -> Activity:
    """An activity the group held (not a day to come, Asia/Shanghai), with who of its current
    members came: every member gets an attendance row, present or absent."""
    group = find_group(actor, township, group_id)
    _lead(actor, township, group)
    day = kit_today(today)
    ends_on = data.ends_on or data.held_on
    if data.held_on > day:
        raise ValidationFailed(errors={"held_on": [_("活动日期不能晚于今天，计划请列入年度计划")]})
    if ends_on > day:
        raise ValidationFailed(errors={"ends_on": [_("结束日期不能晚于今天")]})
    members = {rep.id: rep for rep in group.members}
    strangers = [i for i in data.attendee_ids if i not in members]
    if strangers:
        raise GroupRuleBroken(_("只能登记本组代表的出席情况"))
    activity = Activity(
        group_id=group.id,
        topic=data.topic,
        held_on=data.held_on,
        ends_on=ends_on,
        place=data.place,
        content=data.content,
        recorded_by_id=actor.user_id,
    )
    db.session.add(activity)
    db.session.flush()
    came = set(data.attendee_ids)
    for rep_id in members:
        db.session.add(
            Attendance(activity_id=activity.id, representative_id=rep_id, attended=rep_id in came)
        )
    db.session.flush()
    with_account = [
        rep.user_id for rep in members.values() if rep.user_id and rep.user_id != actor.user_id
    ]
    # The committee member who keeps the group that year hears of it too (包组).
    with_account += [
        u
        for u in keeper_ids(township, group.id, data.held_on)
        if u not in with_account and u != actor.user_id
    ]
    if with_account:
        notify.notify(
            with_account,
            _("%(g)s活动已登记：%(t)s", g=group.name, t=data.topic),
            _("出席 %(n)s / %(m)s 人", n=len(came), m=len(members)),
            tenant_id=township.id,
            link=activity_url(township, activity.id),
            dedupe_key=f"ga:{township.id}:activity:{activity.id}",
            kind="group_activity.recorded",
        )
    _audit(
        "group_activity.record",
        actor,
        township,
        "group_activity",
        activity.id,
        group_id=group.id,
        topic=data.topic,
        held_on=data.held_on.isoformat(),
        attended=len(came),
    )
    return activity


# --- outcomes -------------------------------------------------------------------------------------


@use_case
def record_outcome(
    actor: Actor, township: Township, activity_id: int, data: OutcomeInput
) -> Outcome:
    """What came of the activity (the leader or the office). A proposal draft is drafted
    at once, in the same transaction (`outcome_to_proposal`: a representative of the group)."""
    activity = get_activity(actor, township, activity_id)
    _lead(actor, township, find_group(actor, township, activity.group_id))
    draft = data.state == OutcomeState.PROPOSAL
    row = Outcome(
        activity_id=activity.id,
        text=data.text,
        state=OutcomeState.PENDING if draft else data.state,
        recorded_by_id=actor.user_id,
    )
    db.session.add(row)
    db.session.flush()
    _audit("group_activity.outcome", actor, township, "group_outcome", row.id, state=data.state)
    if draft:
        outcome_to_proposal(actor, township, row.id, OutcomeProposalInput())
    return row


def get_outcome(actor: Actor, township: Township, outcome_id: int) -> Outcome:
    _read(actor, township)
    return find_outcome(township, outcome_id)


@use_case
def outcome_to_case(
    actor: Actor, township: Township, outcome_id: int, data: OutcomeCaseInput
) -> casework.NewCase:
    """Register the outcome as a case received by a member of the group (the leader when none
    is named), sourced to the activity: one transaction with the outcome's state."""
    outcome = get_outcome(actor, township, outcome_id)
    activity = find_activity(township, outcome.activity_id)
    group = find_group(actor, township, activity.group_id)
    _lead(actor, township, group)
    if outcome.state == OutcomeState.CASE:
        raise GroupRuleBroken(_("该成果已转为诉求"))
    members = {rep.id: rep for rep in group.members}
    if data.representative_id is not None:
        rep = members.get(data.representative_id)
        if rep is None:
            raise ValidationFailed(errors={"representative_id": [_("请选择本组代表")]})
    else:
        rep = group.leader
        if rep is None:
            raise ValidationFailed(errors={"representative_id": [_("请选择本组代表")]})
    made = casework.register(
        actor,
        township,
        casework.CaseInput(
            title=data.title,
            body=data.body,
            category=data.category,
            complexity=data.complexity,
            channel=CASE_CHANNEL,
            raiser_name=rep.name,
            received_by_id=rep.id,
            on_behalf=True,
            source_type=SOURCE_TYPE,
            source_id=activity.id,
        ),
    )
    outcome.state = OutcomeState.CASE
    outcome.case_id = made.case.id
    db.session.flush()
    _audit(
        "group_activity.outcome_case",
        actor,
        township,
        "group_outcome",
        outcome.id,
        case_id=made.case.id,
    )
    return made


def proposals_on(township: Township) -> bool:
    return tenants.module_enabled(township.id, "proposals")


def _title(text: str) -> str:
    first = next((line.strip() for line in text.splitlines() if line.strip()), text.strip())
    return first[:200]


@use_case
def outcome_to_proposal(
    actor: Actor, township: Township, outcome_id: int, data: OutcomeProposalInput
) -> int:
    """A representative who leads the group (leader or deputy) drafts a proposal from the
    outcome in the proposals module, to gather signatures there: in the group's name where the
    township allows it, discussed at the activity. One transaction with the outcome's state and
    link; returns the draft's id."""
    from lianxin.modules.proposals import service as proposals
    from lianxin.modules.proposals.inputs import ProposalDraftSchema
    from lianxin.usecases import load_input

    outcome = get_outcome(actor, township, outcome_id)
    activity = find_activity(township, outcome.activity_id)
    group = find_group(actor, township, activity.group_id)
    _lead(actor, township, group)
    if outcome.proposal_id is not None:
        raise GroupRuleBroken(_("该成果已起草为建议草稿"))
    if outcome.state == OutcomeState.CASE:
        raise GroupRuleBroken(_("该成果已转为诉求，可在诉求页面据此起草提案"))
    if not proposals_on(township):
        raise GroupRuleBroken(_("本乡镇未开通提案功能，不能起草建议草稿"))
    rep = representative_of(actor)
    if rep is None or not group.leads(rep):
        raise GroupRuleBroken(
            _("建议草稿以代表本人名义起草：请本组组长或副组长登录后起草，或先登记为待处理")
        )
    fields: dict[str, object] = {
        "kind": data.kind,
        "title": data.title or _title(outcome.text),
        "body": outcome.text,
    }
    if data.kind == "proposal" and proposals.settings(township.id)["allow_groups"]:
        discussion = _("%(t)s（%(d)s小组活动）", t=activity.topic, d=activity.held_on.isoformat())
        if activity.content:
            discussion = f"{discussion}\n{activity.content}"
        fields |= {
            "group_id": group.id,
            "group_discussed_on": activity.held_on.isoformat(),
            "group_discussion": discussion[:2000],
        }
    draft = proposals.create_draft(actor, township, load_input(ProposalDraftSchema, fields))
    outcome.state = OutcomeState.PROPOSAL
    outcome.proposal_id = draft.id
    db.session.flush()
    _audit(
        "group_activity.outcome_proposal",
        actor,
        township,
        "group_outcome",
        outcome.id,
        proposal_id=draft.id,
        kind=data.kind,
    )
    return int(draft.id)
