"""After the visit: what the team found and who took part, the report and its files, the written
briefs to a unit (a case referred through casework, answered by its deadline) and a proposal
drafted from the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.inputs import ReferInput
from lianxin.casework.models import Case, Channel
from lianxin.casework.states import OPEN_STATES
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.modules import kit
from lianxin.modules.inspections.errors import WrongState
from lianxin.modules.inspections.inputs import BriefInput, FindingsInput
from lianxin.modules.inspections.models import (
    Brief,
    BriefKind,
    Inspection,
    InspectionFile,
    InspectionMember,
    State,
)
from lianxin.modules.inspections.stages.plans import (
    DONE,
    MODULE_KEY,
    SOURCE_TYPE,
    can_manage,
    find_unit,
    get_inspection,
    is_office,
    representative_of,
    team_ids,
)
from lianxin.storage import owners as storage_owners
from lianxin.storage.models import StoredFile
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

BRIEF_LABELS = {BriefKind.SUPERVISION: _l("督办"), BriefKind.SUGGESTION: _l("建议")}


def on_team(actor: Actor, township: Township, inspection: Inspection) -> bool:
    rep = representative_of(actor, township)
    return rep is not None and rep.id in team_ids(inspection)


def can_write_up(actor: Actor, township: Township, inspection: Inspection) -> bool:
    """Who records the findings and writes the report: its managers and the team."""
    return can_manage(actor, township, inspection) or on_team(actor, township, inspection)


def _require_writer(actor: Actor, township: Township, inspection: Inspection) -> None:
    if not can_write_up(actor, township, inspection):
        raise PermissionDenied()


@use_case
def record_findings(
    actor: Actor,
    township: Township,
    inspection_id: int,
    data: FindingsInput,
    today: date | None = None,
) -> Inspection:
    """The visit took place: what the team found, and who of the team took part. Only on or
    after its date, once the plan was sent."""
    inspection = get_inspection(actor, township, inspection_id)
    _require_writer(actor, township, inspection)
    if inspection.state not in (State.NOTIFIED, State.HELD):
        raise WrongState(_("方案通报被视察单位后，才能记录视察调研情况"))
    if inspection.held_on > kit.today(today):
        raise WrongState(_("活动日期未到，不能记录视察调研情况"))
    members = {
        m.representative_id: m
        for m in db.session.scalars(
            select(InspectionMember).where(InspectionMember.inspection_id == inspection.id)
        )
    }
    attended = set(data.attended_ids)
    if not attended:
        raise ValidationFailed(errors={"attended_ids": [_("请勾选实际参加的代表")]})
    if not attended <= set(members):
        raise ValidationFailed(errors={"attended_ids": [_("只能勾选视察组的代表")]})
    for rep_id, member in members.items():
        member.attended = rep_id in attended
    before = inspection.state
    inspection.findings = data.findings
    if inspection.state == State.NOTIFIED:
        inspection.state = State.HELD
    audit.record(
        "inspection.findings",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        before={"state": before},
        after={"state": inspection.state, "attended_ids": sorted(attended)},
    )
    return inspection


@use_case
def write_report(actor: Actor, township: Township, inspection_id: int, report: str) -> Inspection:
    """The written report (视察报告 / 调研报告); it may be revised."""
    inspection = get_inspection(actor, township, inspection_id)
    _require_writer(actor, township, inspection)
    if inspection.state not in DONE:
        raise WrongState(_("请先记录视察调研情况，再写报告"))
    before = inspection.state
    inspection.report = report
    inspection.reported_at = utcnow()
    inspection.state = State.REPORTED
    audit.record(
        "inspection.report",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        before={"state": before},
        after={"state": inspection.state},
    )
    return inspection


@use_case
def attach_file(
    actor: Actor, township: Township, inspection_id: int, stream: IO[bytes], filename: str
) -> StoredFile:
    """A file of the report: photos, minutes, the signed report."""
    from lianxin.storage import service as files

    inspection = get_inspection(actor, township, inspection_id)
    _require_writer(actor, township, inspection)
    if inspection.state not in DONE:
        raise WrongState(_("请先记录视察调研情况，再上传材料"))
    stored = files.save_upload(actor, township, stream, filename, purpose=SOURCE_TYPE)
    db.session.add(InspectionFile(inspection_id=inspection.id, file_id=stored.id))
    db.session.flush()
    audit.record(
        "inspection.attach",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        after={"filename": stored.filename},
    )
    return stored


def files_of(actor: Actor, township: Township, inspection_id: int) -> list[StoredFile]:
    inspection = get_inspection(actor, township, inspection_id)
    return list(
        db.session.scalars(
            select(StoredFile)
            .join(
                InspectionFile,
                and_(
                    InspectionFile.file_id == StoredFile.id,
                    InspectionFile.tenant_id == StoredFile.tenant_id,
                ),
            )
            .where(InspectionFile.inspection_id == inspection.id)
            .order_by(InspectionFile.id)
        )
    )


@storage_owners.reader(SOURCE_TYPE)
def _file_readable(actor: Actor, township: Township, file_id: int) -> bool:
    """A report's file is read by whoever may read its inspection, while the module is on."""
    inspection_id = db.session.scalar(
        select(InspectionFile.inspection_id).where(InspectionFile.file_id == file_id).limit(1)
    )
    if inspection_id is None:
        return False
    if not tenants.module_enabled(township.id, MODULE_KEY):
        raise NotFound()
    get_inspection(actor, township, inspection_id)
    return True


# --- written briefs: a case referred to the unit --------------------------------------------------


@dataclass(frozen=True)
class BriefRow:
    brief: Brief
    unit: str
    due_on: date | None
    case_state: str
    answered: bool
    overdue: bool


@use_case
def add_brief(actor: Actor, township: Township, inspection_id: int, data: BriefInput) -> Brief:
    """A serious problem found on the visit becomes a written brief (督办 / 建议) to one unit: a
    case registered and referred to it through casework, answered in writing by the case's
    deadline (simple or complex), reminded and rated like every case."""
    inspection = get_inspection(actor, township, inspection_id)
    if not is_office(actor, township):
        raise PermissionDenied()
    unit = find_unit(township, data.unit_id)
    if inspection.state not in DONE:
        raise WrongState(_("活动开展后才能形成书面情况反映"))
    made = casework.register(
        actor,
        township,
        casework.load_case_input(
            {
                "title": data.title,
                "body": data.body,
                "category": data.category,
                "complexity": data.complexity,
                "channel": Channel.LIAISON,
                "raiser_name": str(_("代表视察组")),
                "source_type": SOURCE_TYPE,
                "source_id": inspection.id,
                "on_behalf": True,
            }
        ),
    )
    case = made.case
    casework.receive(actor, township, case.id)
    casework.refer(actor, township, case.id, ReferInput(lead_unit_id=unit.id))
    brief = Brief(
        inspection_id=inspection.id,
        kind=data.kind,
        unit_id=unit.id,
        title=data.title,
        body=data.body,
        case_id=case.id,
        created_by_id=actor.user_id,
    )
    db.session.add(brief)
    db.session.flush()
    audit.record(
        "inspection.brief",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        after={"kind": brief.kind, "unit_id": unit.id, "case_id": case.id, "title": brief.title},
    )
    return brief


def _row(brief: Brief, unit: str, case: Case | None, today: date) -> BriefRow:
    if case is None:
        return BriefRow(brief, unit, None, "", False, False)
    still_open = case.state in OPEN_STATES
    overdue = still_open and case.due_on is not None and case.due_on < today
    return BriefRow(brief, unit, case.due_on, case.state, not still_open, overdue)


def briefs_of(
    actor: Actor, township: Township, inspection_id: int, today: date | None = None
) -> list[BriefRow]:
    """The inspection's briefs, with the deadline and state of each one's case."""
    from lianxin.people.models import HandlingUnit

    inspection = get_inspection(actor, township, inspection_id)
    day = kit.today(today)
    rows = db.session.execute(
        select(Brief, HandlingUnit.name, Case)
        .join(
            HandlingUnit,
            and_(HandlingUnit.id == Brief.unit_id, HandlingUnit.tenant_id == Brief.tenant_id),
        )
        .outerjoin(Case, and_(Case.id == Brief.case_id, Case.tenant_id == Brief.tenant_id))
        .where(Brief.inspection_id == inspection.id)
        .order_by(Brief.id)
    ).all()
    return [_row(brief, unit, case, day) for brief, unit, case in rows]


def get_brief(actor: Actor, township: Township, brief_id: int) -> BriefRow:
    brief = db.session.get(Brief, (township.id, int(brief_id)))
    if brief is None:
        raise NotFound(_("未找到该书面情况反映"))
    for row in briefs_of(actor, township, brief.inspection_id):
        if row.brief.id == brief.id:
            return row
    raise NotFound(_("未找到该书面情况反映"))


# --- a proposal from the report -------------------------------------------------------------------


def proposals_on(township: Township) -> bool:
    return tenants.module_enabled(township.id, "proposals")


@use_case
def draft_proposal(actor: Actor, township: Township, inspection_id: int) -> int:
    """A representative of the team turns the report into a proposal draft (proposals module),
    to gather signatures there; returns the draft's id."""
    from lianxin.modules.proposals import service as proposals
    from lianxin.modules.proposals.inputs import ProposalDraftSchema
    from lianxin.usecases import load_input

    inspection = get_inspection(actor, township, inspection_id)
    if not on_team(actor, township, inspection):
        raise PermissionDenied(_("只有视察组的代表可以据此提出提案"))
    if inspection.state != State.REPORTED or not inspection.report:
        raise WrongState(_("报告形成后才能据此起草提案"))
    if not proposals_on(township):
        raise WrongState(_("本乡镇未开通提案功能"))
    draft = proposals.create_draft(
        actor,
        township,
        load_input(
            ProposalDraftSchema,
            {
                "kind": "proposal",
                "title": _("关于%(s)s的提案", s=inspection.subject)[:200],
                "body": inspection.report,
            },
        ),
    )
    audit.record(
        "inspection.proposal",
        actor=actor,
        tenant_id=township.id,
        target_type="inspection",
        target_id=inspection.id,
        after={"proposal_id": draft.id},
    )
    return int(draft.id)
