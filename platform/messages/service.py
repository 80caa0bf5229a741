"""The township's delivery report: per message, who was reached by which channel and who was
not, with the reason. Read-only, for the liaison office (admin and staff).

A message is an outbox message of the township that reached someone's channels; its rows are
the `Delivery` rows the notify handler wrote (one per recipient and channel). A recipient is
reached when at least one of their channels sent it.

A confidential message shows how many it reached and why the others were not, never who:
an evaluation's reminder goes to those who have not answered yet, and the office learns how
many, never who (`lianxin.modules.evaluations`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.sql import Select

from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound
from lianxin.notify.models import Delivery, OutboxMessage
from lianxin.tenants.models import Township

SENT, FAILED, SKIPPED = "sent", "failed", "skipped"
UNREACHED = "unreached"  # the status filter: messages with someone no channel reached

KIND_LABELS: dict[str, Any] = {
    "general": _l("通知"),
    "awards.opened": _l("县级评选推荐"),
    "awards.published": _l("县级评选结果"),
    "awards.own_published": _l("本镇评选结果"),
    "case.referred": _l("诉求交办"),
    "reminder": _l("提醒"),
    "resolution": _l("决议"),
    "tracking_code": _l("查询码"),
    "account.setup": _l("账号设置"),
    "case.registered": _l("诉求登记"),
    "case.answered": _l("诉求答复"),
    "case.returned": _l("诉求退回"),
    "case.due_changed": _l("诉求期限变更"),
    "reception_day.notice": _l("接待公告"),
    "reception_day.schedule": _l("接待日安排"),
    "reception_day.moved": _l("接待日调整"),
    "reception_day.absence": _l("接待代表不能到场"),
    "reception_day.substitute": _l("接待替补"),
    "reception_day.substitute_needed": _l("需要替补代表"),
    "reception_day.summary": _l("接待日小结"),
    "session.agenda": _l("年会议程"),
    "session.leave": _l("年会请假"),
    "briefing": _l("通报"),
    "sitting.invitation": _l("列席邀请"),
    "sitting.declined": _l("列席请假"),
    "sitting.answer": _l("列席意见答复"),
    "inspection.plan": _l("视察调研方案"),
    "inspection.cancel": _l("视察调研取消"),
    "group_activity.recorded": _l("小组活动登记"),
    "evaluation.notice": _l("评议预告"),
    "evaluation.unfit": _l("评议不称职报告"),
    "training.invitation": _l("学习培训通知"),
    "training.leave_requested": _l("学习培训请假"),
    "training.leave_decided": _l("学习培训请假审批"),
    "training.changed": _l("学习培训变更"),
    "training.cancelled": _l("学习培训取消"),
    "group_activity.reception_assigned": _l("党委委员接待组长安排"),
    "group_activity.visit_scheduled": _l("党委委员走访安排"),
    "group_activity.visit_minutes": _l("党委委员走访纪要"),
    "group_activity.keeper": _l("党委委员包联代表小组"),
    "commitment.approved": _l("公开承诺审核公开"),
    "commitment.returned": _l("公开承诺退回"),
    "commitment.closed": _l("公开承诺兑现评定"),
    "commitment.reminder": _l("公开承诺到期提醒"),
    "proposal.invite": _l("提案联名邀请"),
    "proposal.submitted": _l("提案已提交"),
    "proposal.accepted": _l("提案已立案"),
    "proposal.rejected": _l("提案不予立案"),
    "proposal.merged": _l("提案已并案"),
    "proposal.converted": _l("提案转为建议意见"),
    "proposal.assigned": _l("提案交办"),
    "proposal.returned": _l("提案退回"),
    "proposal.extension": _l("提案延期"),
    "proposal.answered": _l("提案答复"),
    "proposal.unsatisfied": _l("提案答复不满意"),
    "proposal.closed": _l("提案办结"),
}
CHANNEL_LABELS: dict[str, Any] = {
    "inbox": _l("站内消息"),
    "sms": _l("短信"),
    "email": _l("电子邮件"),
    "wecom": _l("企业微信"),
}
CHANNEL_ORDER = ("inbox", "sms", "wecom", "email")
STATUS_LABELS: dict[str, Any] = {
    SENT: _l("已发送"),
    FAILED: _l("发送失败"),
    SKIPPED: _l("未发送"),
}
FILTER_LABELS: dict[str, Any] = {**STATUS_LABELS, UNREACHED: _l("有人未收到")}
REASON_LABELS: dict[str, Any] = {
    "no_phone": _l("未登记手机号"),
    "not_mobile": _l("登记的号码不是手机号"),
    "no_template": _l("该类消息未配置短信模板"),
    "missing_param": _l("短信模板所需内容缺失"),
    "opted_out": _l("本人已关闭该渠道"),
    "no_wecom_id": _l("未填写企业微信账号"),
    "no_email": _l("未登记电子邮箱"),
    "not_configured": _l("平台未开通该渠道"),
    "invaliduser": _l("企业微信账号无效或不在应用可见范围"),
}
PROVIDER_LABELS: dict[str, Any] = {
    "log": _l("开发日志"),
    "aliyun": _l("阿里云短信"),
    "tencent": _l("腾讯云短信"),
    "smtp": _l("邮件服务器"),
    "wecom": _l("企业微信"),
}


# Messages confidential by what they are, for rows written before their callers said so
# (`notify(..., confidential=True)`): the evaluations' reminders of those who have not
# answered (their dedupe key). Their SMS to
# people without an account are "sms" messages of the older kind, confidential already
# (`lianxin.notify.delivery.confidential`).
CONFIDENTIAL_DEDUPE_PREFIXES = ("evaluations.remind:",)


def label(labels: dict[str, Any], key: str | None) -> str:
    if key is None:
        return ""
    return str(labels.get(key, key))


def reason(status: str, code: str | None) -> str:
    """Why it was not sent, in words: the skip's reason, or the provider's error code."""
    if status == SKIPPED:
        return label(REASON_LABELS, code)
    if status == FAILED:
        if code in REASON_LABELS:
            return label(REASON_LABELS, code)
        return str(_l("服务商返回错误：%(code)s", code=code or "?"))
    return ""


@dataclass(frozen=True)
class ChannelResult:
    channel: str
    status: str
    code: str | None
    detail: str | None
    provider: str | None
    provider_id: str | None
    attempts: int
    at: datetime

    @property
    def channel_label(self) -> str:
        return label(CHANNEL_LABELS, self.channel)

    @property
    def status_label(self) -> str:
        return label(STATUS_LABELS, self.status)

    @property
    def provider_label(self) -> str:
        return "" if self.provider in (None, "inbox") else label(PROVIDER_LABELS, self.provider)

    @property
    def reason(self) -> str:
        return reason(self.status, self.code)


@dataclass(frozen=True)
class RecipientReport:
    recipient: str  # user:<id> or phone:<n>
    name: str
    user_id: int | None
    phone_masked: str | None
    results: list[ChannelResult]

    @property
    def reached(self) -> bool:
        return any(r.status == SENT for r in self.results)

    @property
    def reached_by(self) -> list[str]:
        return [r.channel for r in self.results if r.status == SENT]

    @property
    def has_account(self) -> bool:
        return self.user_id is not None


@dataclass(frozen=True)
class Outcomes:
    """How many recipients had one result on one channel (a confidential message's detail)."""

    channel: str
    status: str
    code: str | None
    count: int

    @property
    def channel_label(self) -> str:
        return label(CHANNEL_LABELS, self.channel)

    @property
    def status_label(self) -> str:
        return label(STATUS_LABELS, self.status)

    @property
    def reason(self) -> str:
        return reason(self.status, self.code)


@dataclass(frozen=True)
class MessageReport:
    outbox_id: int
    title: str
    kind: str
    created_at: datetime | None
    recipients: list[RecipientReport]
    sent_by_channel: dict[str, int] = field(default_factory=dict)
    confidential: bool = False

    @property
    def kind_label(self) -> str:
        return label(KIND_LABELS, self.kind)

    @property
    def shown(self) -> list[RecipientReport]:
        """The recipients the office may see: none of a confidential message."""
        return [] if self.confidential else self.recipients

    @property
    def outcomes(self) -> list[Outcomes]:
        counts: dict[tuple[str, str, str | None], int] = defaultdict(int)
        for person in self.recipients:
            for result in person.results:
                counts[(result.channel, result.status, result.code)] += 1
        order = {c: i for i, c in enumerate(CHANNEL_ORDER)}
        return [
            Outcomes(channel, status, code, n)
            for (channel, status, code), n in sorted(
                counts.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1], kv[0][2] or "")
            )
        ]

    @property
    def total(self) -> int:
        return len(self.recipients)

    @property
    def reached(self) -> int:
        return sum(1 for r in self.recipients if r.reached)

    @property
    def not_reached(self) -> int:
        return self.total - self.reached

    @property
    def failed(self) -> int:
        return sum(1 for r in self.recipients for c in r.results if c.status == FAILED)


def _read(actor: Actor, township: Township) -> None:
    """The liaison office only: a representative or a unit is refused (403); a non-member
    never gets here (the township's URL is 404 to them)."""
    permissions.require_office(actor, township)


def _filtered(township: Township, kind: str | None, status: str | None) -> Select[Any]:
    """The township's message ids with the filters: a kind, and a status one of whose rows
    has (or `unreached`: one of whose recipients no channel reached)."""
    query = select(Delivery.outbox_id).where(Delivery.tenant_id == township.id)
    if kind:
        query = query.where(Delivery.kind == kind)
    if status in (SENT, FAILED, SKIPPED):
        query = query.where(Delivery.status == status)
    elif status == UNREACHED:
        sent = func.sum(case((Delivery.status == SENT, 1), else_=0))
        unreached = (
            select(Delivery.outbox_id)
            .where(Delivery.tenant_id == township.id)
            .group_by(Delivery.outbox_id, Delivery.recipient)
            .having(sent == 0)
        )
        query = query.where(Delivery.outbox_id.in_(unreached))
    return query.group_by(Delivery.outbox_id)


def page_messages(
    actor: Actor,
    township: Township,
    *,
    kind: str | None = None,
    status: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> tuple[list[MessageReport], int]:
    """The township's messages, newest first, each with its recipients; and the total."""
    _read(actor, township)
    ids_query = _filtered(township, kind, status)
    total = db.session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
    page = ids_query.order_by(Delivery.outbox_id.desc()).offset(offset)
    if limit is not None:
        page = page.limit(limit)
    ids = list(db.session.scalars(page))
    reports = _reports(township, ids)
    return [reports[i] for i in ids if i in reports], total


def get_message(
    actor: Actor, township: Township, outbox_id: int, *, unreached_only: bool = False
) -> MessageReport:
    """One message of the township with every recipient (those not reached first); another
    township's message is 404."""
    _read(actor, township)
    report = _reports(township, [outbox_id]).get(outbox_id)
    if report is None:
        raise NotFound(str(_l("未找到该消息。")))
    if unreached_only:
        return replace(report, recipients=[r for r in report.recipients if not r.reached])
    return report


def _reports(township: Township, ids: Iterable[int]) -> dict[int, MessageReport]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = db.session.scalars(
        select(Delivery)
        .where(Delivery.tenant_id == township.id, Delivery.outbox_id.in_(wanted))
        .order_by(Delivery.outbox_id, Delivery.id)
    ).all()
    messages = {
        m.id: m
        for m in db.session.execute(
            select(
                OutboxMessage.id,
                OutboxMessage.payload,
                OutboxMessage.dedupe_key,
                OutboxMessage.created_at,
            ).where(OutboxMessage.id.in_(wanted), OutboxMessage.tenant_id == township.id)
        )
    }
    by_message: dict[int, dict[str, list[Delivery]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_message[row.outbox_id][row.recipient].append(row)
    out: dict[int, MessageReport] = {}
    for outbox_id, recipients in by_message.items():
        message = messages.get(outbox_id)
        payload = dict(message.payload or {}) if message is not None else {}
        people = [_recipient(key, found) for key, found in recipients.items()]
        people.sort(key=lambda r: (r.reached, r.name, r.recipient))
        sent: dict[str, int] = defaultdict(int)
        for person in people:
            for channel in person.reached_by:
                sent[channel] += 1
        first = min(r.created_at for found in recipients.values() for r in found)
        key = (message.dedupe_key if message is not None else None) or ""
        secret = any(r.confidential for found in recipients.values() for r in found) or (
            key.startswith(CONFIDENTIAL_DEDUPE_PREFIXES)
        )
        out[outbox_id] = MessageReport(
            outbox_id=outbox_id,
            # The title only: a link (a set-up link's secret) and the body are not shown.
            title=str(payload.get("title") or payload.get("text") or ""),
            kind=next(iter(recipients.values()))[0].kind,
            created_at=message.created_at if message is not None else first,
            recipients=people,
            sent_by_channel={c: sent[c] for c in CHANNEL_ORDER if sent.get(c)},
            confidential=secret,
        )
    return out


def _recipient(key: str, rows: list[Delivery]) -> RecipientReport:
    order = {c: i for i, c in enumerate(CHANNEL_ORDER)}
    rows = sorted(rows, key=lambda r: order.get(r.channel, 99))
    masked = next((r.phone_masked for r in rows if r.phone_masked), None)
    return RecipientReport(
        recipient=key,
        name=next((r.recipient_name for r in rows if r.recipient_name), ""),
        user_id=next((r.user_id for r in rows if r.user_id is not None), None),
        phone_masked=masked,
        results=[
            ChannelResult(
                channel=r.channel,
                status=r.status,
                code=r.code,
                detail=r.detail,
                provider=r.provider,
                provider_id=r.provider_id,
                attempts=r.attempts,
                at=r.updated_at,
            )
            for r in rows
        ],
    )


def kinds_in_use(actor: Actor, township: Township) -> list[str]:
    """The kinds the township's messages have, for the filter (the known ones first)."""
    _read(actor, township)
    found = set(
        db.session.scalars(
            select(Delivery.kind).where(Delivery.tenant_id == township.id).distinct()
        )
    )
    known = [k for k in KIND_LABELS if k in found]
    return known + sorted(found - set(known))
