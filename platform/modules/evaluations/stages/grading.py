"""Results after the count, the grades (the office proposes, the committee decides), publication."""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flask import has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import spreadsheets
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.db import db, utcnow
from lianxin.errors import Conflict, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations.errors import (
    BelowThreshold,
    GradeAboveLimit,
    NotYetCounted,
    OpinionMissing,
)
from lianxin.modules.evaluations.inputs import GradeInput, LeaderOpinionInput
from lianxin.modules.evaluations.models import (
    Answer,
    Campaign,
    CampaignState,
    Grade,
    Shape,
    Subject,
    SubjectKind,
)
from lianxin.modules.evaluations.stages.common import (
    CATEGORY_LABELS,
    GRADE_LABELS,
    MERGED_LABEL,
    _audit,
    _get,
    _k,
    _require_office,
    _require_reader,
    _subjects,
    campaign_year,
    get_campaign,
    get_subject,
    is_committee,
    is_office,
    is_subject_self,
    settings,
)
from lianxin.modules.evaluations.stages.draft_subjects import report_commitments
from lianxin.modules.registry import GradeLimit, ReportCommitment, current_registry, tightest
from lianxin.notify import service as notify
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

UNFIT_KIND = "evaluation.unfit"


@dataclass
class DimensionResult:
    key: str
    label: str
    mean: float
    distribution: dict[int, int]


@dataclass
class CategoryResult:
    """One rater category's figures about a subject: shown only from K of its real grades (a
    smaller category is not shown apart; merged ones read 合并)."""

    category: str | None
    label: str
    count: int  # 0 while not shown
    shown: bool
    weighted_mean: float | None = None
    overall: dict[str, int] = field(default_factory=dict)


@dataclass
class SubjectResult:
    subject: Subject
    count: int  # the real grades (0 while not shown)
    shown: bool  # from K real grades
    dimensions: list[DimensionResult] = field(default_factory=list)
    weighted_mean: float | None = None
    overall: dict[str, int] = field(default_factory=dict)
    comments: list[str] = field(default_factory=list)  # sorted: no order to read anything from
    proposed_grade: str | None = None
    withheld: bool = False  # the reader's own result, before publication
    cannot_evaluate: int = 0  # answers that said “无法评价”: apart, never in the figures
    no_valid: bool = False  # released answers, every one of them “无法评价” (无有效评价)
    categories: list[CategoryResult] = field(default_factory=list)  # with two or more
    # The bound other parts' rules set on the representative's grade this year (duty reports).
    limit: GradeLimit | None = None
    # The year's public commitments beside the representative's duty report (述诺、评诺).
    commitments: list[ReportCommitment] = field(default_factory=list)


def _grade_for(township: Township, campaign: Campaign, mean: float) -> str:
    rule = settings(township.id)
    on_ten = (mean - campaign.scale_min) / (campaign.scale_max - campaign.scale_min) * 9 + 1
    if on_ten >= float(rule["excellent_min"]):
        return Grade.EXCELLENT
    if on_ten >= float(rule["competent_min"]):
        return Grade.COMPETENT
    return Grade.INCOMPETENT


def _result(township: Township, campaign: Campaign, subject: Subject) -> SubjectResult:
    """The figures from the real grades, shown from K of them; “无法评价” counted apart. Below
    K grades neither number is given (K−1 grades beside some “无法评价” would show a count
    under K); with no grade at all, released “无法评价” answers read as “无有效评价”."""
    answers = list(db.session.scalars(select(Answer).where(Answer.subject_id == subject.id)))
    rows = [r for r in answers if not r.cannot_evaluate]
    cannot = len(answers) - len(rows)
    if len(rows) < _k(campaign):
        if rows or not cannot:
            return SubjectResult(subject, 0, False)
        return SubjectResult(subject, 0, False, cannot_evaluate=cannot, no_valid=True)
    result = SubjectResult(subject, len(rows), True, cannot_evaluate=cannot)
    result.categories = _by_category(campaign, answers)
    total_weight = sum(float(d["weight"]) for d in campaign.dimensions)
    weighted = 0.0
    for dim in campaign.dimensions:
        values = [int(r.scores[dim["key"]]) for r in rows if dim["key"] in r.scores]
        mean = statistics.fmean(values) if values else 0.0
        result.dimensions.append(
            DimensionResult(
                dim["key"], dim["label"], round(mean, 2), dict(sorted(Counter(values).items()))
            )
        )
        weighted += mean * float(dim["weight"])
    result.weighted_mean = round(weighted / total_weight, 2) if total_weight else None
    result.overall = dict(Counter(r.overall for r in rows if r.overall))
    result.comments = sorted(r.comment for r in rows if r.comment)
    if result.weighted_mean is not None:
        result.proposed_grade = _grade_for(township, campaign, result.weighted_mean)
    return result


def _weighted(campaign: Campaign, rows: list[Answer]) -> float | None:
    total_weight = sum(float(d["weight"]) for d in campaign.dimensions)
    if not total_weight or not rows:
        return None
    weighted = 0.0
    for dim in campaign.dimensions:
        values = [int(r.scores[dim["key"]]) for r in rows if dim["key"] in r.scores]
        weighted += (statistics.fmean(values) if values else 0.0) * float(dim["weight"])
    return round(weighted / total_weight, 2)


def _by_category(campaign: Campaign, answers: list[Answer]) -> list[CategoryResult]:
    """Each rater category's figures, when the answers come from two or more (a merged group
    of small categories counts as one): a category with fewer than K real grades is listed
    as not shown, with no number."""
    present = sorted({a.category for a in answers}, key=lambda c: (c is None, c or ""))
    if len(present) < 2:
        return []
    k = _k(campaign)
    out = []
    order = list(CATEGORY_LABELS)
    present.sort(key=lambda c: order.index(c) if c in order else len(order))
    for category in present:
        label = CATEGORY_LABELS.get(category, MERGED_LABEL) if category else MERGED_LABEL
        rows = [a for a in answers if a.category == category and not a.cannot_evaluate]
        if len(rows) < k:
            out.append(CategoryResult(category, label, 0, False))
            continue
        out.append(
            CategoryResult(
                category,
                label,
                len(rows),
                True,
                _weighted(campaign, rows),
                dict(Counter(r.overall for r in rows if r.overall)),
            )
        )
    return out


def grade_limits(
    township: Township, campaign: Campaign, subjects: list[Subject]
) -> dict[int, GradeLimit]:
    """By subject id, the bound the switched-on parts' rules set on the grade of a
    representative whose duty report is evaluated (the registry's grade-limit hook: training
    absences …), for the campaign's year. One call a part for the whole batch, inside the
    township's tenant context; other shapes and subjects are never bounded."""
    if campaign.shape != Shape.DUTY or not has_app_context():
        return {}
    reps = {s.id: s.representative_id for s in subjects if s.representative_id is not None}
    if not reps:
        return {}
    sources = current_registry().grade_limit_sources(tenants.enabled_module_keys(township.id))
    if not sources:
        return {}
    ids = sorted(set(reps.values()))
    found = [fn(campaign_year(campaign), ids) for _spec, fn in sources]
    out = {}
    for subject_id, rep_id in reps.items():
        limit = tightest(part[rep_id] for part in found if rep_id in part)
        if limit is not None:
            out[subject_id] = limit
    return out


def _bounded(result: SubjectResult, limit: GradeLimit | None) -> SubjectResult:
    """The result with the bound beside it, its proposed grade lowered to the bound."""
    if limit is not None:
        result.limit = limit
        result.proposed_grade = limit.bounded(result.proposed_grade)
    return result


def _check_limit(subject: Subject, limit: GradeLimit | None, grade: str) -> None:
    """A grade better than the bound is refused, naming the rule."""
    if limit is None or limit.allows(grade):
        return
    cap = limit.cap
    assert cap is not None
    raise GradeAboveLimit(
        _(
            "%(n)s 不能评为%(g)s：%(r)s。最高只能评为%(c)s",
            n=subject.name,
            g=GRADE_LABELS.get(Grade(grade), grade),
            r="；".join(limit.reasons),
            c=GRADE_LABELS[Grade(cap)],
        )
    )


def _require_counted(campaign: Campaign) -> None:
    """Results exist only once the campaign has closed and the worker has counted it: read
    while answers still come in, two readings would tell the answer given in between."""
    if campaign.state != CampaignState.CLOSED:
        raise NotYetCounted(_("评议结束后才能查看结果；进行中只显示已提交人数"))
    if campaign.counted_at is None:
        raise NotYetCounted(_("正在计票，请稍后再看"))


@use_case
def results(actor: Actor, township: Township, campaign_id: int) -> list[SubjectResult]:
    """Every subject's result (hidden below K answers), after the count. A reader who is one of
    the subjects does not see his own before it is published. Reading before publication is
    audited."""
    campaign = get_campaign(actor, township, campaign_id)
    _require_reader(actor, township)
    _require_counted(campaign)
    subs = _subjects(campaign)
    if any(s.published_at is None for s in subs):
        _audit("results_read", actor, township, "evaluation_campaign", campaign.id)
    limits = grade_limits(township, campaign, subs)
    pledges = report_commitments(township, subs)
    out = []
    for subject in subs:
        if subject.published_at is None and is_subject_self(actor, township, subject):
            out.append(SubjectResult(subject, 0, False, withheld=True))
        else:
            result = _bounded(_result(township, campaign, subject), limits.get(subject.id))
            result.commitments = pledges.get(subject.id, [])
            out.append(result)
    return out


@use_case
def subject_result(actor: Actor, township: Township, subject_id: int) -> SubjectResult:
    """One subject's result: after the count; refused below K answers; the subject himself
    only once it is published; audited before publication."""
    subject = get_subject(actor, township, subject_id)
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if is_subject_self(actor, township, subject):
        if subject.published_at is None:
            raise PermissionDenied(_("评议结果公开后，本人才能查看"))
    elif not (is_office(actor, township) or is_committee(actor, township)):
        raise PermissionDenied()
    _require_counted(campaign)
    limit = grade_limits(township, campaign, [subject]).get(subject.id)
    result = _bounded(_result(township, campaign, subject), limit)
    if not result.shown and not result.no_valid:
        raise BelowThreshold(_("有效答卷不足 %(k)d 份，不显示结果", k=_k(campaign)))
    result.commitments = report_commitments(township, [subject]).get(subject.id, [])
    if subject.published_at is None:
        _audit("results_read", actor, township, "evaluation_subject", subject.id)
    return result


def _gradable(actor: Actor, township: Township, subject: Subject) -> Subject:
    """A subject whose grade may be proposed or decided now, and not by himself."""
    if is_subject_self(actor, township, subject):
        raise PermissionDenied(_("不能为自己提出或确定等次"))
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if campaign.state != CampaignState.CLOSED:
        raise Conflict(_("评议结束后才能确定等次"))
    _require_counted(campaign)
    if subject.published_at is not None:
        raise Conflict(_("结果已公开，请先取消公开再改等次"))
    return subject


@use_case
def propose_grade(actor: Actor, township: Township, subject_id: int, data: GradeInput) -> Subject:
    """The office proposes the grade to the committee: the one the scores suggest (set at the
    count), or another with a recorded reason. Never for the office member himself."""
    subject = get_subject(actor, township, subject_id)
    _require_office(actor, township)
    _gradable(actor, township, subject)
    value, text = data.grade, data.given_reason
    if subject.proposed_grade is None:
        raise BelowThreshold(_("有效答卷不足，没有建议等次"))
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    limit = grade_limits(township, campaign, [subject]).get(subject.id)
    suggested = _bounded(_result(township, campaign, subject), limit).proposed_grade
    _check_limit(subject, limit, value)
    if value != suggested and not text:
        raise ValidationFailed(errors={"reason": [_("与按得分建议的等次不同，须写明理由")]})
    subject.proposed_grade, subject.proposal_reason = value, text
    subject.grade = subject.grade_reason = subject.graded_at = None  # the committee decides anew
    _audit(
        "propose",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        proposed=value,
        suggested=suggested,
        reason=text,
    )
    return subject


@use_case
def decide_grade(actor: Actor, township: Township, subject_id: int, data: GradeInput) -> Subject:
    """A committee member confirms the office's proposed grade, or changes it with a recorded
    reason. Only committee members decide, and never about themselves."""
    subject = get_subject(actor, township, subject_id)
    if not is_committee(actor, township):
        raise PermissionDenied(_("等次由党委委员会确定"))
    _gradable(actor, township, subject)
    value, text = data.grade, data.given_reason
    if subject.proposed_grade is None:
        raise BelowThreshold(_("有效答卷不足，没有建议等次，不能确定"))
    if value != subject.proposed_grade and not text:
        raise ValidationFailed(errors={"reason": [_("改变建议等次须写明理由")]})
    if settings(township.id)["leader_opinion"] and not subject.leader_opinion:
        raise OpinionMissing(_("请先记录分管领导意见，再确定等次"))
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    _check_limit(subject, grade_limits(township, campaign, [subject]).get(subject.id), value)
    subject.grade, subject.grade_reason, subject.graded_at = value, text, utcnow()
    _audit(
        "grade",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        grade=value,
        proposed=subject.proposed_grade,
        reason=text,
    )
    if value == Grade.INCOMPETENT and subject.reported_at is None:
        _report_unfit(actor, township, subject)
    return subject


def reportable(campaign: Campaign, subject: Subject) -> bool:
    """Whom a 不称职 grade is reported to the county for: a committee member, or the committee
    as a body (001 张家港: 经评议认定的不合格的“两委”委员…将有关情况报告市委组织部)."""
    return campaign.shape == Shape.COMMITTEE and (
        subject.user_id is not None or subject.kind == SubjectKind.BODY
    )


def _report_unfit(actor: Actor, township: Township, subject: Subject) -> None:
    """The county's organisation department hears of it: an inbox message to the county's
    administrators through the outbox (the county side reads no township table), and the
    county's comparison counts it (`evaluations_unfit_count`)."""
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if not reportable(campaign, subject):
        return
    admins = list(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.county_id == township.county_id,
                Membership.role == Role.COUNTY_ADMIN.value,
            )
        )
    )
    subject.reported_at = utcnow()
    notify.notify(
        admins,
        _("评议结果报告：%(t)s %(n)s 被确定为不称职", t=township.name, n=subject.name),
        _(
            "%(c)s：%(n)s 经党代表评议、党委确定为不称职（理由：%(r)s）。",
            c=campaign.title,
            n=subject.name,
            r=subject.grade_reason or GRADE_LABELS[Grade.INCOMPETENT],
        ),
        tenant_id=township.id,
        dedupe_key=f"{UNFIT_KIND}:{township.id}:{subject.id}",
        kind=UNFIT_KIND,
    )
    _audit(
        "unfit_report",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        county_admins=len(admins),
    )


@use_case
def record_leader_opinion(
    actor: Actor, township: Township, subject_id: int, data: LeaderOpinionInput
) -> Subject:
    """The office records the responsible leader's opinion (分管领导意见) after the count and
    before the committee decides: the seed's 在征求分管领导的意见后…报镇党委审定."""
    subject = get_subject(actor, township, subject_id)
    _require_office(actor, township)
    _gradable(actor, township, subject)
    subject.leader_name, subject.leader_opinion = data.leader_name, data.opinion
    _audit(
        "opinion",
        actor,
        township,
        "evaluation_subject",
        subject.id,
        leader_name=data.leader_name,
    )
    return subject


@use_case
def set_published(actor: Actor, township: Township, subject_id: int, published: bool) -> Subject:
    subject = get_subject(actor, township, subject_id)
    _require_office(actor, township)
    if published and subject.grade is None:
        raise Conflict(_("确定等次后才能公开"))
    subject.published_at = utcnow() if published else None
    _audit("publish", actor, township, "evaluation_subject", subject.id, published=published)
    return subject


def my_feedback(actor: Actor, township: Township) -> list[tuple[Campaign, SubjectResult]]:
    """A subject's own results and grade, once they are published."""
    permissions.require_member(actor, township)
    rep = casework.representative_of(actor, township)
    query = select(Subject).where(Subject.published_at.is_not(None))
    mine = [
        s
        for s in db.session.scalars(query)
        if s.user_id == actor.user_id or (rep is not None and s.representative_id == rep.id)
    ]
    pledges = report_commitments(township, mine)
    out = []
    for subject in mine:
        campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
        result = _result(township, campaign, subject)
        result.commitments = pledges.get(subject.id, [])
        out.append((campaign, result))
    return out


def public_results(township: Township) -> list[tuple[Campaign, SubjectResult]]:
    out = []
    for subject in db.session.scalars(
        select(Subject).where(Subject.published_at.is_not(None)).order_by(Subject.id)
    ):
        campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
        result = _result(township, campaign, subject)
        if result.shown:
            result.comments = []  # the public page shows grades and scores, not comments
            out.append((campaign, result))
    return out


def export_xlsx(actor: Actor, township: Township, campaign_id: int) -> bytes:
    """The results as the results page shows them: a sheet of the subjects (figures from K
    answers, the grades, the responsible leader's opinion) and a sheet of the figures by rater
    category (count and weighted mean, as on the page). A category is listed only where its
    own figures are shown (K real grades of its own, or the merged group's): one below K
    never appears in the file, not even by name."""
    campaign = get_campaign(actor, township, campaign_id)
    rows = results(actor, township, campaign.id)
    dims = [d["label"] for d in campaign.dimensions]
    book = spreadsheets.Book()
    sheet = book.sheet("评议结果")
    sheet.header(
        [
            "评议对象",
            "有效评价",
            "无法评价",
            *dims,
            "加权平均",
            "建议等次",
            "确定等次",
            "理由",
            "分管领导",
            "分管领导意见",
        ]
    )
    for r in rows:
        if r.withheld:
            sheet.append([r.subject.name, "", "", *[""] * len(dims), "本人结果，公开后可见"])
            continue
        means: list[Any] = [d.mean for d in r.dimensions] if r.shown else ["—"] * len(dims)
        proposed = r.subject.proposed_grade or r.proposed_grade
        hidden = "无有效评价" if r.no_valid else "有效答卷不足"
        sheet.append(
            [
                r.subject.name,
                r.count,
                r.cannot_evaluate if (r.shown or r.no_valid) else "",
                *means,
                r.weighted_mean if r.shown else hidden,
                GRADE_LABELS.get(Grade(proposed), "") if proposed else "",
                GRADE_LABELS.get(Grade(r.subject.grade), "") if r.subject.grade else "",
                r.subject.grade_reason or "",
                r.subject.leader_name or "",
                r.subject.leader_opinion or "",
            ]
        )
    by_category = book.sheet("按评议人类别")
    by_category.header(["评议对象", "评议人类别", "有效评价", "加权平均"])
    for r in rows:
        if r.withheld or not r.shown:
            continue
        for cr in r.categories:
            if not cr.shown:  # below K: not apart, not named
                continue
            by_category.append([r.subject.name, cr.label, cr.count, cr.weighted_mean])
    return book.to_bytes()
