"""A person's data, exported for them (PIPL art. 45): everything the township holds about one
representative, or about one member of the public by the number they left on their cases."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership, User
from lianxin.casework.models import Case, CaseReply
from lianxin.db import db, utcnow
from lianxin.errors import NotFound
from lianxin.notify.models import Notification
from lianxin.people.models import Representative
from lianxin.privacy.common import (
    REP_COLUMNS,
    SEALED,
    jsonable,
    require_admin,
    row_dict,
    rows_where,
    submitter_phone,
    tenant_classes,
    user_columns,
)
from lianxin.tenants.models import Township
from lianxin.usecases import use_case

FORMAT = "lianxin-person-export/1"

# Shown on the page beside each table's rows; a table not named shows its own name.
TABLE_LABELS: dict[str, str] = {
    "cases": "诉求",
    "case_events": "诉求办理记录",
    "case_replies": "诉求答复",
    "group_memberships": "代表小组任职",
    "ws_station_representatives": "联络站进站代表",
    "ws_shifts": "联络站值班",
    "ws_meeting_representatives": "约见活动参加代表",
    "ws_commitments": "代表承诺",
    "rd_duties": "接待日值班",
    "as_attendance": "年会出席",
    "as_item_supporters": "年会议题联名",
    "as_named_votes": "记名表决",
    "as_deliveries": "年会材料送达",
    "pr_signatures": "提案联名",
    "pr_events": "提案办理记录",
    "li_links": "联系结对",
    "li_contacts": "联系记录",
    "li_reports": "联系情况报告",
    "li_meeting_attendees": "联系会议出席",
    "ev_subjects": "评议对象",
    "ev_raters": "评议参评人",
    "deliveries": "消息送达记录",
    "notifications": "站内消息",
}

SEALED_NOTE = _l(
    "不含匿名评议答卷和无记名投票：它们加密封存、打乱顺序后才统计，"
    "系统按设计无法把任何一份答卷或选票与本人对应，因此无法导出。"
)
AUDIT_NOTE = _l(
    "不含操作日志（审计记录）：它只可追加、不可修改，乡镇管理员可在审计页面按对象查阅。"
)


def table_label(table: str) -> str:
    return TABLE_LABELS.get(table, table)


def column_label(name: str) -> str:
    """A column's Chinese word, as the audit log's pages say it (its code where none)."""
    from lianxin.audit import labels

    return labels.field_label(name)


def value_label(name: str, value: Any, table: str | None = None) -> str:
    """A stored value as the audit log's pages say it: words for codes (性别 女, not female),
    是/否, China time; data (names, numbers, free text) as it is."""
    from lianxin.audit import labels

    target = {"representatives": "representative", None: "representative"}.get(table, table)
    return labels.value_text(name, value, target)


def _account(user: User, township: Township) -> dict[str, Any]:
    memberships = db.session.scalars(
        select(Membership)
        .where(Membership.user_id == user.id, Membership.tenant_id == township.id)
        .order_by(Membership.id)
    ).all()
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "phone": user.phone,
        "email": user.email,
        "is_active": user.is_active,
        "last_login_at": jsonable(user.last_login_at),
        "created_at": jsonable(user.created_at),
        "roles_here": [m.role for m in memberships],
    }


def _linked_rows(
    township_id: int, rep_id: int, user_id: int | None
) -> dict[str, list[dict[str, Any]]]:
    """Every row of the township that points at the representative or at their account."""
    records: dict[str, list[dict[str, Any]]] = {}
    for cls in tenant_classes():
        table = cls.__table__.name
        if cls is Representative:
            continue
        seen: dict[tuple[Any, ...], dict[str, Any]] = {}
        columns = [c.key for c in cls.__table__.columns if c.key in REP_COLUMNS]
        targets = [(c, rep_id) for c in columns]
        if user_id is not None:
            targets += [(c, user_id) for c in user_columns(cls)]
        for column, value in targets:
            for row in rows_where(cls, column, value):
                key = tuple(getattr(row, k.key) for k in cls.__mapper__.primary_key)
                seen.setdefault(key, row_dict(row))
        if seen:
            records[table] = list(seen.values())
    if user_id is not None:  # the inbox is the account's, kept per township but not tenant-owned
        inbox = db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.tenant_id == township_id)
            .order_by(Notification.id)
        ).all()
        if inbox:
            records["notifications"] = [row_dict(n) for n in inbox]
    return records


def _header(township: Township, kind: str) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "kind": kind,
        "township": {"id": township.id, "name": township.name},
        "generated_at": utcnow().isoformat(),
        "not_included": [str(SEALED_NOTE), str(AUDIT_NOTE)],
        "sealed_tables": sorted(SEALED),
    }


def _cases_of_phone(phone: str) -> list[Case]:
    return list(
        db.session.scalars(select(Case).where(Case.raiser_phone == phone).order_by(Case.id))
    )


def _case_records(cases: list[Case]) -> list[dict[str, Any]]:
    out = []
    for case in cases:
        data = row_dict(case)
        data["replies"] = [row_dict(r) for r in rows_where(CaseReply, "case_id", case.id)]
        out.append(data)
    return out


@use_case
def export_representative(actor: Actor, township: Township, rep_id: int) -> dict[str, Any]:
    """Everything held about one representative: their record, account, every row that
    points at them or their account, and the cases raised from their number. Audited."""
    require_admin(actor, township)
    rep = db.session.get(Representative, (township.id, rep_id))
    if rep is None:
        raise NotFound(_("未找到该代表"))
    user = db.session.get(User, rep.user_id) if rep.user_id else None
    data = _header(township, "representative")
    data["representative"] = row_dict(rep)
    data["account"] = _account(user, township) if user is not None else None
    data["records"] = _linked_rows(township.id, rep.id, user.id if user is not None else None)
    data["cases_raised"] = _case_records(_cases_of_phone(rep.phone)) if rep.phone else []
    audit.record(
        "privacy.exported",
        actor=actor,
        tenant_id=township.id,
        target_type="representative",
        target_id=rep.id,
        after={"kind": "representative", "tables": sorted(data["records"])},
    )
    return data


@use_case
def export_submitter(actor: Actor, township: Township, phone: str | None) -> dict[str, Any]:
    """Everything held about a member of the public who raised cases from one number: the
    cases (with the name they gave) and the answers. Audited, without the number."""
    require_admin(actor, township)
    number = submitter_phone(phone)
    cases = _cases_of_phone(number)
    if not cases:
        raise NotFound(_("未找到以该号码提交的诉求"))
    data = _header(township, "submitter")
    data["phone"] = number
    data["names_given"] = sorted({c.raiser_name for c in cases if c.raiser_name})
    data["cases"] = _case_records(cases)
    audit.record(
        "privacy.exported",
        actor=actor,
        tenant_id=township.id,
        target_type="submitter",
        after={"kind": "submitter", "case_ids": [c.id for c in cases]},
    )
    return data
