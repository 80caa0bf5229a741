"""REST API of the evaluations module, mounted at /api/v1/t/<slug>/evaluations.

Every rule lives in the service; a handler passes the typed input its schema loaded
(`inputs.py`, shared with the pages) to the use case, which finds the record itself (an id of
another township is 404 before anything else), and turns what it returns into plain dicts for
the schemas. One-time links and public codes are returned once,
to the office, when they are issued. Answering says nothing back but 204: no key, no time,
nothing that could tie the answer to the one who gave it. Results are for the office and the
committee (hidden below K answers; `below_threshold` on a single subject), grades before
publication too.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Page

from lianxin.api.base import Blueprint as ApiBlueprint
from lianxin.errors import PermissionDenied
from lianxin.modules.evaluations import service
from lianxin.modules.evaluations.inputs import (
    AnswersInput,
    CampaignInput,
    CodesInput,
    EvaluationAnswersSchema,
    EvaluationCampaignCreateSchema,
    EvaluationCodesCreateSchema,
    EvaluationFormUpdateSchema,
    EvaluationGradeSchema,
    EvaluationGroupSchema,
    EvaluationGuestRaterSchema,
    EvaluationLeaderOpinionSchema,
    EvaluationPaperBatchSchema,
    EvaluationPaperEntrySchema,
    EvaluationPaperHandOutSchema,
    EvaluationSubjectCreateSchema,
    FormInput,
    GradeInput,
    GroupInput,
    GuestRaterInput,
    LeaderOpinionInput,
    PaperBatchInput,
    PaperEntryInput,
    PaperHandOutInput,
    SubjectInput,
)
from lianxin.modules.evaluations.models import Campaign, PaperBatch, Rater, Shape, Subject
from lianxin.modules.evaluations.schemas import (
    EvaluationCampaignDetailSchema,
    EvaluationCampaignSchema,
    EvaluationCodesSchema,
    EvaluationFeedbackSchema,
    EvaluationFileWithSessionSchema,
    EvaluationFormSchema,
    EvaluationGroupMemberSchema,
    EvaluationGuestSchema,
    EvaluationHandedOutSchema,
    EvaluationLinkSchema,
    EvaluationPaperBatchOutSchema,
    EvaluationParticipationSchema,
    EvaluationPublishSchema,
    EvaluationRaterSchema,
    EvaluationRemindedSchema,
    EvaluationReportSchema,
    EvaluationReportUploadSchema,
    EvaluationResultSchema,
    EvaluationSubjectSchema,
    EvaluationTallyStatusSchema,
)
from lianxin.modules.registry import ReportCommitment
from lianxin.usecases import Changes
from lianxin.web.scope import township_scope

# Lists come in pages (`page`, `page_size`; the total in the `X-Pagination` header), the body
# stays a list; the blueprint's policy: 100 a page by default, at most 1000.
api = ApiBlueprint("evaluations_api", __name__, description="评议")


def _reader() -> bool:
    """The office and the committee read results and grades before they are published."""
    actor, township = township_scope()
    return service.is_office(actor, township) or service.is_committee(actor, township)


# --- rows → dicts --------------------------------------------------------------------------------


def campaign_out(campaign: Campaign) -> dict[str, Any]:
    return {
        "id": campaign.id,
        "title": campaign.title,
        "shape": campaign.shape,
        "shape_label": service.SHAPE_LABELS.get(Shape(campaign.shape), campaign.shape),
        "state": campaign.state,
        "opens_on": campaign.opens_on,
        "closes_on": campaign.closes_on,
        "opened_at": campaign.opened_at,
        "closed_at": campaign.closed_at,
        "counted_at": campaign.counted_at,
        "min_answers": campaign.min_answers,
        "answer_batch": campaign.answer_batch,
        "cannot_evaluate": service.cannot_evaluate_offered(campaign),
        "created_at": campaign.created_at,
        "group_leader_id": campaign.group_leader_id,
        "group_member1_id": campaign.group_member1_id,
        "group_member2_id": campaign.group_member2_id,
        "notice_sent_on": campaign.notice_sent_on,
    }


def participation_out(part: service.Participation) -> dict[str, Any]:
    return {"eligible": part.eligible, "answered": part.answered, "rate": part.rate}


def campaign_detail(campaign: Campaign) -> dict[str, Any]:
    return {
        **campaign_out(campaign),
        "dimensions": [dict(d) for d in campaign.dimensions],
        "scale_min": campaign.scale_min,
        "scale_max": campaign.scale_max,
        "participation": participation_out(service.campaign_participation(campaign)),
    }


def commitment_out(row: ReportCommitment) -> dict[str, Any]:
    return {
        "content": row.content,
        "due_on": row.due_on,
        "state": row.state,
        "state_label": row.state_label,
    }


def commitments_of(subjects: list[Subject]) -> dict[int, list[dict[str, Any]]]:
    """By subject id, the year's public commitments beside each duty report (one batch)."""
    _actor, township = township_scope()
    found = service.report_commitments(township, subjects)
    return {sid: [commitment_out(r) for r in rows] for sid, rows in found.items()}


def subject_out(
    subject: Subject,
    *,
    reader: bool | None = None,
    commitments: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Grades are for the office and the committee until published — never for the subject
    himself before then (a committee member may be one). `commitments`: the subject's, when
    the caller read them for a whole list at once."""
    if reader is None:
        reader = _reader()
    if commitments is None:
        commitments = commitments_of([subject]).get(subject.id, [])
    if reader and subject.published_at is None:
        reader = not service.is_subject_self(*township_scope(), subject)
    graded = reader or subject.published_at is not None
    return {
        "id": subject.id,
        "campaign_id": subject.campaign_id,
        "name": subject.name,
        "user_id": subject.user_id,
        "representative_id": subject.representative_id,
        "unit_id": subject.unit_id,
        "kind": subject.kind,
        "report_text": subject.report_text,
        "report_file_id": subject.report_file_id,
        "leader_name": subject.leader_name if graded else None,
        "leader_opinion": subject.leader_opinion if graded else None,
        "reported_at": subject.reported_at if graded else None,
        "proposed_grade": subject.proposed_grade if graded else None,
        "proposal_reason": subject.proposal_reason if graded else None,
        "grade": subject.grade if graded else None,
        "grade_reason": subject.grade_reason if graded else None,
        "graded_at": subject.graded_at if graded else None,
        "published_at": subject.published_at,
        "commitments": commitments,
        "filed_session_id": subject.filed_session_id,
        "filed_session_title": subject.filed_session_title,
        "filed_document_id": subject.filed_document_id,
        "filed_stale": service.filed_stale(subject),
    }


def result_out(result: service.SubjectResult) -> dict[str, Any]:
    subject = result.subject
    if result.withheld:  # the reader's own result, before it is published
        return {
            "subject": subject_out(subject, reader=False, commitments=[]),
            "count": 0,
            "shown": False,
            "withheld": True,
        }
    out: dict[str, Any] = {
        "subject": subject_out(
            subject, reader=True, commitments=[commitment_out(r) for r in result.commitments]
        ),
        "count": result.count,
        "shown": result.shown,
        "withheld": False,
        "cannot_evaluate": result.cannot_evaluate,
        "no_valid": result.no_valid,
        "grade": subject.grade,
        "grade_reason": subject.grade_reason,
        "proposed_grade": subject.proposed_grade or result.proposed_grade,
        "proposal_reason": subject.proposal_reason,
        "grade_limit": None,
    }
    if result.limit is not None:  # training absences … bound a duty report's grade
        out["grade_limit"] = {
            "highest": result.limit.highest,
            "lowest_forced": result.limit.lowest_forced,
            "cap": result.limit.cap,
            "reasons": list(result.limit.reasons),
        }
    if result.shown:
        out.update(
            dimensions=[
                {
                    "key": d.key,
                    "label": d.label,
                    "mean": d.mean,
                    "distribution": {str(k): v for k, v in d.distribution.items()},
                }
                for d in result.dimensions
            ],
            weighted_mean=result.weighted_mean,
            overall=dict(result.overall),
            comments=list(result.comments),
            categories=[
                {
                    "category": c.category,
                    "label": c.label,
                    "count": c.count,
                    "shown": c.shown,
                    "weighted_mean": c.weighted_mean,
                    "overall": dict(c.overall),
                }
                for c in result.categories
            ],
        )
    return out


def guest_out(rater: Rater) -> dict[str, Any]:
    return {
        "rater_id": rater.id,
        "name": rater.guest_name,
        "category": rater.category,
        "category_label": service.CATEGORY_LABELS.get(rater.category, rater.category),
    }


def batch_out(batch: PaperBatch) -> dict[str, Any]:
    return {
        "id": batch.id,
        "campaign_id": batch.campaign_id,
        "label": batch.label,
        "category": batch.category,
        "forms": batch.forms,
        "teller1_id": batch.teller1_id,
        "teller2_id": batch.teller2_id,
        "state": batch.state,
    }


def status_out(status: service.TallyStatus) -> dict[str, Any]:
    return {
        "state": status.state,
        "entered": list(status.entered),
        "mismatches": [{"form": m.form, "subject": m.subject} for m in status.mismatches],
    }


# --- campaigns and their form --------------------------------------------------------------------


@api.route("/campaigns")
class Campaigns(MethodView):
    @api.response(200, EvaluationCampaignSchema(many=True))
    @api.paginate(Page)
    def get(self):
        """Every campaign of the township, the latest first"""
        return [campaign_out(c) for c in service.list_campaigns(*township_scope())]

    @api.arguments(EvaluationCampaignCreateSchema)
    @api.response(201, EvaluationCampaignDetailSchema)
    def post(self, data: CampaignInput):
        """Create a campaign (the office) with the default form: ten dimensions of weight 1,
        scored 1–10"""
        return campaign_detail(service.create_campaign(*township_scope(), data))


@api.route("/campaigns/<int:campaign_id>")
class CampaignById(MethodView):
    @api.response(200, EvaluationCampaignDetailSchema)
    def get(self, campaign_id: int):
        """One campaign with its form and participation (eligible, answered, rate)"""
        return campaign_detail(service.get_campaign(*township_scope(), campaign_id))


@api.route("/campaigns/<int:campaign_id>/form")
class CampaignForm(MethodView):
    @api.response(200, EvaluationFormSchema)
    def get(self, campaign_id: int):
        """The form for the calling rater: the subjects they answer about (with their duty
        reports) and whether they have answered. The office sees every subject"""
        actor, township = township_scope()
        campaign = service.get_campaign(actor, township, campaign_id)
        rater = service.rater_of(actor, township, campaign)
        if rater is None and not service.is_office(actor, township):
            raise PermissionDenied(_("您不在本次评议的评议人之列"))
        subjects = service.form_subjects(township, campaign, rater)
        commitments = commitments_of(subjects)
        return {
            "campaign": campaign_out(campaign),
            "dimensions": [dict(d) for d in campaign.dimensions],
            "scale_min": campaign.scale_min,
            "scale_max": campaign.scale_max,
            "subjects": [
                {
                    "id": s.id,
                    "name": s.name,
                    "report_text": s.report_text,
                    "report_file_id": s.report_file_id,
                    "commitments": commitments.get(s.id, []),
                }
                for s in subjects
            ],
            "answered": rater is not None and service.answered(township, campaign, rater),
            "cannot_evaluate": service.cannot_evaluate_offered(campaign),
        }

    @api.arguments(EvaluationFormUpdateSchema)
    @api.response(200, EvaluationCampaignDetailSchema)
    def patch(self, data: Changes[FormInput], campaign_id: int):
        """Change the dimensions and weights, the scale or the period (the office, while a
        draft; 409 `form_locked` once open)"""
        return campaign_detail(service.update_form(*township_scope(), campaign_id, data))


# --- subjects and duty reports -------------------------------------------------------------------


@api.route("/campaigns/<int:campaign_id>/subjects")
class Subjects(MethodView):
    @api.response(200, EvaluationSubjectSchema(many=True))
    @api.paginate(Page)
    def get(self, campaign_id: int):
        """The campaign's subjects with their duty reports"""
        reader = _reader()
        subjects = service.subjects(*township_scope(), campaign_id)
        commitments = commitments_of(subjects)
        return [
            subject_out(s, reader=reader, commitments=commitments.get(s.id, [])) for s in subjects
        ]

    @api.arguments(EvaluationSubjectCreateSchema)
    @api.response(201, EvaluationSubjectSchema)
    def post(self, data: SubjectInput, campaign_id: int):
        """Add a subject (the office, while a draft): `user_id` of a committee member,
        `representative_id`, `unit_id` or `name`, as the campaign's kind asks"""
        return subject_out(service.add_subject(*township_scope(), campaign_id, data))


@api.route("/campaigns/<int:campaign_id>/subjects/defaults")
class DefaultSubjects(MethodView):
    @api.response(200, EvaluationSubjectSchema(many=True))
    def post(self, campaign_id: int):
        """Add everyone the campaign's kind usually covers (the office, while a draft); returns
        those added"""
        added = service.add_default_subjects(*township_scope(), campaign_id)
        commitments = commitments_of(added)
        return [subject_out(s, commitments=commitments.get(s.id, [])) for s in added]


@api.route("/subjects/<int:subject_id>")
class SubjectById(MethodView):
    @api.response(200, EvaluationSubjectSchema)
    def get(self, subject_id: int):
        """One subject with their duty report"""
        return subject_out(service.get_subject(*township_scope(), subject_id))

    @api.response(204)
    def delete(self, subject_id: int):
        """Remove a subject (the office, while a draft)"""
        service.remove_subject(*township_scope(), subject_id)


@api.route("/subjects/<int:subject_id>/report")
class SubjectReport(MethodView):
    @api.arguments(EvaluationReportSchema)
    @api.response(200, EvaluationSubjectSchema)
    def put(self, data, subject_id: int):
        """Write the duty report (述职述廉): the subject themself or the office"""
        return subject_out(service.set_report(*township_scope(), subject_id, data["text"]))


@api.route("/subjects/<int:subject_id>/report-file")
class SubjectReportFile(MethodView):
    @api.arguments(EvaluationReportUploadSchema, location="files")
    @api.response(200, EvaluationSubjectSchema)
    def post(self, files, subject_id: int):
        """Upload the duty report as a file (multipart: `file`, optionally `text`): the subject
        themself or the office"""
        upload = files["file"]
        subject = service.set_report(
            *township_scope(),
            subject_id,
            request.form.get("text"),
            stream=upload.stream,
            filename=upload.filename or "report",
        )
        return subject_out(subject)


@api.route("/subjects/<int:subject_id>/file-with-session")
class SubjectFileWithSession(MethodView):
    @api.arguments(EvaluationFileWithSessionSchema)
    @api.response(200, EvaluationSubjectSchema)
    def post(self, data, subject_id: int):
        """File a city representative's written report among an annual session's documents
        (列入年会文件, the office): once, and again only when the report has changed since
        (`filed_stale`) — with the same session, as an update beside the first document; refused
        (409) while the annual-sessions module is off, for another kind of subject, an empty
        report, a session that has ended or a report unchanged since filing"""
        subject = service.file_with_session(*township_scope(), subject_id, data["session_id"])
        return subject_out(subject)


# --- opening, raters and links -------------------------------------------------------------------


@api.route("/campaigns/<int:campaign_id>/open")
class OpenCampaign(MethodView):
    @api.response(200, EvaluationLinkSchema(many=True))
    def post(self, campaign_id: int):
        """Open the campaign (the office): the form, subjects and raters are fixed and each
        rater gets a one-time link — returned here, once, to hand out"""
        return [
            {"rater_id": link.rater.id, "name": link.name, "token": link.token}
            for link in service.open_campaign(*township_scope(), campaign_id)
        ]


@api.route("/campaigns/<int:campaign_id>/close")
class CloseCampaign(MethodView):
    @api.response(200, EvaluationCampaignDetailSchema)
    def post(self, campaign_id: int):
        """Close the campaign (the office): every answer is released and each subject with
        enough answers gets a proposed grade"""
        return campaign_detail(service.close_campaign(*township_scope(), campaign_id))


@api.route("/raters/<int:rater_id>/link")
class RaterLink(MethodView):
    @api.response(200, EvaluationLinkSchema)
    def post(self, rater_id: int):
        """Issue a rater a new one-time link (the old one stops working); returned once"""
        link = service.reissue_link(*township_scope(), rater_id)
        return {"rater_id": link.rater.id, "name": link.name, "token": link.token}


@api.route("/campaigns/<int:campaign_id>/raters")
class Raters(MethodView):
    @api.response(200, EvaluationRaterSchema(many=True))
    @api.paginate(Page)
    def get(self, campaign_id: int):
        """Every eligible rater, to hand out or reissue links (the office). Who has answered is
        not shown, only how many (`participation`)"""
        return [
            {"rater_id": r.id, "name": name}
            for r, name in service.raters(*township_scope(), campaign_id)
        ]


@api.route("/campaigns/<int:campaign_id>/reminders")
class Reminders(MethodView):
    @api.response(201, EvaluationRemindedSchema)
    def post(self, campaign_id: int):
        """The system reminds everyone who has not answered yet (the office; once a day, 409
        `already_reminded`); the answer says how many, never who"""
        actor, township = township_scope()
        return {"reminded": service.remind(actor, township, campaign_id)}


@api.route("/campaigns/<int:campaign_id>/participation")
class CampaignParticipation(MethodView):
    @api.response(200, EvaluationParticipationSchema)
    def get(self, campaign_id: int):
        """How many may answer and how many have (for a public campaign: codes issued, used)"""
        return participation_out(service.participation(*township_scope(), campaign_id))


# --- answering -----------------------------------------------------------------------------------


@api.route("/campaigns/<int:campaign_id>/answers")
class Answers(MethodView):
    @api.arguments(EvaluationAnswersSchema)
    @api.response(204)
    def post(self, data: AnswersInput, campaign_id: int):
        """Answer the form from one's account (an eligible representative), one answer per
        subject of the form: every dimension's score, or `cannot_evaluate: true` alone where the
        form offers it (422 on `<subject>.cannot_evaluate` otherwise); once (409
        `already_answered`), in the period (409 `outside_period`). Nothing comes back that
        could identify the answer"""
        service.submit_by_account(*township_scope(), campaign_id, data.answers)


@api.route("/campaigns/<int:campaign_id>/codes")
class PublicCodes(MethodView):
    @api.arguments(EvaluationCodesCreateSchema)
    @api.response(201, EvaluationCodesSchema)
    def post(self, data: CodesInput, campaign_id: int):
        """One-answer codes for a public satisfaction campaign (the office); returned once"""
        return {"codes": service.issue_codes(*township_scope(), campaign_id, data)}


@api.route("/campaigns/<int:campaign_id>/cases/<int:case_id>/code")
class CaseCode(MethodView):
    @api.response(201, EvaluationCodesSchema)
    def post(self, campaign_id: int, case_id: int):
        """A one-answer code for the person whose case was handled (one per case); returned
        once, to hand to them with the answer"""
        return {"codes": [service.code_for_case(*township_scope(), campaign_id, case_id)]}


# --- results and grades --------------------------------------------------------------------------


@api.route("/campaigns/<int:campaign_id>/results")
class Results(MethodView):
    @api.response(200, EvaluationResultSchema(many=True))
    @api.paginate(Page)
    def get(self, campaign_id: int):
        """Every subject's result (the office and the committee) once the campaign has closed
        and been counted (409 `not_counted` before): scores, distribution, overall grades and
        comments only from K real grades, the number of “无法评价” apart (`no_valid` when every
        answer said so); a reader's own result only once published; reading before
        publication is audited"""
        return [result_out(r) for r in service.results(*township_scope(), campaign_id)]


@api.route("/subjects/<int:subject_id>/result")
class SubjectResultById(MethodView):
    @api.response(200, EvaluationResultSchema)
    def get(self, subject_id: int):
        """One subject's result after the count (the office, the committee, or the subject
        once published); 409 `not_counted` before, `below_threshold` below K real grades
        (unless every answer said “无法评价”: `no_valid`)"""
        return result_out(service.subject_result(*township_scope(), subject_id))


@api.route("/subjects/<int:subject_id>/proposal")
class SubjectProposal(MethodView):
    @api.arguments(EvaluationGradeSchema)
    @api.response(200, EvaluationSubjectSchema)
    def post(self, data: GradeInput, subject_id: int):
        """Propose the grade to the committee after the count (the office): the one the scores
        suggest, or another with a `reason`; never one's own"""
        return subject_out(service.propose_grade(*township_scope(), subject_id, data))


@api.route("/subjects/<int:subject_id>/grade")
class SubjectGrade(MethodView):
    @api.arguments(EvaluationGradeSchema)
    @api.response(200, EvaluationSubjectSchema)
    def post(self, data: GradeInput, subject_id: int):
        """Decide the grade after the count (a committee member, never about himself): the
        office's proposal, or another with a `reason`"""
        return subject_out(service.decide_grade(*township_scope(), subject_id, data))


@api.route("/subjects/<int:subject_id>/published")
class SubjectPublished(MethodView):
    @api.arguments(EvaluationPublishSchema)
    @api.response(200, EvaluationSubjectSchema)
    def put(self, data, subject_id: int):
        """Publish a graded subject's result on the public pages, or withdraw it (the office)"""
        return subject_out(service.set_published(*township_scope(), subject_id, data["published"]))


@api.route("/feedback")
class Feedback(MethodView):
    @api.response(200, EvaluationFeedbackSchema(many=True))
    @api.paginate(Page)
    def get(self):
        """The caller's own results as a subject, once they are published"""
        return [
            {"campaign": campaign_out(c), "result": result_out(r)}
            for c, r in service.my_feedback(*township_scope())
        ]


# --- the evaluation group, the notice, raters beyond representatives -----------------------------


@api.route("/campaigns/<int:campaign_id>/group")
class CampaignGroup(MethodView):
    @api.response(200, EvaluationGroupMemberSchema(many=True))
    def get(self, campaign_id: int):
        """The evaluation group (评议小组): its leader and two members"""
        campaign = service.get_campaign(*township_scope(), campaign_id)
        return [
            {"user_id": u.id, "name": u.display_name or u.username, "role": role}
            for role, u in service.group_of(campaign)
        ]

    @api.arguments(EvaluationGroupSchema)
    @api.response(200, EvaluationCampaignDetailSchema)
    def put(self, data: GroupInput, campaign_id: int):
        """Set the evaluation group (the office, while a draft): three different people, each a
        group leader or a committee member. The group may then send the notice, open, hand out
        links and paper forms, remind and close"""
        return campaign_detail(service.set_group(*township_scope(), campaign_id, data))


@api.route("/campaigns/<int:campaign_id>/notice")
class CampaignNotice(MethodView):
    @api.response(200, EvaluationCampaignDetailSchema)
    def post(self, campaign_id: int):
        """Send the advance notice (评议预告) to those evaluated, through the outbox (the office
        or the group, once, while a draft); the opening waits `notice_days` after it (409
        `notice_missing`)"""
        return campaign_detail(service.send_notice(*township_scope(), campaign_id))


@api.route("/campaigns/<int:campaign_id>/guests")
class CampaignGuests(MethodView):
    @api.response(200, EvaluationGuestSchema(many=True))
    @api.paginate(Page)
    def get(self, campaign_id: int):
        """Raters who are not representatives (机关干部, 村书记/主任, 单位负责人): the office
        and the group"""
        return [guest_out(r) for r in service.guests(*township_scope(), campaign_id)]

    @api.arguments(EvaluationGuestRaterSchema)
    @api.response(201, EvaluationGuestSchema)
    def post(self, data: GuestRaterInput, campaign_id: int):
        """Name a rater who is not a representative (the office, while a draft); they get a
        one-time link when the campaign opens and are counted as a category of their own"""
        return guest_out(service.add_guest(*township_scope(), campaign_id, data))


@api.route("/guests/<int:rater_id>")
class GuestById(MethodView):
    @api.response(204)
    def delete(self, rater_id: int):
        """Remove a named rater (the office, while a draft)"""
        service.remove_guest(*township_scope(), rater_id)


# --- paper forms ---------------------------------------------------------------------------------


@api.route("/campaigns/<int:campaign_id>/paper-hand-outs")
class PaperHandOuts(MethodView):
    @api.arguments(EvaluationPaperHandOutSchema)
    @api.response(201, EvaluationHandedOutSchema)
    def post(self, data: PaperHandOutInput, campaign_id: int):
        """Raters handed a paper form at the meeting (the office or the group): they answer on
        paper only; one who has answered is refused (422 on `rater_ids`)"""
        return {"handed_out": service.hand_out_paper(*township_scope(), campaign_id, data)}


@api.route("/campaigns/<int:campaign_id>/paper-batches")
class PaperBatches(MethodView):
    @api.response(200, EvaluationPaperBatchOutSchema(many=True))
    @api.paginate(Page)
    def get(self, campaign_id: int):
        """The paper batches (the office and the group; a teller their own)"""
        return [batch_out(b) for b in service.batches(*township_scope(), campaign_id)]

    @api.arguments(EvaluationPaperBatchSchema)
    @api.response(201, EvaluationPaperBatchOutSchema)
    def post(self, data: PaperBatchInput, campaign_id: int):
        """A pile of paper forms of one rater category and its two tellers (the office or the
        group, while open); no more forms than handed out and not yet in a batch"""
        return batch_out(service.create_batch(*township_scope(), campaign_id, data))


@api.route("/paper-batches/<int:batch_id>")
class PaperBatchStatus(MethodView):
    @api.response(200, EvaluationTallyStatusSchema)
    def get(self, batch_id: int):
        """Whether both tellers have keyed the batch in and agree; a mismatch names the form
        and the subject, never what was typed"""
        return status_out(service.paper_status(*township_scope(), batch_id))


@api.route("/paper-batches/<int:batch_id>/entry")
class PaperEntryById(MethodView):
    @api.arguments(EvaluationPaperEntrySchema)
    @api.response(200, EvaluationTallyStatusSchema)
    def put(self, data: PaperEntryInput, batch_id: int):
        """One teller keys in every form of the batch, in the pile's order (again, to correct
        it). When both entries agree the forms count (`agreed`) and the entries are gone"""
        return status_out(service.enter_paper(*township_scope(), batch_id, data))


@api.route("/paper-batches/<int:batch_id>/reset")
class PaperReset(MethodView):
    @api.response(200, EvaluationPaperBatchOutSchema)
    def post(self, batch_id: int):
        """Have the batch keyed in again: both entries cleared (the office or the group)"""
        return batch_out(service.reset_paper(*township_scope(), batch_id))


# --- the responsible leader's opinion ------------------------------------------------------------


@api.route("/subjects/<int:subject_id>/leader-opinion")
class SubjectLeaderOpinion(MethodView):
    @api.arguments(EvaluationLeaderOpinionSchema)
    @api.response(200, EvaluationSubjectSchema)
    def put(self, data: LeaderOpinionInput, subject_id: int):
        """Record the responsible leader's opinion (分管领导意见, the office, after the count):
        the committee cannot decide the grade without it (409 `opinion_missing`)"""
        return subject_out(service.record_leader_opinion(*township_scope(), subject_id, data))
