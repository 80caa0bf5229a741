"""Subjects of a draft campaign and their duty reports (述职述廉), with the year's public
commitments shown beside a representative's report (述诺、评诺)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO

from flask import has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import User
from lianxin.db import db
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.evaluations.inputs import SubjectInput
from lianxin.modules.evaluations.models import (
    Campaign,
    CampaignState,
    Shape,
    Subject,
    SubjectKind,
)
from lianxin.modules.evaluations.stages.campaigns import (
    _draft,
)
from lianxin.modules.evaluations.stages.common import (
    MODULE_KEY,
    _audit,
    _committee_users,
    _get,
    _subjects,
    campaign_year,
    get_campaign,
    get_subject,
    is_office,
    is_subject_self,
)
from lianxin.modules.registry import ReportCommitment, current_registry
from lianxin.people.models import HandlingUnit, Representative
from lianxin.storage import owners as storage_owners
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case


def subjects(actor: Actor, township: Township, campaign_id: int) -> list[Subject]:
    campaign = get_campaign(actor, township, campaign_id)
    return _subjects(campaign)


def committee_users(actor: Actor, township: Township) -> list[User]:
    permissions.require_member(actor, township)
    return _committee_users(township)


@use_case
def add_subject(actor: Actor, township: Township, campaign_id: int, data: SubjectInput) -> Subject:
    """One subject of the campaign's kind: a committee member (a user), a representative, a
    handling unit, or a named station / the township for public satisfaction."""
    campaign = _draft(actor, township, campaign_id)
    subject = Subject(campaign_id=campaign.id)
    if data.kind not in (None, SubjectKind.MEMBER) and campaign.shape != Shape.COMMITTEE:
        raise ValidationFailed(
            errors={"kind": [_("只有代表评议两委委员时可评议班子整体或市党代表")]}
        )
    if data.kind == SubjectKind.BODY:
        # The committee as a body (班子整体), beside its members one by one.
        subject.kind, subject.name = SubjectKind.BODY, data.name or _("镇党委、纪委领导班子")
    elif data.kind == SubjectKind.CITY_REP:
        # A city representative living in the township (市党代表): not in the township's
        # roll, entered by name; reports at the annual session, the representatives evaluate.
        if not data.name:
            raise ValidationFailed(errors={"name": [_("请填写市党代表姓名")]})
        subject.kind, subject.name = SubjectKind.CITY_REP, data.name
    elif campaign.shape == Shape.COMMITTEE:
        users = {u.id: u for u in _committee_users(township)}
        user = users.get(data.user_id or 0)
        if user is None:
            raise NotFound(_("未找到该党委委员"))
        subject.user_id, subject.name = user.id, user.display_name or user.username
    elif campaign.shape == Shape.DUTY:
        rep = _get(Representative, township, data.representative_id, _("未找到该代表"))
        subject.representative_id, subject.name = rep.id, rep.name
    elif campaign.shape == Shape.DEPARTMENTS:
        unit = _get(HandlingUnit, township, data.unit_id, _("未找到该承办单位"))
        subject.unit_id, subject.name = unit.id, unit.name
    else:
        if not data.name:  # a public campaign's subject is named (a station, the township)
            raise ValidationFailed(errors={"name": [_("请填写测评对象名称")]})
        subject.name = data.name
    same = (
        Subject.kind == SubjectKind.BODY
        if subject.kind == SubjectKind.BODY
        else Subject.user_id == subject.user_id
        if subject.user_id is not None
        else Subject.representative_id == subject.representative_id
        if subject.representative_id is not None
        else Subject.unit_id == subject.unit_id
        if subject.unit_id is not None
        else Subject.name == subject.name
    )
    duplicate = db.session.scalar(
        select(Subject.id).where(Subject.campaign_id == campaign.id, same)
    )
    if duplicate is not None:
        raise ValidationFailed(errors={"name": [_("已是评议对象")]})
    db.session.add(subject)
    db.session.flush()
    _audit(
        "subject",
        actor,
        township,
        "evaluation_campaign",
        campaign.id,
        subject=subject.name,
        kind=subject.kind,
    )
    return subject


@use_case
def add_default_subjects(actor: Actor, township: Township, campaign_id: int) -> list[Subject]:
    """Everyone the campaign's kind usually covers: every committee member, every representative
    in office, every active unit, or the township itself."""
    campaign = _draft(actor, township, campaign_id)
    added = []
    if campaign.shape == Shape.COMMITTEE:
        rows = [SubjectInput(user_id=u.id) for u in _committee_users(township)]
    elif campaign.shape == Shape.DUTY:
        rows = [
            SubjectInput(representative_id=r.id)
            for r in db.session.scalars(select(Representative).order_by(Representative.name_pinyin))
            if r.in_office
        ]
    elif campaign.shape == Shape.DEPARTMENTS:
        rows = [
            SubjectInput(unit_id=u.id)
            for u in db.session.scalars(
                select(HandlingUnit).where(HandlingUnit.is_active.is_(True))
            )
        ]
    else:
        rows = [SubjectInput(name=township.name)]
    for data in rows:
        try:
            added.append(add_subject(actor, township, campaign.id, data))
        except ValidationFailed:
            continue  # already a subject
    return added


@use_case
def remove_subject(actor: Actor, township: Township, subject_id: int) -> None:
    subject = get_subject(actor, township, subject_id)
    _draft(actor, township, subject.campaign_id)
    db.session.delete(subject)


@use_case
def set_report(
    actor: Actor,
    township: Township,
    subject_id: int,
    text: str | None,
    *,
    stream: IO[bytes] | None = None,
    filename: str | None = None,
) -> Subject:
    """The subject's duty report (述职述廉): written, or uploaded, by them or by the office; a
    text, a file, or both."""
    from lianxin.storage import service as files

    subject = get_subject(actor, township, subject_id)
    if not (is_subject_self(actor, township, subject) or is_office(actor, township)):
        raise PermissionDenied()
    campaign = _get(Campaign, township, subject.campaign_id, _("未找到该评议活动"))
    if campaign.state == CampaignState.CLOSED:
        raise Conflict(_("评议已结束"))
    body = (text or "").strip()
    if len(body) > 20000:
        raise ValidationFailed(errors={"text": [_("内容过长")]})
    if not body and stream is None:
        raise ValidationFailed(errors={"text": [_("请填写或上传述职报告")]})
    if body:
        subject.report_text = body
    if stream is not None:
        stored = files.save_upload(
            actor, township, stream, filename or "report", purpose="evaluation"
        )
        subject.report_file_id = stored.id
    _audit("report", actor, township, "evaluation_subject", subject.id)
    return subject


def report_commitments(
    township: Township, subjects: Sequence[Subject]
) -> dict[int, list[ReportCommitment]]:
    """By subject id, the public commitments of the campaign's year of each representative
    whose duty report is evaluated (the registry's report-commitment hook: the commitments
    module, where it is switched on), as the public board shows them. One call a part and a
    year for the whole batch, inside the township's tenant context; the caller has already
    checked who may see these subjects. Other shapes and subjects have none."""
    if not subjects or not has_app_context():
        return {}
    looked_up = (db.session.get(Campaign, (township.id, s.campaign_id)) for s in subjects)
    campaigns = {c.id: c for c in looked_up if c is not None and c.shape == Shape.DUTY}
    by_year: dict[int, dict[int, int]] = {}  # year -> {subject id: representative id}
    for s in subjects:
        campaign = campaigns.get(s.campaign_id)
        if campaign is not None and s.representative_id is not None:
            by_year.setdefault(campaign_year(campaign), {})[s.id] = s.representative_id
    if not by_year:
        return {}
    sources = current_registry().report_commitment_sources(tenants.enabled_module_keys(township.id))
    out: dict[int, list[ReportCommitment]] = {}
    for year, reps in sorted(by_year.items()):
        ids = sorted(set(reps.values()))
        found = [fn(year, ids) for _spec, fn in sources]
        for subject_id, rep_id in reps.items():
            rows = [row for part in found for row in part.get(rep_id, ())]
            if rows:
                out[subject_id] = rows
    return out


@storage_owners.reader("evaluation")
def _report_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A duty report's file is read by whoever may read its subject (`get_subject`), while the
    module is switched on; a replaced report's file is held by no subject."""
    subject_id = db.session.scalar(
        select(Subject.id).where(Subject.report_file_id == file_id).limit(1)
    )
    if subject_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_subject(actor, township, subject_id)
    return True
