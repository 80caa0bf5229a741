"""Pages of the annual-session module (/t/<slug>/annual_sessions) and its public page
(/p/<slug>/annual_sessions). Every rule lives in `service/`; these pages only call it. A foreign
or unknown id is a 404 and a step the service refuses a 403 (those errors propagate); rule
breaks and bad input are flashed and the page is shown again with what was typed (422),
nothing changed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select

from lianxin import documents, spreadsheets
from lianxin.auth.models import Membership, User
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.annual_sessions import service
from lianxin.modules.annual_sessions.inputs import (
    AgendaItemCreateSchema,
    AgendaJoinGroupSchema,
    BallotCastSchema,
    BallotHandsSchema,
    BallotPaperTallySchema,
    BallotVoteCreateSchema,
    SessionCreateSchema,
    SessionImplementationSchema,
    SessionLeaveSchema,
    SessionObserverCreateSchema,
    SessionResolutionCreateSchema,
)
from lianxin.modules.annual_sessions.models import (
    AttendanceStatus,
    BallotChannel,
    DeliveryChannel,
    ItemGroup,
    ItemKind,
    ItemStatus,
    Proposer,
    Resolution,
    SessionState,
    VoteMethod,
    VoteState,
)
from lianxin.people.models import GroupMembership, GroupRole, RepresentativeGroup
from lianxin.tenants import service as tenants
from lianxin.usecases import load_input
from lianxin.web import links
from lianxin.web.forms import flash_error, label
from lianxin.web.qr import qr_svg
from lianxin.web.scope import current_township, township_scope

pages = Blueprint("annual_sessions", __name__, template_folder="templates")
public = Blueprint("annual_sessions_public", __name__, template_folder="templates")

SESSION_STATE_LABELS = {
    SessionState.PLANNING: "筹备中（征集议题）",
    SessionState.AGENDA_FIXED: "议程已确定",
    SessionState.OPEN: "会议进行中",
    SessionState.CLOSED: "已闭会",
}
ITEM_KIND_LABELS = {
    ItemKind.MOTION: "决定事项",
    ItemKind.REPORT: "审议报告",
    ItemKind.ELECTION: "选举",
    ItemKind.PERSONNEL: "人事事项",
}
PROPOSER_LABELS = {
    Proposer.COMMITTEE: "党委提出",
    Proposer.GROUP: "代表小组提出",
    Proposer.REPRESENTATIVES: "代表联名提出",
}
ITEM_STATUS_LABELS = {
    ItemStatus.PROPOSED: "待决定",
    ItemStatus.ON_AGENDA: "列入议程",
    ItemStatus.DECLINED: "不列入议程",
}
ATTENDANCE_LABELS = {
    AttendanceStatus.LEAVE_REQUESTED: "请假待批",
    AttendanceStatus.LEAVE_APPROVED: "请假",
    AttendanceStatus.LEAVE_REFUSED: "请假未批准",
    AttendanceStatus.PRESENT: "已签到",
}
METHOD_LABELS = {
    VoteMethod.HANDS: "举手表决",
    VoteMethod.NAMED: "记名表决",
    VoteMethod.SECRET: "无记名投票",
}
CHANNEL_LABELS = {BallotChannel.ONLINE: "网上投票", BallotChannel.PAPER: "纸质选票"}
DELIVERY_LABELS = {
    DeliveryChannel.INBOX: "站内信",
    DeliveryChannel.SMS: "短信",
    DeliveryChannel.NONE: "未送达：无手机号",
}
CHOICE_LABELS = {"yes": "赞成", "no": "反对", "abstain": "弃权"}
TALLY_LABELS = {
    "waiting": "等待两名计票人录入",
    "mismatch": "两名计票人的票数不一致，请监票人组织重新计票",
    "agreed": "两名计票人的票数一致",
}


@pages.context_processor
@public.context_processor
def _helpers() -> dict[str, Any]:
    return {
        "session_state_label": lambda s: label(SESSION_STATE_LABELS, s),
        "item_kind_label": lambda k: label(ITEM_KIND_LABELS, k),
        "proposer_label": lambda p: label(PROPOSER_LABELS, p),
        "item_status_label": lambda s: label(ITEM_STATUS_LABELS, s),
        "attendance_label": lambda s: label(ATTENDANCE_LABELS, s),
        "method_label": lambda m: label(METHOD_LABELS, m),
        "channel_label": lambda c: label(CHANNEL_LABELS, c),
        "choice_label": lambda c: label(CHOICE_LABELS, c),
        "tally_label": lambda t: label(TALLY_LABELS, t),
        "delivery_label": lambda c: label(DELIVERY_LABELS, c) if c else "—",
        "observer_kind_label": lambda k: label(service.OBSERVER_KINDS, k),
        "OBSERVER_KIND_LABELS": service.OBSERVER_KINDS,
        "session_days": service.session_days,
        "ITEM_KIND_LABELS": ITEM_KIND_LABELS,
        "METHOD_LABELS": METHOD_LABELS,
        "CHANNEL_LABELS": CHANNEL_LABELS,
        "CHOICE_LABELS": CHOICE_LABELS,
        "CHOICES": service.CHOICES,
    }


def _led_groups(rep: Any) -> list[RepresentativeGroup]:
    if rep is None:
        return []
    ids = select(GroupMembership.group_id).where(
        GroupMembership.representative_id == rep.id,
        GroupMembership.ended_on.is_(None),
        GroupMembership.role.in_([GroupRole.LEADER, GroupRole.DEPUTY]),
    )
    return list(
        db.session.scalars(
            select(RepresentativeGroup)
            .where(RepresentativeGroup.id.in_(ids))
            .order_by(RepresentativeGroup.id)
        )
    )


def _township_users(township: Any) -> list[User]:
    """Users with a membership in the township (tellers and scrutineers are chosen from them)."""
    ids = select(Membership.user_id).where(Membership.tenant_id == township.id)
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.username)))


def _checkin_url(township: Any, session: Any) -> str:
    return links.public_url(
        "annual_sessions.checkin",
        township_slug=township.slug,
        session_id=session.id,
        token=session.checkin_token,
    )


def _roll_json(roll: Any) -> dict[str, Any]:
    return {
        "expected": roll.expected,
        "present": roll.present,
        "on_leave": roll.on_leave,
        "leave_requested": roll.leave_requested,
        "absent": roll.absent,
        "quorum_needed": roll.quorum_needed,
        "quorum_met": roll.quorum_met,
        "left_early": roll.left_early,
    }


# --- the list of sessions ------------------------------------------------------------------------


def _render_index(values: dict[str, Any], status: int = 200) -> Any:
    actor, township = township_scope()
    return render_template(
        "annual_sessions/index.html",
        sessions=service.list_sessions(actor, township),
        is_office=service.is_office(actor, township),
        values=values,
    ), status


@pages.route("/", methods=["GET", "POST"], endpoint="index")
def index():
    actor, township = township_scope()
    if request.method == "GET":
        return _render_index({})
    values = {
        n: request.form.get(n, "").strip()
        for n in ("title", "held_on", "ends_on", "place", "open_proposal_window")
    }
    try:
        data = load_input(SessionCreateSchema, request.form, form=True)
        planned = service.plan_session(actor, township, data)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_index(values, 422)
    flash(_("已创建会议"), "success")
    if planned.window is not None:
        flash(planned.window.message, "success" if planned.window.opened else "info")
    return redirect(url_for("annual_sessions.session", session_id=planned.session.id))


# --- one session ---------------------------------------------------------------------------------


def _vote_view(actor: Any, township: Any, vote: Any) -> dict[str, Any]:
    closed = vote.state == VoteState.CLOSED
    names = {str(c.id): c.name for c in service.candidates(vote)}
    return {
        "vote": vote,
        "candidates": service.candidates(vote),
        "names": names,
        "voted": service.voted(actor, township, vote.id),
        "turnout": service.turnout(actor, township, vote.id),
        "result": service.result(actor, township, vote.id) if closed else None,
        "tally": (
            service.tally_status(actor, township, vote.id)
            if vote.channel == BallotChannel.PAPER
            else None
        ),
        "online": vote.method == VoteMethod.NAMED
        or (vote.method == VoteMethod.SECRET and vote.channel == BallotChannel.ONLINE),
    }


def _render_session(
    session_id: int,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    rep = casework.representative_of(actor, township)
    is_office = service.is_office(actor, township)
    is_committee = service.is_committee(actor, township)
    items = service.items(actor, township, session_id)
    group_names = {g.id: g.name for g in db.session.scalars(select(RepresentativeGroup))}
    groups_of: dict[int, list[str]] = {}
    if items:
        for row in db.session.scalars(
            select(ItemGroup).where(ItemGroup.item_id.in_([i.id for i in items]))
        ):
            groups_of.setdefault(row.item_id, []).append(group_names.get(row.group_id, ""))
    votes = {
        v.item_id: _vote_view(actor, township, v)
        for v in service.votes(actor, township, session_id)
    }
    expected_ids = {r.id for r in service.expected_reps(township, session)}
    is_expected = rep is not None and rep.id in expected_ids
    mine = None
    if rep is not None:
        mine = next(
            (a for r, a in service.attendance(actor, township, session_id) if r.id == rep.id), None
        )
    day = deadlines.shanghai_today()
    rules = service.agenda_rules(township, session)
    planning = session.state == SessionState.PLANNING
    proposers = []  # only the ways still open today (each has its own deadline)
    if planning and (is_office or is_committee) and day <= rules.committee_deadline:
        proposers.append(Proposer.COMMITTEE)
    led = _led_groups(rep) if is_expected else []
    members_open = session.state == SessionState.OPEN or (planning and day <= rules.group_deadline)
    if members_open and is_expected:
        if led:
            proposers.append(Proposer.GROUP)
        proposers.append(Proposer.REPRESENTATIVES)
    return render_template(
        "annual_sessions/session.html",
        s=session,
        today=day,
        may_leave=is_expected and session.state != SessionState.CLOSED and day <= session.ends_on,
        leave_min=max(day, session.held_on),
        deliveries=service.deliveries(actor, township, session_id) if is_office else None,
        roll=service.roll(township, session),
        documents=service.documents(actor, township, session_id),
        items=items,
        support={i.id: service.support_of(i) for i in items},
        groups_of=groups_of,
        votes=votes,
        resolutions=service.resolutions(actor, township, session_id),
        passed_items=[i for i in items if i.id in votes and votes[i.id]["vote"].passed],
        rules=rules,
        observer_count=service.observer_count(township, session) if is_office else None,
        rep=rep,
        is_expected=is_expected,
        mine=mine,
        is_office=is_office,
        is_committee=is_committee,
        proposers=proposers,
        led_groups=led,
        users=_township_users(township) if is_office and session.state == SessionState.OPEN else [],
        user_id=actor.user_id,
        failed=failed,
        values=values or {},
    ), status


@pages.get("/<int:session_id>")
def session(session_id: int):
    return _render_session(session_id)


def _act(session_id: int, form: str, fn: Any, *args: Any, ok: str, anchor: str = "", **kw: Any):
    """Run one step; a rule break or bad input is shown on the session page again with what was
    typed (422) and nothing changes. A refusal (403) or unknown id (404) propagates."""
    try:
        fn(*args, **kw)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_session(session_id, failed=form, values=request.form.to_dict(), status=422)
    flash(ok, "success")
    return redirect(url_for("annual_sessions.session", session_id=session_id) + anchor)


def _item(session_id: int, item_id: int) -> Any:
    actor, township = township_scope()
    item = service.get_item(actor, township, item_id)
    if item.session_id != session_id:
        raise NotFound(_("未找到该议题"))
    return item


def _vote(session_id: int, vote_id: int) -> Any:
    actor, township = township_scope()
    vote = service.get_vote(actor, township, vote_id)
    if vote.session_id != session_id:
        raise NotFound(_("未找到该表决"))
    return vote


def _resolution(session_id: int, resolution_id: int) -> Resolution:
    actor, township = township_scope()
    service.get_session(actor, township, session_id)
    row = tenant_get(Resolution, township.id, resolution_id, _("未找到该决议"))
    if row.session_id != session_id:
        raise NotFound(_("未找到该决议"))
    return row


@pages.post("/<int:session_id>/documents")
def add_document(session_id: int):
    actor, township = township_scope()
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("请选择文件。"), "error")
        return _render_session(
            session_id, failed="document", values=request.form.to_dict(), status=422
        )
    return _act(
        session_id,
        "document",
        service.add_document,
        actor,
        township,
        session_id,
        upload.stream,
        upload.filename,
        request.form.get("title", ""),
        ok=_("文件已上传"),
        anchor="#documents",
    )


@pages.post("/<int:session_id>/items")
def propose(session_id: int):
    actor, township = township_scope()
    return _act(
        session_id,
        "propose",
        lambda: service.propose_item(
            actor, township, session_id, load_input(AgendaItemCreateSchema, request.form, form=True)
        ),
        ok=_("议题已提出"),
        anchor="#agenda",
    )


@pages.post("/<int:session_id>/items/<int:item_id>/join")
def join(session_id: int, item_id: int):
    actor, township = township_scope()
    _item(session_id, item_id)
    return _act(
        session_id,
        f"join-{item_id}",
        service.join_item,
        actor,
        township,
        item_id,
        ok=_("您已联名提出该议题"),
        anchor=f"#item-{item_id}",
    )


@pages.post("/<int:session_id>/items/<int:item_id>/join-group")
def join_group(session_id: int, item_id: int):
    actor, township = township_scope()
    _item(session_id, item_id)
    return _act(
        session_id,
        f"join-{item_id}",
        lambda: service.join_item_as_group(
            actor,
            township,
            item_id,
            load_input(AgendaJoinGroupSchema, request.form, form=True).group_id,
        ),
        ok=_("代表小组已提出该议题"),
        anchor=f"#item-{item_id}",
    )


@pages.post("/<int:session_id>/items/<int:item_id>/decide")
def decide(session_id: int, item_id: int):
    actor, township = township_scope()
    _item(session_id, item_id)
    accept = request.form.get("decision") == "accept"
    return _act(
        session_id,
        f"decide-{item_id}",
        service.decide_item,
        actor,
        township,
        item_id,
        accept=accept,
        reason=request.form.get("reason", ""),
        ok=_("已列入议程") if accept else _("已决定不列入议程"),
        anchor=f"#item-{item_id}",
    )


@pages.post("/<int:session_id>/fix")
def fix_agenda(session_id: int):
    actor, township = township_scope()
    return _act(
        session_id,
        "fix",
        service.fix_agenda,
        actor,
        township,
        session_id,
        ok=_("议程已确定，已通知全体代表"),
        anchor="#agenda",
    )


@pages.post("/<int:session_id>/leave")
def request_leave(session_id: int):
    actor, township = township_scope()

    def ask() -> None:
        data = load_input(SessionLeaveSchema, request.form, form=True)
        service.request_leave(actor, township, session_id, data.reason, leave_from=data.leave_from)

    return _act(session_id, "leave", ask, ok=_("请假申请已提交"))


@pages.post("/<int:session_id>/proposal-window")
def proposal_window(session_id: int):
    actor, township = township_scope()
    try:
        offer = service.open_proposal_window(actor, township, session_id)
    except Conflict as exc:
        flash_error(exc)
        return _render_session(session_id, failed="window", status=422)
    flash(offer.message, "success")
    return redirect(url_for("annual_sessions.session", session_id=session_id))


@pages.post("/<int:session_id>/open")
def open_session(session_id: int):
    actor, township = township_scope()
    return _act(
        session_id, "open", service.open_session, actor, township, session_id, ok=_("会议已开幕")
    )


@pages.post("/<int:session_id>/close")
def close_session(session_id: int):
    actor, township = township_scope()
    return _act(
        session_id,
        "close",
        service.close_session,
        actor,
        township,
        session_id,
        ok=_("会议已闭幕"),
    )


# --- attendance ----------------------------------------------------------------------------------


@pages.get("/<int:session_id>/attendance")
def attendance(session_id: int):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    if not service.is_office(actor, township):
        raise PermissionDenied()
    url = _checkin_url(township, session)
    rows = service.attendance(actor, township, session_id)
    names = _branch_names()
    q = _roll_query()
    return render_template(
        "annual_sessions/attendance.html",
        s=session,
        rows=[(r, a) for r, a in rows if _found(r, q, names)] if q else rows,
        total=len(rows),
        q=q,
        branch_names=names,
        roll=service.roll(township, session),
        checkin_url=url,
        qr=qr_svg(url),
    )


def _branch_names() -> dict[int, str]:
    """Electoral units by id: with the birth year they tell same-name representatives apart."""
    actor, township = township_scope()
    return {b.id: b.name for b in tenants.list_branches(actor, township)[0]}


def _found(rep: Any, q: str, branch_names: Mapping[int, str]) -> bool:
    """The roll's search without script (attendance.js does the same as you type)."""
    return service.roll_matches(rep, q, branch_names)


def _roll_query() -> str:
    """The roll's search, read once for the page and its export."""
    return (request.args.get("q") or "").strip()[:100]


@pages.get("/<int:session_id>/attendance.xlsx", endpoint="attendance_export")
def attendance_export(session_id: int):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    data = service.attendance_xlsx(actor, township, session_id, q=_roll_query())
    name = _("%(t)s 出席情况.xlsx", t=session.title[:40])
    return spreadsheets.response(data, name, ascii_name="attendance.xlsx")


@pages.get("/<int:session_id>/roll.json")
def roll_json(session_id: int):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    return jsonify(_roll_json(service.roll(township, session)))


def _attendance_step(session_id: int, fn: Any, *args: Any, ok: str, **kw: Any) -> Any:
    try:
        fn(*args, **kw)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
    else:
        flash(ok, "success")
    return redirect(url_for("annual_sessions.attendance", session_id=session_id))


@pages.post("/<int:session_id>/attendance/<int:rep_id>/check-in")
def check_in(session_id: int, rep_id: int):
    """A tap on 签到. Asked for JSON (attendance.js checks in without leaving the page), the
    answer is the person's new row and the roll; a plain form post comes back to the row."""
    actor, township = township_scope()
    if request.accept_mimetypes.best != "application/json":
        back = _attendance_step(
            session_id, service.check_in, actor, township, session_id, rep_id, ok=_("已签到")
        )
        back.location = f"{back.location}#rep-{rep_id}"
        return back
    status, body = 200, {"ok": True, "message": _("已签到")}
    try:
        service.check_in(actor, township, session_id, rep_id)
    except (ValidationFailed, Conflict) as exc:
        status = 409 if isinstance(exc, Conflict) else 422
        body = {"ok": False, "code": exc.code, "message": str(exc.message)}
    session = service.get_session(actor, township, session_id)
    found = next(
        (ra for ra in service.attendance(actor, township, session_id) if ra[0].id == rep_id), None
    )
    if found is not None:
        rep, row = found
        body["rep_id"] = rep.id
        body["status"] = row.status if row is not None else None
        body["row"] = render_template(
            "annual_sessions/_roll_row.html", s=session, r=rep, a=row, branch_names=_branch_names()
        )
    body["roll"] = _roll_json(service.roll(township, session))
    return jsonify(body), status


@pages.post("/<int:session_id>/attendance/<int:rep_id>/leave")
def decide_leave(session_id: int, rep_id: int):
    actor, township = township_scope()
    approve = request.form.get("decision") == "approve"
    return _attendance_step(
        session_id,
        service.decide_leave,
        actor,
        township,
        session_id,
        rep_id,
        approve=approve,
        ok=_("已批准请假") if approve else _("未批准请假"),
    )


@pages.route("/<int:session_id>/checkin/<token>", methods=["GET", "POST"])
def checkin(session_id: int, token: str):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    if request.method == "GET":
        if not service.checkin_token_matches(session, token):
            raise NotFound(_("签到码无效"))
        return render_template("annual_sessions/checkin.html", s=session, token=token, done=False)
    try:
        service.self_check_in(actor, township, session_id, token)
    except (ValidationFailed, Conflict) as exc:
        if exc.code != "already_checked_in":
            flash_error(exc)
            return render_template(
                "annual_sessions/checkin.html", s=session, token=token, done=False
            ), 422
    flash(_("签到成功"), "success")
    return render_template("annual_sessions/checkin.html", s=session, token=token, done=True)


# --- observers (列席人员) -------------------------------------------------------------------------


def _render_observers(session_id: int, *, values: dict[str, Any] | None = None, status: int = 200):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    return render_template(
        "annual_sessions/observers.html",
        s=session,
        rows=service.observers(actor, township, session_id),
        count=service.observer_count(township, session),
        roll=service.roll(township, session),
        values=values or {},
    ), status


def _observer(session_id: int, observer_id: int) -> Any:
    actor, township = township_scope()
    row = service.get_observer(actor, township, observer_id)
    if row.session_id != session_id:
        raise NotFound(_("未找到该列席人员"))
    return row


@pages.route("/<int:session_id>/observers", methods=["GET", "POST"])
def observers(session_id: int):
    actor, township = township_scope()
    if request.method == "GET":
        return _render_observers(session_id)
    service.get_session(actor, township, session_id)  # another township's session: 404 first
    try:
        data = load_input(SessionObserverCreateSchema, request.form, form=True)
        service.add_observer(actor, township, session_id, data)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        return _render_observers(session_id, values=request.form.to_dict(), status=422)
    flash(_("已登记列席人员"), "success")
    return redirect(url_for("annual_sessions.observers", session_id=session_id))


def _observer_step(session_id: int, observer_id: int, fn: Any, ok: str) -> Any:
    actor, township = township_scope()
    _observer(session_id, observer_id)
    try:
        fn(actor, township, observer_id)
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
    else:
        flash(ok, "success")
    return redirect(url_for("annual_sessions.observers", session_id=session_id))


@pages.post("/<int:session_id>/observers/<int:observer_id>/check-in")
def observer_check_in(session_id: int, observer_id: int):
    return _observer_step(session_id, observer_id, service.check_in_observer, _("已签到"))


@pages.post("/<int:session_id>/observers/<int:observer_id>/delete")
def observer_remove(session_id: int, observer_id: int):
    return _observer_step(session_id, observer_id, service.remove_observer, _("已删除"))


@pages.get("/<int:session_id>/observers.xlsx")
def observers_export(session_id: int):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    data = service.observers_xlsx(actor, township, session_id)
    name = _("%(t)s 列席人员.xlsx", t=session.title[:40])
    return spreadsheets.response(data, name, ascii_name="observers.xlsx")


# --- votes ---------------------------------------------------------------------------------------


@pages.post("/<int:session_id>/items/<int:item_id>/vote")
def create_vote(session_id: int, item_id: int):
    actor, township = township_scope()
    _item(session_id, item_id)
    # The candidates come one a line in a text box; the schema takes them as a list.
    lines = request.form.get("candidates", "").splitlines()
    form = {**request.form.to_dict(), "candidates": [n for n in lines if n.strip()]}
    return _act(
        session_id,
        f"vote-{item_id}",
        lambda: service.create_vote(
            actor, township, item_id, load_input(BallotVoteCreateSchema, form, form=True)
        ),
        ok=_("表决已开始"),
        anchor=f"#item-{item_id}",
    )


@pages.post("/<int:session_id>/votes/<int:vote_id>/hands")
def hands(session_id: int, vote_id: int):
    actor, township = township_scope()
    vote = _vote(session_id, vote_id)
    return _act(
        session_id,
        f"hands-{vote_id}",
        lambda: service.record_hands(
            actor, township, vote_id, load_input(BallotHandsSchema, request.form, form=True)
        ),
        ok=_("举手表决结果已录入"),
        anchor=f"#item-{vote.item_id}",
    )


@pages.post("/<int:session_id>/votes/<int:vote_id>/close")
def close_vote(session_id: int, vote_id: int):
    actor, township = township_scope()
    vote = _vote(session_id, vote_id)
    return _act(
        session_id,
        f"close-{vote_id}",
        service.close_vote,
        actor,
        township,
        vote_id,
        ok=_("表决已结束"),
        anchor=f"#item-{vote.item_id}",
    )


@pages.post("/<int:session_id>/votes/<int:vote_id>/tally")
def tally(session_id: int, vote_id: int):
    actor, township = township_scope()
    vote = _vote(session_id, vote_id)
    form: Mapping[str, Any] = request.form
    if vote.seats is not None:  # an election: each candidate's count in a field of its own
        form = {
            "ballots": request.form.get("ballots", ""),
            "candidates": {
                str(c.id): request.form.get(f"candidate_{c.id}", "").strip() or "0"
                for c in service.candidates(vote)
            },
        }
    return _act(
        session_id,
        f"tally-{vote_id}",
        lambda: service.enter_paper_tally(
            actor, township, vote_id, load_input(BallotPaperTallySchema, form, form=True)
        ),
        ok=_("计票结果已录入"),
        anchor=f"#item-{vote.item_id}",
    )


@pages.post("/<int:session_id>/votes/<int:vote_id>/reset")
def reset_tally(session_id: int, vote_id: int):
    actor, township = township_scope()
    vote = _vote(session_id, vote_id)
    return _act(
        session_id,
        f"tally-{vote_id}",
        service.reset_paper_tally,
        actor,
        township,
        vote_id,
        ok=_("已要求重新计票"),
        anchor=f"#item-{vote.item_id}",
    )


def _render_ballot(session_id: int, vote_id: int, *, values: Any = None, status: int = 200):
    actor, township = township_scope()
    session = service.get_session(actor, township, session_id)
    vote = _vote(session_id, vote_id)
    item = service.get_item(actor, township, vote.item_id)
    return render_template(
        "annual_sessions/ballot.html",
        s=session,
        item=item,
        v=_vote_view(actor, township, vote),
        is_rep=casework.representative_of(actor, township) is not None,
        values=values or {},
    ), status


@pages.route("/<int:session_id>/votes/<int:vote_id>", methods=["GET", "POST"])
def ballot(session_id: int, vote_id: int):
    actor, township = township_scope()
    if request.method == "GET":
        return _render_ballot(session_id, vote_id)
    vote = _vote(session_id, vote_id)
    cast = service.cast_named if vote.method == VoteMethod.NAMED else service.cast_secret
    try:
        cast(actor, township, vote_id, load_input(BallotCastSchema, request.form, form=True))
    except (ValidationFailed, Conflict) as exc:
        flash_error(exc)
        values = {
            "choice": request.form.get("choice", ""),
            "candidate_ids": request.form.getlist("candidate_ids"),
        }
        return _render_ballot(session_id, vote_id, values=values, status=422)
    flash(_("投票成功"), "success")
    return redirect(url_for("annual_sessions.ballot", session_id=session_id, vote_id=vote_id))


# --- resolutions ---------------------------------------------------------------------------------


@pages.post("/<int:session_id>/resolutions")
def create_resolution(session_id: int):
    actor, township = township_scope()
    return _act(
        session_id,
        "resolution",
        lambda: service.create_resolution(
            actor,
            township,
            session_id,
            load_input(SessionResolutionCreateSchema, request.form, form=True),
        ),
        ok=_("决议已形成，已通知全体代表"),
        anchor="#resolutions",
    )


@pages.post("/<int:session_id>/resolutions/<int:resolution_id>/publish")
def publish_resolution(session_id: int, resolution_id: int):
    actor, township = township_scope()
    _resolution(session_id, resolution_id)
    published = request.form.get("published") == "1"
    return _act(
        session_id,
        f"publish-{resolution_id}",
        service.set_resolution_published,
        actor,
        township,
        resolution_id,
        published,
        ok=_("决议已公开") if published else _("已取消公开"),
        anchor=f"#resolution-{resolution_id}",
    )


@pages.post("/<int:session_id>/resolutions/<int:resolution_id>/implementation")
def implementation(session_id: int, resolution_id: int):
    actor, township = township_scope()
    _resolution(session_id, resolution_id)
    return _act(
        session_id,
        f"implementation-{resolution_id}",
        lambda: service.report_implementation(
            actor,
            township,
            resolution_id,
            load_input(SessionImplementationSchema, request.form, form=True).text,
        ),
        ok=_("落实情况已保存"),
        anchor=f"#resolution-{resolution_id}",
    )


# --- the report ----------------------------------------------------------------------------------


def _report_context(session_id: int) -> dict[str, Any]:
    """What the report page and its PDF show: the service's report and the names it needs."""
    actor, township = township_scope()
    data = service.session_report(actor, township, session_id)
    names: dict[int, dict[str, str]] = {}
    for vote, _item_row, _outcome in data.votes:
        names[vote.id] = {str(c.id): c.name for c in service.candidates(vote)}
    ratings: dict[Any, Any] = {}
    if data.proposals:
        from lianxin.modules.proposals.service import RATING_LABELS

        ratings = dict(RATING_LABELS)
    can_archive = service.is_office(actor, township) and data.session.state == SessionState.CLOSED
    return {
        "r": data,
        "s": data.session,
        "names": names,
        "ratings": ratings,
        "can_archive": can_archive,
    }


def _report_pdf(context: dict[str, Any]) -> bytes:
    html = render_template(
        "annual_sessions/report_document.html", today=deadlines.shanghai_today(), **context
    )
    return documents.pdf(html)


@pages.get("/<int:session_id>/report")
def report(session_id: int):
    return render_template("annual_sessions/report.html", **_report_context(session_id))


@pages.get("/<int:session_id>/report.pdf", endpoint="report_pdf")
def report_pdf(session_id: int):
    context = _report_context(session_id)
    title = context["s"].title[:40]
    return documents.response(
        _report_pdf(context), _("%(t)s 会议报告.pdf", t=title), ascii_name="session-report.pdf"
    )


@pages.post("/<int:session_id>/report/archive", endpoint="report_archive")
def report_archive(session_id: int):
    """归档: the report as PDF among the session's documents (the office, once closed)."""
    actor, township = township_scope()
    context = _report_context(session_id)
    try:
        service.archive_report(actor, township, session_id, _report_pdf(context))
    except Conflict as exc:
        flash_error(exc)
        return redirect(url_for("annual_sessions.report", session_id=session_id))
    flash(_("会议报告已归档到会议文件"), "success")
    return redirect(url_for("annual_sessions.session", session_id=session_id) + "#documents")


# --- public --------------------------------------------------------------------------------------


@public.get("/", endpoint="index")
def public_index():
    return render_template(
        "annual_sessions/public_index.html",
        public_page=True,
        rows=service.public_resolutions(current_township()),
    )
