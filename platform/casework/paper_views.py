"""The paper around a case (issue 25), on the township's case pages: the referral sheet (交办单)
the office prints for the handling units, a new tracking code for a lost receipt (补发查询码: the
case page then offers the receipt, as right after registering), and the blank opinion form
(社情民意收集表) for paper intake, keyed in later with 据纸质表登记 on the new-case form.

Each print is one A4 page (`@page { size: A4 }`, tests/browser/test_prints_paper.py). Views call
the casework stages only; another township's case is 404, a case the user may not see 404, a
user who may see it but is not the office 403.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from lianxin.casework import schemas as cw
from lianxin.casework.deadlines import shanghai_today
from lianxin.casework.models import Channel
from lianxin.casework.stages import intake, paper
from lianxin.casework.stages.common import CATEGORIES
from lianxin.casework.views import RECEIPT_KEY, _posted, bp
from lianxin.errors import ValidationFailed
from lianxin.web.forms import flash_error
from lianxin.web.scope import township_scope

# Summaries on a one-page sheet: the full text stays on the platform (the sheet says where).
SUMMARY_CHARS = 400
PROPOSAL_CHARS = 150


def summarised(text: str | None, limit: int) -> tuple[str, bool]:
    """`text` on one run of lines (its line breaks as spaces), at most `limit` characters with
    an ellipsis when cut; and whether it was cut."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat, False
    return flat[: limit - 1] + "…", True


@bp.get("/<int:case_id>/referral-sheet", endpoint="referral_sheet")
def referral_sheet(case_id: int) -> ResponseReturnValue:
    """交办单: the case, the units of the current round, the deadline; the office only."""
    actor, township = township_scope()
    sheet = paper.referral_sheet(actor, township, case_id)
    return render_template(
        "casework/print_referral.html",
        sheet=sheet,
        case=sheet.case,
        printed_on=shanghai_today(),
        summary=summarised(sheet.case.body, SUMMARY_CHARS),
        proposal=summarised(sheet.case.proposed_handling, PROPOSAL_CHARS)[0],
        cw=cw,
    )


@bp.post("/<int:case_id>/new-code", endpoint="reissue_code")
def reissue_code(case_id: int) -> ResponseReturnValue:
    """补发查询码: a new code replaces the lost one; the case page shows it once, with 打印回执."""
    actor, township = township_scope()
    if _posted():
        try:
            created = intake.reissue_tracking_code(
                actor, township, case_id, request.form.get("reason")
            )
        except ValidationFailed as refused:
            flash_error(refused)
            return redirect(url_for(".detail", case_id=case_id))
        session[RECEIPT_KEY] = [township.id, created.case.id, created.tracking_code]
        flash(
            _("已补发查询码：%(c)s，原查询码已作废。请打印回执交给群众。", c=created.tracking_code),
            "success",
        )
    return redirect(url_for(".detail", case_id=case_id))


@bp.get("/blank-opinion-form", endpoint="blank_opinion_form")
def blank_opinion_form() -> ResponseReturnValue:
    """社情民意收集表: a blank form to fill in by hand, for those who register cases."""
    actor, township = township_scope()
    paper.require_blank_forms(actor, township)
    return render_template(
        "casework/blank_opinion_form.html",
        channels=[
            (str(k), str(v)) for k, v in cw.CHANNEL_LABELS.items() if k != Channel.PUBLIC_WEB
        ],
        categories=CATEGORIES,
    )
