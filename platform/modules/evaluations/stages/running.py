"""Running a campaign as the seeds do (001 张家港 第六节): the evaluation group (评议小组: a
leader and two members from the representative groups' leaders or the committee) set by the
office; the advance notice (评议预告) to those evaluated, at least `notice_days` before the
opening; raters who are not representatives (机关干部, 村书记/主任, 单位负责人), named by the
office; and the paper forms handed out at the meeting (the rater then answers on paper only)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, ValidationFailed
from lianxin.modules.evaluations.errors import NoticeMissing
from lianxin.modules.evaluations.inputs import GroupInput, GuestRaterInput, PaperHandOutInput
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    Rater,
    Receipt,
    Shape,
    Subject,
)
from lianxin.modules.evaluations.stages.campaigns import _draft
from lianxin.modules.evaluations.stages.common import (
    CATEGORY_LABELS,
    _audit,
    _committee_users,
    _digest,
    _get,
    _require_runner,
    _subjects,
    get_campaign,
    settings,
)
from lianxin.modules.kit import today as today_in_china
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

GROUP_ROLES = (Role.GROUP_LEADER.value, Role.COMMITTEE_MEMBER.value)
NOTICE_KIND = "evaluation.notice"


# --- the evaluation group ------------------------------------------------------------------------


def group_candidates(actor: Actor, township: Township) -> list[User]:
    """Who may sit in an evaluation group: the township's group leaders and committee members
    (the seed: 其成员由镇党代表小组组长组成)."""
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.tenant_id == township.id, Membership.role.in_(GROUP_ROLES))
            .distinct()
            .order_by(User.id)
        )
    )


def group_of(campaign: Campaign) -> list[tuple[str, User]]:
    """The group as (its role's label, the user): the leader first."""
    out = []
    for label, user_id in (
        ("组长", campaign.group_leader_id),
        ("成员", campaign.group_member1_id),
        ("成员", campaign.group_member2_id),
    ):
        user = db.session.get(User, user_id) if user_id else None
        if user is not None:
            out.append((label, user))
    return out


@use_case
def set_group(actor: Actor, township: Township, campaign_id: int, data: GroupInput) -> Campaign:
    """The office sets the evaluation group before the campaign opens: three different people,
    each a group leader or a committee member of the township."""
    campaign = get_campaign(actor, township, campaign_id)
    _draft(actor, township, campaign.id)
    people = [data.leader_id, data.member1_id, data.member2_id]
    if len(set(people)) != 3:
        raise ValidationFailed(errors={"member2_id": [_("组长和两名成员须是三个不同的人")]})
    allowed = {u.id for u in group_candidates(actor, township)}
    errors = {
        name: [_("评议小组成员须是本镇代表小组组长或党委委员")]
        for name in ("leader_id", "member1_id", "member2_id")
        if getattr(data, name) not in allowed
    }
    if errors:
        raise ValidationFailed(errors=errors)
    campaign.group_leader_id = data.leader_id
    campaign.group_member1_id = data.member1_id
    campaign.group_member2_id = data.member2_id
    _audit(
        "group",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        group_leader=data.leader_id,
        group_members=[data.member1_id, data.member2_id],
    )
    return campaign


# --- the advance notice --------------------------------------------------------------------------


def _notified_users(township: Township, subjects: list[Subject]) -> tuple[list[int], int]:
    """The accounts a notice reaches (a member, a representative, the whole committee for the
    body); how many subjects have no account (a city representative, a unit: told offline)."""
    users: set[int] = set()
    offline = 0
    for subject in subjects:
        if subject.user_id is not None:
            users.add(subject.user_id)
        elif subject.kind == "committee":
            users |= {u.id for u in _committee_users(township)}
        elif subject.representative_id is not None:
            rep = db.session.get(Representative, (township.id, subject.representative_id))
            if rep is not None and rep.user_id:
                users.add(rep.user_id)
            else:
                offline += 1
        else:
            offline += 1
    return sorted(users), offline


@use_case
def send_notice(actor: Actor, township: Township, campaign_id: int) -> Campaign:
    """The evaluation group (or the office) sends the advance notice to those evaluated: the
    period, what is evaluated and the group's members, through the outbox. Once, before the
    opening; the day (Shanghai) is kept, and the opening waits `notice_days` after it."""
    campaign = _draft(actor, township, campaign_id, runner=True)
    subs = _subjects(campaign)
    if not subs:
        raise ValidationFailed(errors={"subjects": [_("请先添加评议对象")]})
    if campaign.notice_sent_on is not None:
        raise Conflict(_("评议预告已于 %(d)s 发出", d=campaign.notice_sent_on.isoformat()))
    campaign.notice_sent_on = today_in_china()
    users, offline = _notified_users(township, subs)
    members = "、".join(f"{label}{u.display_name or u.username}" for label, u in group_of(campaign))
    body = _(
        "评议时间：%(a)s 至 %(b)s。评议内容：履行岗位职责、完成目标任务"
        "及思想、作风、廉洁自律等情况。",
        a=campaign.opens_on.isoformat(),
        b=campaign.closes_on.isoformat(),
    )
    if members:
        body += _("评议小组：%(m)s。", m=members)
    notify.notify(
        users,
        _("评议预告：%(t)s", t=campaign.title),
        body,
        tenant_id=township.id,
        link=f"/t/{township.slug}/evaluations/{campaign.id}",
        dedupe_key=f"{NOTICE_KIND}:{township.id}:{campaign.id}",
        kind=NOTICE_KIND,
    )
    _audit(
        "notice",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        notified=len(users),
        offline=offline,
        sent_on=campaign.notice_sent_on.isoformat(),
    )
    return campaign


def check_notice(campaign: Campaign) -> None:
    """The opening waits for the notice: sent at least `notice_days` Shanghai days before
    today (0: no notice required)."""
    days = int(settings(campaign.tenant_id)["notice_days"])
    if days <= 0:
        return
    if campaign.notice_sent_on is None:
        raise NoticeMissing(_("请先发布评议预告（须提前 %(n)d 天）", n=days))
    earliest = campaign.notice_sent_on + timedelta(days=days)
    if today_in_china() < earliest:
        raise NoticeMissing(
            _(
                "评议预告须提前 %(n)d 天发出：%(d)s 起才能开始评议",
                n=days,
                d=earliest.isoformat(),
            )
        )


# --- raters who are not representatives ----------------------------------------------------------


def guests(actor: Actor, township: Township, campaign_id: int) -> list[Rater]:
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    return list(
        db.session.scalars(
            select(Rater)
            .where(Rater.campaign_id == campaign.id, Rater.guest_name.is_not(None))
            .order_by(Rater.category, Rater.id)
        )
    )


@use_case
def add_guest(actor: Actor, township: Township, campaign_id: int, data: GuestRaterInput) -> Rater:
    """A rater who is not a representative (the seed: 不是党代表的机关干部、所辖村的党组织书记和
    村民委员会主任、直属单位负责人), named by the office while the campaign is a draft; counted
    as a category of their own. For the campaigns representatives answer (not the party
    members' duty evaluation nor the public's)."""
    campaign = _draft(actor, township, campaign_id)
    if campaign.shape not in (Shape.COMMITTEE, Shape.DEPARTMENTS):
        raise Conflict(_("只有代表评议两委委员和乡镇部门时可增加其他评议人"))
    same = db.session.scalar(
        select(Rater.id).where(
            Rater.campaign_id == campaign.id,
            Rater.guest_name == data.name,
            Rater.category == data.category,
        )
    )
    if same is not None:
        raise ValidationFailed(errors={"name": [_("已是评议人")]})
    # The link is issued when the campaign opens; until then the hash opens nothing.
    rater = Rater(
        campaign_id=campaign.id,
        guest_name=data.name,
        category=data.category,
        token_hash=_digest(secrets.token_urlsafe(24)),
    )
    db.session.add(rater)
    db.session.flush()
    _audit(
        "guest",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        category=data.category,
    )
    return rater


@use_case
def remove_guest(actor: Actor, township: Township, rater_id: int) -> None:
    rater = _get(Rater, township, rater_id, _("未找到该评议人"))
    if rater.guest_name is None:
        raise NotFound(_("未找到该评议人"))
    _draft(actor, township, rater.campaign_id)
    db.session.delete(rater)
    _audit("guest_remove", actor, township, "evaluation_campaign", rater.campaign_id)


def category_counts(campaign: Campaign) -> dict[str, int]:
    """How many raters of each category the campaign has (0 while a draft for the roll)."""
    counts: dict[str, int] = {}
    for category in db.session.scalars(
        select(Rater.category).where(Rater.campaign_id == campaign.id)
    ):
        counts[category] = counts.get(category, 0) + 1
    return {c: counts[c] for c in CATEGORY_LABELS if c in counts}


# --- paper forms handed out ----------------------------------------------------------------------


@use_case
def hand_out_paper(
    actor: Actor, township: Township, campaign_id: int, data: PaperHandOutInput
) -> int:
    """Raters handed a paper form at the meeting (the office or the group): each gets a
    receipt marked on paper, so they cannot answer online as well; their forms are keyed in by
    the tellers (`paper`). A rater who has a receipt already (answered online, or took a form
    before) gets no second one, and the answer is the same as for anyone else: the office may
    know how many answered, never who (a refusal would tell it, one rater at a time). A form
    such a rater fills in anyway finds no place in a batch (`paper_available`)."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_runner(actor, township, campaign)
    if campaign.state != CampaignState.OPEN:
        raise Conflict(_("评议未在进行中"))
    wanted = set(data.rater_ids)
    if not wanted:
        raise ValidationFailed(errors={"rater_ids": [_("请选择领取纸质评议表的评议人")]})
    raters = {
        r.id: r
        for r in db.session.scalars(
            select(Rater).where(Rater.campaign_id == campaign.id, Rater.id.in_(wanted))
        )
    }
    if set(raters) != wanted:
        raise NotFound(_("未找到该评议人"))
    done = set(
        db.session.scalars(
            select(Receipt.rater_id).where(
                Receipt.campaign_id == campaign.id, Receipt.rater_id.in_(wanted)
            )
        )
    )
    for rater_id in sorted(wanted - done):
        db.session.add(Receipt(campaign_id=campaign.id, rater_id=rater_id, on_paper=True))
    db.session.flush()
    _audit("paper_hand_out", actor, township, "evaluation_campaign", campaign.id, count=len(wanted))
    return len(wanted)
