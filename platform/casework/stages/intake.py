"""Registering a case, and the public lookup by tracking code."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework.errors import IllegalTransition
from lianxin.casework.inputs import CaseInput
from lianxin.casework.models import (
    Case,
    CaseEvent,
    CaseState,
    Channel,
)
from lianxin.casework.stages.branch import (
    branch_for_new_case,
    find_branch,
    notify_registered_at_branch,
)
from lianxin.casework.stages.common import (
    _office_user_ids,
    _public_actor,
    _require_office,
    _set_deadline,
    case_link,
    code_digest,
    get_case,
    is_office,
    new_tracking_code,
    representative_of,
    rule_for,
)
from lianxin.casework.stages.handling import rate
from lianxin.casework.stages.places import station_source
from lianxin.casework.states import TRANSITIONS
from lianxin.db import db, utcnow
from lianxin.errors import NotFound, PermissionDenied, ValidationFailed
from lianxin.notify import service as notify
from lianxin.people.models import Representative
from lianxin.people.service import clean_phone
from lianxin.tenants.models import Township
from lianxin.usecases import use_case
from lianxin.web import links

# --- registering ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewCase:
    case: Case
    tracking_code: str


# Besides the office and representatives, the people of the liaison chain (三联) write down what
# they were told: committee members and branch liaisons.
RECORDING_ROLES = frozenset({Role.COMMITTEE_MEMBER, Role.BRANCH_LIAISON})
# The channels of a case the person raises themselves, without an account.
PUBLIC_CHANNELS = frozenset({Channel.PUBLIC_WEB, Channel.APPOINTED_VISIT})
# The states in which the person may rate the answer.
RATEABLE = TRANSITIONS["rate"].sources


@use_case
def register(actor: Actor | None, township: Township, data: CaseInput) -> NewCase:
    """Record a case. `actor` None means the person submitted it themselves (public web form).

    Staff recording for someone else (a walk-in, a call, a photographed paper form) are recorded
    as such. The reply clock starts now.
    """
    if actor is not None and not (
        is_office(actor, township)
        or representative_of(actor, township) is not None
        or actor.roles_in_township(township.id) & RECORDING_ROLES
    ):
        raise PermissionDenied()
    errors: dict[str, list[str]] = {}
    if actor is None and data.channel not in PUBLIC_CHANNELS:
        errors["channel"] = [_("请选择来源渠道")]
    # The phone is checked here rather than in the schema, which runs first: a representative
    # of another township (below) is 404 whatever else the request says.
    try:
        phone = clean_phone(data.raiser_phone)
    except ValueError:
        phone = None
        errors["raiser_phone"] = [_("手机号格式不正确")]
    if not data.anonymous and not phone and actor is None:
        errors["raiser_phone"] = [_("请留下手机号以便答复，或选择匿名")]
    received_by = data.received_by_id
    if (
        received_by is not None
        and db.session.get(Representative, (township.id, received_by)) is None
    ):
        raise NotFound(_("未找到该代表"))
    if data.branch_id is not None:  # another township's branch, too, is 404 whatever is said
        find_branch(township, data.branch_id)
    source_type, source_id = station_source(township, data, errors)
    _check_paper(actor, data, errors)
    if errors:
        raise ValidationFailed(errors=errors)
    if actor is not None and received_by is None:
        rep = representative_of(actor, township)
        received_by = rep.id if rep is not None else None
    receiver = db.session.get(Representative, (township.id, received_by)) if received_by else None
    # Whose branch it is, and whether a liaison's log entry waits there first (branch.py).
    branch_id, at_branch = branch_for_new_case(actor, township, data, receiver)
    code = new_tracking_code()
    now = utcnow()
    deadline = rule_for(township.id).deadline(deadlines.shanghai_today(now), data.complexity)
    case = Case(
        tracking_hash=code_digest(code),
        channel=data.channel,
        title=data.title,
        body=data.body,
        category=data.category,
        complexity=data.complexity,
        anonymous=data.anonymous,
        raiser_name=None if data.anonymous else data.raiser_name,
        raiser_phone=phone,
        source_type=source_type,
        source_id=source_id,
        recorded_by_id=actor.user_id if actor else None,
        # A paper form is always written down for someone (纸质登记).
        on_behalf=actor is not None and (data.on_behalf or data.from_paper),
        from_paper=actor is not None and data.from_paper,
        paper_form_on=data.paper_form_on if actor is not None and data.from_paper else None,
        received_by_id=received_by,
        branch_id=branch_id,
        state=CaseState.BRANCH_REGISTERED if at_branch else CaseState.REGISTERED,
        created_at=now,
    )
    _set_deadline(case, deadline)
    db.session.add(case)
    db.session.flush()
    db.session.add(
        CaseEvent(
            case_id=case.id,
            action="register",
            from_state=None,
            to_state=case.state,
            actor_user_id=actor.user_id if actor else None,
            actor_name=actor.name if actor else _("群众"),
            note=_register_note(case, at_branch),
        )
    )
    after: dict[str, object] = {"channel": data.channel, "state": case.state}
    if case.from_paper:
        after["from_paper"] = True
        if case.paper_form_on is not None:
            after["paper_form_on"] = case.paper_form_on.isoformat()
    audit.record(
        "case.register",
        actor=actor or _public_actor(),
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        after=after,
    )
    if at_branch:  # the office hears of it when the branch sends it on
        notify_registered_at_branch(township, case)
    else:
        notify.notify(
            _office_user_ids(township),
            _("新诉求：%(t)s", t=data.title),
            _("请及时登记办理。"),
            tenant_id=township.id,
            link=case_link(township, case.id),
            dedupe_key=f"case:{township.id}:{case.id}:registered",
            kind="case.registered",
        )
    if phone:
        _send_tracking_code(township, case, phone, code)
    return NewCase(case, code)


def _check_paper(actor: Actor | None, data: CaseInput, errors: dict[str, list[str]]) -> None:
    """纸质登记: staff key in a paper opinion form; its date, if given, is within the last year
    and not in the future (a date without the form is refused by the schema)."""
    if not data.from_paper:
        return
    if actor is None:
        errors["from_paper"] = [_("群众本人提交的诉求不能标记为纸质登记")]
    elif data.paper_form_on is not None:
        today = deadlines.shanghai_today()
        if data.paper_form_on > today:
            errors["paper_form_on"] = [_("纸质表日期不能晚于今天")]
        elif data.paper_form_on < deadlines.a_year_before(today):
            errors["paper_form_on"] = [_("纸质表日期不能早于一年前")]


def _register_note(case: Case, at_branch: bool) -> str | None:
    """The register event's note: who wrote it down, and from which paper form."""
    if not case.on_behalf:
        return None
    note = _("支部联络员代为登记") if at_branch else _("代为登记")
    if case.from_paper:
        note = _("据纸质表登记")
        if case.paper_form_on is not None:
            note += _("（纸质表日期 %(d)s）", d=case.paper_form_on.isoformat())
    return note


REISSUE_REASON_MAX = 200


@use_case
def reissue_tracking_code(
    actor: Actor, township: Township, case_id: int, reason: str | None
) -> NewCase:
    """补发查询码: the person lost the receipt (only the code's hash is kept, so it cannot be
    shown again). The office gives a new code for a new receipt; the old one stops working, so
    the office says why (after the case and the role are checked: a foreign case is 404 and a
    representative 403 whatever the reason). Recorded on the case with the reason and audited,
    and texted to the phone on file like the first."""
    case = get_case(actor, township, case_id)
    _require_office(actor, township)
    why = (reason or "").strip()
    if not why or len(why) > REISSUE_REASON_MAX:
        raise ValidationFailed(
            errors={"reason": [_("请填写补发查询码的原因（%(n)d字以内）", n=REISSUE_REASON_MAX)]}
        )
    code = new_tracking_code()
    case.tracking_hash = code_digest(code)
    event = CaseEvent(
        case_id=case.id,
        action="reissue_code",
        from_state=case.state,
        to_state=case.state,
        actor_user_id=actor.user_id,
        actor_name=actor.name,
        note=_("原查询码作废：%(r)s", r=why),
    )
    db.session.add(event)
    db.session.flush()
    audit.record(
        "case.reissue_code",
        actor=actor,
        tenant_id=township.id,
        target_type="case",
        target_id=case.id,
        after={"reason": why},
    )
    if case.raiser_phone:
        _send_tracking_code(township, case, case.raiser_phone, code, again=event.id)
    return NewCase(case, code)


def _send_tracking_code(
    township: Township, case: Case, phone: str, code: str, again: int | None = None
) -> None:
    """The person who raised it gets the code by SMS (kind `tracking_code`): a code shown once
    on a screen is easily lost. The link opens the tracking page with the code in its
    fragment, which the browser never sends to the server."""
    notify.notify(
        [],
        _("诉求查询码"),
        _(
            "您反映的问题已登记，查询码：%(c)s。凭查询码可查看办理进展和答复，并作评价。",
            c=code,
        ),
        kind="tracking_code",
        params={"tracking_code": code, "township": township.name},
        phones=[(case.raiser_name or "", phone)],
        link=tracking_url(township, code),
        tenant_id=township.id,
        dedupe_key=f"case:{township.id}:{case.id}:tracking_code"
        + (f":{again}" if again is not None else ""),
    )


def tracking_url(township: Township, code: str) -> str:
    """The public tracking page that opens this case by itself: the code rides in the URL's
    fragment (`#code=…`), read by the page's script and posted; it never reaches a server log
    or a Referer header."""
    return links.public_url(
        "public_cases.track", township_slug=township.slug, _anchor=f"code={code}"
    )


def find_by_code(township: Township, code: str) -> Case:
    """The public lookup: a wrong code is simply not found (and the caller rate-limits)."""
    case = db.session.scalar(select(Case).where(Case.tracking_hash == code_digest(code or "")))
    if case is None:
        raise NotFound(_("查询码不正确"))
    return case


@use_case
def rate_by_code(township: Township, code: str, rating: str, comment: str | None) -> Case:
    """The person rates the answer, once; too early or a second time is refused in words the
    person understands."""
    case = find_by_code(township, code)
    if case.state == CaseState.RATED:
        raise IllegalTransition(_("您已评价过，感谢您的反馈。"))
    if case.state not in RATEABLE:
        raise IllegalTransition(_("该诉求尚未答复，暂不能评价。"))
    return rate(township, case, rating, comment)
