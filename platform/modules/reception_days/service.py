"""Use cases of the reception-days module (接待日, DOMAIN.md §2).

The township makes a yearly schedule from its rule (by default the 16th of every month), opens
sites on each day and puts representatives on duty there: at least N per site, at least one of
them a basic-level leading cadre (the pairing rule). A schedule is published only when every
site of every coming day keeps the rule; after that no change may break it. The public notice
appears N days before each day; each representative on duty (and their branch liaison) is
reminded N days before, once per reception date and person. Cases raised on the day go through
casework; afterwards a summary is sent up to the township and kept for the annual session.

Reads need a membership in the township; writes need the liaison office. Ids from another
township are simply not found: every query runs in the township's tenant context.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select, update

from lianxin.audit import service as audit
from lianxin.auth import permissions
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import deadlines
from lianxin.casework import service as casework
from lianxin.casework.models import Case, Channel
from lianxin.casework.states import STATE_LABELS
from lianxin.db import db, utcnow
from lianxin.db.lookup import tenant_get
from lianxin.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from lianxin.modules.reception_days.dates import RuleError, plan_year
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Schedule,
    ScheduleStatus,
    Site,
    SiteKind,
)
from lianxin.notify import channels as notify_channels
from lianxin.notify import service as notify
from lianxin.notify.models import Notification, OutboxMessage
from lianxin.people.models import Representative, RepStatus
from lianxin.tenants import service as tenants
from lianxin.tenants.models import Branch, Township

log = logging.getLogger("lianxin.reception_days")
T = TypeVar("T")

MODULE_KEY = "reception_days"
SOURCE_TYPE = "reception_day"
REMINDER_TOPIC = "reception_days.reminder"

SITE_KIND_LABELS = {
    SiteKind.TOWNSHIP_ROOM: _l("乡镇接待室"),
    SiteKind.BRANCH_CENTRE: _l("支部党群服务中心"),
    SiteKind.STATION: _l("代表工作站"),
}


SITE_ORDER = {SiteKind.TOWNSHIP_ROOM: 0, SiteKind.STATION: 1, SiteKind.BRANCH_CENTRE: 2}


def site_order(site: Site) -> tuple[int, int]:
    """The township room first, then workstations, then branch centres; by creation within."""
    return (SITE_ORDER.get(SiteKind(site.kind), 9), site.id)


class PairingRuleBroken(Conflict):
    code = "pairing_rule"


class ShortNotice(Conflict):
    """A published day would be announced fewer than `notice_days` before it, with no reason."""

    code = "short_notice"


class CalendarEstimated(Conflict):
    """The year's official holidays are not known, and publishing was not confirmed."""

    code = "calendar_estimated"


CONFIRM_ESTIMATED = _l("该年度国家节假日尚未公布，日期按周一至周五预估，确认发布")


_read = permissions.require_member
_write = permissions.require_office


def settings(township_id: int) -> dict[str, Any]:
    return tenants.effective_settings(township_id, MODULE_KEY)


def _today(today: date | None = None) -> date:
    return today or deadlines.shanghai_today()


def notice_days(township_id: int) -> int:
    return int(settings(township_id)["notice_days"])


def short_notice_label(days: int) -> str:
    return _("临时调整（不足%(n)d天公告）", n=days)


def _short_notice_reason(raw: Any) -> str | None:
    """The reason given for a notice shorter than the rule (None: none given); a blank or an
    over-long one is bad input."""
    if raw is None:
        return None
    text = str(raw).strip()
    if not text or len(text) > 200:
        raise ValidationFailed(
            errors={"short_notice_reason": [_("请填写不足公告期的原因（不超过200字）")]}
        )
    return text


def _int(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationFailed(errors={name: [_("请填写整数")]}) from None


def _as_date(value: Any, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(errors={name: [_("日期格式不正确")]}) from None


def _get(model: type[T], township: Township, raw_id: Any, message: str) -> T:
    return tenant_get(model, township.id, raw_id, message)


# --- sites ---------------------------------------------------------------------------------------


def list_sites(actor: Actor, township: Township, *, active_only: bool = False) -> list[Site]:
    _read(actor, township)
    query = select(Site)
    if active_only:
        query = query.where(Site.is_active.is_(True))
    return sorted(db.session.scalars(query), key=site_order)


def _site(township: Township, site_id: Any) -> Site:
    return _get(Site, township, site_id, _("未找到该接待点"))


def get_site(actor: Actor, township: Township, site_id: int) -> Site:
    _read(actor, township)
    return _site(township, site_id)


def _clean_site(township: Township, data: Mapping[str, Any], partial: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def has(name: str) -> bool:
        return not partial or name in data

    if has("kind"):
        kind = str(data.get("kind") or "")
        if kind not in set(SiteKind):
            errors["kind"] = [_("请选择接待点类型")]
        out["kind"] = kind
    if has("name"):
        name = str(data.get("name") or "").strip()
        if not name or len(name) > 100:
            errors["name"] = [_("请填写名称（不超过100字）")]
        out["name"] = name
    if has("address"):
        address = str(data.get("address") or "").strip()
        if len(address) > 200:
            errors["address"] = [_("地址过长")]
        out["address"] = address
    if has("branch_id"):
        raw = data.get("branch_id")
        if raw in (None, "", 0, "0"):
            out["branch_id"] = None
        else:
            try:
                branch = db.session.get(Branch, (township.id, int(raw)))
            except (TypeError, ValueError):
                branch = None
            if branch is None:
                raise NotFound(_("未找到该支部"))
            out["branch_id"] = branch.id
    if "is_active" in data:
        out["is_active"] = bool(data.get("is_active"))
    if errors:
        raise ValidationFailed(errors=errors)
    return out


def _check_site_name(name: str, except_id: int | None = None) -> None:
    query = select(Site.id).where(Site.name == name)
    if except_id is not None:
        query = query.where(Site.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的接待点")]})


def create_site(actor: Actor, township: Township, data: Mapping[str, Any]) -> Site:
    _write(actor, township)
    clean = _clean_site(township, data, partial=False)
    _check_site_name(clean["name"])
    site = Site(**clean)
    db.session.add(site)
    db.session.flush()
    audit.record(
        "reception_day.site_create",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_site",
        target_id=site.id,
        after={"name": site.name, "kind": site.kind},
    )
    db.session.commit()
    return site


def update_site(actor: Actor, township: Township, site_id: int, data: Mapping[str, Any]) -> Site:
    site = get_site(actor, township, site_id)
    _write(actor, township)
    clean = _clean_site(township, data, partial=True)
    if "name" in clean:
        _check_site_name(clean["name"], site.id)
    before = {k: getattr(site, k) for k in clean}
    for key, value in clean.items():
        setattr(site, key, value)
    audit.record(
        "reception_day.site_update",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_site",
        target_id=site.id,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in clean.items()},
    )
    db.session.commit()
    return site


# --- the pairing rule ----------------------------------------------------------------------------


@dataclass
class DutyView:
    duty: Duty
    rep: Representative

    @property
    def on_duty(self) -> bool:
        return self.duty.status == DutyStatus.ON_DUTY

    @property
    def counts(self) -> bool:
        """On duty and still qualified: only these count towards the pairing rule."""
        return self.on_duty and self.rep.in_office


@dataclass
class SiteView:
    day_site: DaySite
    site: Site
    duties: list[DutyView] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    substituted: set[int] = field(default_factory=set)  # absent duty ids that have a substitute

    @property
    def on_duty(self) -> list[DutyView]:
        return [d for d in self.duties if d.on_duty]

    @property
    def absent(self) -> list[DutyView]:
        return [d for d in self.duties if not d.on_duty]

    def needs_substitute(self, view: DutyView) -> bool:
        """Reported absent, or still on duty after their qualification ended, and nobody put
        on in their place yet."""
        return (not view.counts) and view.duty.id not in self.substituted


@dataclass
class DayView:
    day: ReceptionDay
    sites: list[SiteView]
    notice_on: date

    @property
    def problems(self) -> list[tuple[SiteView, str]]:
        return [(s, p) for s in self.sites for p in s.problems]

    @property
    def short_notice(self) -> str | None:
        """The public flag of a day announced fewer than `notice_days` before it."""
        if not self.day.short_notice_reason:
            return None
        return short_notice_label(self.day.short_notice_days or 0)


def pairing_problems(
    reps: Iterable[Representative], people_per_site: int, require_cadre: bool
) -> list[str]:
    """What breaks the rule at one site, given the qualified representatives on duty there."""
    present = list(reps)
    problems = []
    if len(present) < people_per_site:
        problems.append(
            _("至少需要 %(n)d 名代表，现有 %(m)d 名", n=people_per_site, m=len(present))
        )
    if require_cadre and not any(r.is_grassroots_cadre for r in present):
        problems.append(_("缺少基层领导干部代表"))
    return problems


def _site_problems(view: SiteView, rule: Mapping[str, Any]) -> list[str]:
    problems = pairing_problems(
        (d.rep for d in view.duties if d.counts),
        int(rule["people_per_site"]),
        bool(rule["require_cadre"]),
    )
    for d in view.duties:
        if d.on_duty and not d.rep.in_office:
            problems.append(_("%(n)s 的代表资格已终止", n=d.rep.name))
    return problems


def _day_views(township: Township, days: list[ReceptionDay]) -> list[DayView]:
    """The sites, duties and problems of these days, in four queries whatever their number."""
    if not days:
        return []
    rule = settings(township.id)
    ids = [d.id for d in days]
    day_sites = db.session.scalars(
        select(DaySite).where(DaySite.day_id.in_(ids)).order_by(DaySite.id)
    ).all()
    sites = {s.id: s for s in db.session.scalars(select(Site))}
    duties = db.session.scalars(select(Duty).where(Duty.day_id.in_(ids)).order_by(Duty.id)).all()
    rep_ids = {d.representative_id for d in duties}
    reps = (
        {
            r.id: r
            for r in db.session.scalars(
                select(Representative).where(Representative.id.in_(rep_ids))
            )
        }
        if rep_ids
        else {}
    )
    by_day: dict[int, list[SiteView]] = defaultdict(list)
    index: dict[tuple[int, int], SiteView] = {}
    for ds in day_sites:
        view = SiteView(ds, sites[ds.site_id])
        by_day[ds.day_id].append(view)
        index[(ds.day_id, ds.site_id)] = view
    for duty in duties:
        view = index[(duty.day_id, duty.site_id)]
        view.duties.append(DutyView(duty, reps[duty.representative_id]))
        if duty.substitute_for_id is not None:
            view.substituted.add(duty.substitute_for_id)
    for view in index.values():
        view.duties.sort(
            key=lambda d: (not d.on_duty, not d.rep.is_grassroots_cadre, d.rep.name_pinyin)
        )
        view.problems = _site_problems(view, rule)
    lead = int(rule["notice_days"])
    return [
        DayView(
            day,
            sorted(by_day[day.id], key=lambda v: site_order(v.site)),
            day.day - timedelta(days=lead),
        )
        for day in days
    ]


# --- schedules -----------------------------------------------------------------------------------


def list_schedules(actor: Actor, township: Township) -> list[Schedule]:
    _read(actor, township)
    return list(db.session.scalars(select(Schedule).order_by(Schedule.year.desc())))


def _schedule(township: Township, year: Any) -> Schedule:
    try:
        key = int(year)
    except (TypeError, ValueError):
        raise NotFound(_("未找到该年度的接待日安排")) from None
    schedule = db.session.scalar(select(Schedule).where(Schedule.year == key))
    if schedule is None:
        raise NotFound(_("未找到该年度的接待日安排"))
    return schedule


def _days_of(schedule: Schedule) -> list[ReceptionDay]:
    return list(
        db.session.scalars(
            select(ReceptionDay)
            .where(ReceptionDay.schedule_id == schedule.id)
            .order_by(ReceptionDay.day)
        )
    )


@dataclass
class ScheduleView:
    schedule: Schedule
    days: list[DayView]
    calendar_known: bool

    @property
    def problems(self) -> list[tuple[DayView, SiteView, str]]:
        return [(d, s, p) for d in self.days for s, p in d.problems]

    def coming_problems(self, today: date) -> list[tuple[DayView, SiteView, str]]:
        return [(d, s, p) for d, s, p in self.problems if d.day.day >= today]


def get_schedule(actor: Actor, township: Township, year: Any) -> ScheduleView:
    _read(actor, township)
    schedule = _schedule(township, year)
    return ScheduleView(
        schedule,
        _day_views(township, _days_of(schedule)),
        deadlines.calendar_known(schedule.year),
    )


def _previous_teams(schedule_year: int) -> dict[int, list[int]]:
    """Site id → the representatives on duty there on the last day of the latest earlier year."""
    previous = db.session.scalar(
        select(Schedule).where(Schedule.year < schedule_year).order_by(Schedule.year.desc())
    )
    if previous is None:
        return {}
    teams: dict[int, list[int]] = {}
    for day in reversed(_days_of(previous)):
        on_duty: dict[int, list[int]] = defaultdict(list)
        for duty in db.session.scalars(
            select(Duty)
            .where(Duty.day_id == day.id, Duty.status == DutyStatus.ON_DUTY)
            .order_by(Duty.id)
        ):
            on_duty[duty.site_id].append(duty.representative_id)
        for site_id, rep_ids in on_duty.items():
            teams.setdefault(site_id, rep_ids)
    return teams


def generate(
    actor: Actor,
    township: Township,
    year: Any,
    site_ids: Iterable[Any],
    *,
    copy_teams: bool = True,
    today: date | None = None,
) -> ScheduleView:
    """Make (or remake, while still a draft) the year's schedule from the township's rule.

    Days already past are left out. With `copy_teams`, each site starts with the team it had on
    the last reception day of the previous year (only those still in office).
    """
    _write(actor, township)
    year = _int(year, "year")
    today = _today(today)
    if year < today.year or year > today.year + 1:
        raise ValidationFailed(errors={"year": [_("只能安排今年或明年的接待日")]})
    sites = [_site(township, i) for i in dict.fromkeys(site_ids)]
    if not sites:
        raise ValidationFailed(errors={"site_ids": [_("请至少选择一个接待点")]})
    inactive = [s.name for s in sites if not s.is_active]
    if inactive:
        raise ValidationFailed(
            errors={"site_ids": [_("接待点已停用：%(n)s", n="、".join(inactive))]}
        )
    rule = settings(township.id)
    try:
        planned = [p for p in plan_year(rule, year) if p.day >= today]
    except RuleError as exc:
        raise ValidationFailed(exc.args[0], errors={"rule": [str(exc)]}) from exc
    if not planned:
        raise ValidationFailed(
            errors={"year": [_("按当前规则，%(y)d 年已没有尚未到来的接待日", y=year)]}
        )
    existing = db.session.scalar(select(Schedule).where(Schedule.year == year))
    if existing is not None and existing.status == ScheduleStatus.PUBLISHED:
        raise Conflict(_("%(y)d 年的接待日安排已发布，不能重新生成", y=year))
    clashes = db.session.scalars(
        select(ReceptionDay.day).where(
            ReceptionDay.day.in_([p.day for p in planned]),
            *([ReceptionDay.schedule_id != existing.id] if existing is not None else []),
        )
    ).all()
    if clashes:
        raise Conflict(_("%(d)s 已是其他年度安排中的接待日", d=clashes[0].isoformat()))
    teams = _previous_teams(year) if copy_teams else {}
    if existing is not None:
        _clear(existing, today)
        schedule = existing
        schedule.rule = dict(rule)
    else:
        schedule = Schedule(year=year, status=ScheduleStatus.DRAFT, rule=dict(rule))
        db.session.add(schedule)
        db.session.flush()
    starts, ends = time.fromisoformat(rule["starts_at"]), time.fromisoformat(rule["ends_at"])
    in_office = {
        r.id
        for r in db.session.scalars(
            select(Representative).where(
                Representative.id.in_({i for ids in teams.values() for i in ids} or {0})
            )
        )
        if r.in_office
    }
    for planned_day in planned:
        day = ReceptionDay(
            schedule_id=schedule.id,
            day=planned_day.day,
            rule_day=planned_day.rule_day,
            starts_at=starts,
            ends_at=ends,
        )
        db.session.add(day)
        db.session.flush()
        for site in sites:
            db.session.add(DaySite(day_id=day.id, site_id=site.id))
        db.session.flush()
        for site in sites:
            for rep_id in teams.get(site.id, []):
                if rep_id in in_office:
                    db.session.add(Duty(day_id=day.id, site_id=site.id, representative_id=rep_id))
    audit.record(
        "reception_day.schedule_generate",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_schedule",
        target_id=schedule.id,
        after={
            "year": year,
            "days": len(planned),
            "sites": [s.id for s in sites],
            "rule": {k: rule[k] for k in ("rule", "day_of_month", "holiday_shift")},
        },
    )
    db.session.commit()
    return get_schedule(actor, township, year)


def _clear(schedule: Schedule, today: date) -> None:
    """Remove the draft's coming days (a day already past keeps what was recorded on it)."""
    day_ids = select(ReceptionDay.id).where(
        ReceptionDay.schedule_id == schedule.id, ReceptionDay.day >= today
    )
    db.session.execute(update(Duty).where(Duty.day_id.in_(day_ids)).values(substitute_for_id=None))
    db.session.execute(delete(Duty).where(Duty.day_id.in_(day_ids)))
    db.session.execute(delete(DaySite).where(DaySite.day_id.in_(day_ids)))
    db.session.execute(
        delete(ReceptionDay).where(
            ReceptionDay.schedule_id == schedule.id, ReceptionDay.day >= today
        )
    )
    db.session.flush()
    db.session.expire_all()


def _refuse_broken(problems: list[tuple[DayView, SiteView, str]]) -> None:
    if not problems:
        return
    lines = [
        _("%(d)s %(s)s：%(p)s", d=d.day.day.isoformat(), s=s.site.name, p=p) for d, s, p in problems
    ]
    raise PairingRuleBroken(
        _("有 %(n)d 处不符合接待点配备要求：%(first)s", n=len(lines), first=lines[0]),
        errors={"pairing": lines},
    )


def _refuse_estimated(year: int, confirmed: bool) -> bool:
    """Whether `year`'s dates are estimated (its official holidays not known); refused unless
    the office confirmed publishing them anyway."""
    if deadlines.calendar_known(year):
        return False
    if not confirmed:
        raise CalendarEstimated(
            _(
                "国务院尚未公布 %(y)d 年的节假日安排，日期按周一至周五预估；请确认后再发布",
                y=year,
            ),
            errors={"confirm_estimated_calendar": [str(CONFIRM_ESTIMATED)]},
        )
    return True


def _short_notice_message(lead: int, lines: list[str]) -> str:
    return _(
        "接待日须提前 %(n)d 天公告：%(days)s。确需如此安排的，请填写原因，公告将标明“%(flag)s”",
        n=lead,
        days="、".join(lines),
        flag=short_notice_label(lead),
    )


def days_short_of_notice(township: Township, view: ScheduleView, today: date) -> list[DayView]:
    """The coming days of a schedule that publishing today would announce too late."""
    lead = notice_days(township.id)
    return [d for d in view.days if 0 <= (d.day.day - today).days < lead]


def publish(
    actor: Actor,
    township: Township,
    year: Any,
    *,
    today: date | None = None,
    confirm_estimated_calendar: bool = False,
    short_notice_reason: str | None = None,
) -> Schedule:
    """Publish the year's schedule; refused while any coming day has a site breaking the rule,
    while the year's holidays are not known unless confirmed, and while a coming day is fewer
    than `notice_days` ahead unless a reason is given (those days are then flagged)."""
    view = get_schedule(actor, township, year)
    _write(actor, township)
    schedule = view.schedule
    if schedule.status == ScheduleStatus.PUBLISHED:
        raise Conflict(_("该年度的接待日安排已发布"))
    today = _today(today)
    _refuse_broken(view.coming_problems(today))
    estimated = _refuse_estimated(schedule.year, confirm_estimated_calendar)
    lead = notice_days(township.id)
    short = days_short_of_notice(township, view, today)
    reason = _short_notice_reason(short_notice_reason) if short else None
    if short and reason is None:
        lines = [
            _("%(d)s 距今只有 %(m)d 天", d=d.day.day.isoformat(), m=(d.day.day - today).days)
            for d in short
        ]
        raise ShortNotice(_short_notice_message(lead, lines), errors={"short_notice_reason": lines})
    for d in short:
        d.day.short_notice_reason, d.day.short_notice_days = reason, lead
    schedule.status = ScheduleStatus.PUBLISHED
    schedule.published_at = utcnow()
    after: dict[str, Any] = {"year": schedule.year, "days": len(view.days)}
    if estimated:
        after["calendar_estimated"] = True
    if short:
        after["short_notice"] = {"days": [d.day.day.isoformat() for d in short], "reason": reason}
    audit.record(
        "reception_day.schedule_publish",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_schedule",
        target_id=schedule.id,
        after=after,
    )
    notify.notify(
        _liaison_user_ids(township, None),
        _("%(y)d 年党代表接待日安排已发布", y=schedule.year),
        _("请各支部联络员做好提醒和公告张贴。"),
        tenant_id=township.id,
        dedupe_key=f"rd:{township.id}:schedule:{schedule.id}:published",
    )
    db.session.commit()
    return schedule


# --- days, teams, moves --------------------------------------------------------------------------


def _day(township: Township, day_id: Any) -> ReceptionDay:
    return _get(ReceptionDay, township, day_id, _("未找到该接待日"))


def get_day(actor: Actor, township: Township, day_id: Any) -> DayView:
    _read(actor, township)
    return _day_views(township, [_day(township, day_id)])[0]


def schedule_of(day: ReceptionDay) -> Schedule:
    schedule = db.session.get(Schedule, (day.tenant_id, day.schedule_id))
    assert schedule is not None
    return schedule


def _representative(township: Township, rep_id: Any) -> Representative:
    return _get(Representative, township, rep_id, _("未找到该代表"))


def _day_site(day: ReceptionDay, site_id: Any) -> DaySite:
    try:
        key = int(site_id)
    except (TypeError, ValueError):
        raise NotFound(_("未找到该接待点")) from None
    found = db.session.scalar(
        select(DaySite).where(DaySite.day_id == day.id, DaySite.site_id == key)
    )
    if found is None:
        raise NotFound(_("这一天没有安排该接待点"))
    return found


def _not_past(day: ReceptionDay, today: date | None = None) -> None:
    if day.day < _today(today):
        raise Conflict(_("%(d)s 的接待日已过，不能再调整安排", d=day.day.isoformat()))


def _set_team_on(
    township: Township, day: ReceptionDay, site_id: int, wanted: dict[int, Representative]
) -> tuple[list[int], list[int]]:
    current = {
        d.representative_id: d
        for d in db.session.scalars(select(Duty).where(Duty.day_id == day.id))
    }
    for rep_id, rep in wanted.items():
        duty = current.get(rep_id)
        if duty is None:
            continue
        if duty.site_id != site_id:
            other = db.session.get(Site, (township.id, duty.site_id))
            raise Conflict(
                _(
                    "%(n)s 在 %(d)s 已安排在%(s)s接待",
                    n=rep.name,
                    d=day.day.isoformat(),
                    s=other.name if other else "",
                )
            )
        if duty.status == DutyStatus.ABSENT:
            raise Conflict(_("%(n)s 已报告 %(d)s 不能参加接待", n=rep.name, d=day.day.isoformat()))
    removed = [
        rep_id
        for rep_id, duty in current.items()
        if duty.site_id == site_id and duty.status == DutyStatus.ON_DUTY and rep_id not in wanted
    ]
    for rep_id in removed:
        db.session.execute(
            update(Duty)
            .where(Duty.substitute_for_id == current[rep_id].id)
            .values(substitute_for_id=None)
        )
        db.session.delete(current[rep_id])
    added = [rep_id for rep_id in wanted if rep_id not in current]
    for rep_id in added:
        db.session.add(Duty(day_id=day.id, site_id=site_id, representative_id=rep_id))
    db.session.flush()
    return added, removed


def set_team(
    actor: Actor,
    township: Township,
    day_id: Any,
    site_id: Any,
    rep_ids: Iterable[Any],
    *,
    apply_to_rest: bool = False,
    today: date | None = None,
) -> DayView:
    """Put exactly these representatives on duty at the site that day (and, with
    `apply_to_rest`, on every later day of the year that opens the site). A published schedule
    keeps the pairing rule: a change that would break it is refused as a whole."""
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, site_id)
    _write(actor, township)
    _not_past(day, today)
    wanted = {r.id: r for r in (_representative(township, i) for i in rep_ids)}
    ended = [r.name for r in wanted.values() if not r.in_office]
    if ended:
        raise ValidationFailed(
            errors={"representative_ids": [_("代表资格已终止：%(n)s", n="、".join(ended))]}
        )
    schedule = schedule_of(day)
    targets = [day]
    if apply_to_rest:
        targets += [
            d
            for d in _days_of(schedule)
            if d.day > day.day
            and db.session.scalar(
                select(DaySite.id).where(
                    DaySite.day_id == d.id, DaySite.site_id == day_site.site_id
                )
            )
            is not None
        ]
    changes = {}
    for target in targets:
        changes[target.day.isoformat()] = _set_team_on(township, target, day_site.site_id, wanted)
    if schedule.status == ScheduleStatus.PUBLISHED:
        views = _day_views(township, targets)
        broken = [(d, s, p) for d in views for s, p in d.problems if s.site.id == day_site.site_id]
        if broken:
            db.session.rollback()
            _refuse_broken(broken)
    audit.record(
        "reception_day.team",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        after={
            "site": day_site.site_id,
            "representatives": sorted(wanted),
            "days": sorted(changes),
        },
    )
    db.session.commit()
    return get_day(actor, township, day.id)


def move_day(
    actor: Actor,
    township: Township,
    day_id: Any,
    new_day: Any,
    reason: Any,
    *,
    today: date | None = None,
    short_notice_reason: Any = None,
) -> DayView:
    """Move a reception day to another date (audited). The notice follows at once; reminders
    already queued for the old date are dropped at delivery and the new date is reminded.

    A published day moves no closer than `notice_days` ahead, unless a reason is given: the
    day is then flagged as short notice on the public notice."""
    day = _day(township, day_id)
    _write(actor, township)
    today = _today(today)
    _not_past(day, today)
    target = _as_date(new_day, "day")
    text = str(reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not text or len(text) > 200:
        errors["reason"] = [_("请填写调整原因（不超过200字）")]
    if target < today:
        errors["day"] = [_("不能调整到过去的日期")]
    elif target.year != schedule_of(day).year:
        errors["day"] = [_("只能在本年度内调整")]
    elif target != day.day and db.session.scalar(
        select(ReceptionDay.id).where(ReceptionDay.day == target)
    ):
        errors["day"] = [_("%(d)s 已是接待日", d=target.isoformat())]
    if errors:
        raise ValidationFailed(errors=errors)
    if target == day.day:
        return get_day(actor, township, day.id)
    published = schedule_of(day).status == ScheduleStatus.PUBLISHED
    lead = notice_days(township.id)
    short = published and (target - today).days < lead
    short_reason = _short_notice_reason(short_notice_reason) if short else None
    if short and short_reason is None:
        line = _("改到 %(d)s 距今只有 %(m)d 天", d=target.isoformat(), m=(target - today).days)
        raise ShortNotice(
            _short_notice_message(lead, [line]), errors={"short_notice_reason": [line]}
        )
    before = day.day
    announced = day.notice_published_at is not None
    day.day, day.moved_reason = target, text
    day.short_notice_reason, day.short_notice_days = (short_reason, lead) if short else (None, None)
    day.notice_published_at = None  # announced again for the new date by the daily sweep
    audit.record(
        "reception_day.move",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        before={"day": before.isoformat()},
        after={"day": target.isoformat(), "reason": text, "short_notice_reason": short_reason},
    )
    if announced or published:
        notify.notify(
            _liaison_user_ids(township, day),
            _("接待日调整：%(a)s 改为 %(b)s", a=before.isoformat(), b=target.isoformat()),
            _("原因：%(r)s。请更新公告栏。", r=text),
            tenant_id=township.id,
            dedupe_key=f"rd:{township.id}:day:{day.id}:moved:{target.isoformat()}",
        )
    db.session.commit()
    return get_day(actor, township, day.id)


# --- absence and substitutes ---------------------------------------------------------------------


def _duty(township: Township, duty_id: Any) -> Duty:
    return _get(Duty, township, duty_id, _("未找到该值班安排"))


def _is_own_duty(actor: Actor, township: Township, duty: Duty) -> bool:
    rep = casework.representative_of(actor, township)
    return rep is not None and rep.id == duty.representative_id


def get_duty(actor: Actor, township: Township, duty_id: Any) -> Duty:
    _read(actor, township)
    return _duty(township, duty_id)


def report_absence(
    actor: Actor, township: Township, duty_id: Any, reason: Any, *, today: date | None = None
) -> Duty:
    """The representative (or the office for them) reports they cannot come that day."""
    duty = get_duty(actor, township, duty_id)
    if not (
        _is_own_duty(actor, township, duty) or permissions.can_work_in_office(actor, township.id)
    ):
        raise PermissionDenied()
    day = _day(township, duty.day_id)
    _not_past(day, today)
    text = str(reason or "").strip()
    if not text or len(text) > 200:
        raise ValidationFailed(errors={"reason": [_("请说明不能参加的原因（不超过200字）")]})
    if duty.status == DutyStatus.ABSENT:
        raise Conflict(_("已报告过不能参加"))
    duty.status = DutyStatus.ABSENT
    duty.absence_reason = text
    duty.absence_reported_at = utcnow()
    rep = _representative(township, duty.representative_id)
    audit.record(
        "reception_day.absence",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_duty",
        target_id=duty.id,
        before={"status": DutyStatus.ON_DUTY},
        after={"status": DutyStatus.ABSENT, "reason": text},
    )
    notify.notify(
        casework._office_user_ids(township),
        _("%(n)s 不能参加 %(d)s 接待日", n=rep.name, d=day.day.isoformat()),
        _("原因：%(r)s。请安排替补代表。", r=text),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
        dedupe_key=f"rd:{township.id}:duty:{duty.id}:absent",
    )
    db.session.commit()
    return duty


def _substitute_row(duty: Duty) -> Duty | None:
    return db.session.scalar(select(Duty).where(Duty.substitute_for_id == duty.id))


def substitute_candidates(actor: Actor, township: Township, duty_id: Any) -> list[Representative]:
    """Who may stand in: in office, not on the day's schedule anywhere, and — when the site would
    otherwise have no basic-level leading cadre — a cadre."""
    duty = get_duty(actor, township, duty_id)
    _write(actor, township)
    return _candidates(township, duty)


def _candidates(township: Township, duty: Duty) -> list[Representative]:
    rule = settings(township.id)
    busy = set(db.session.scalars(select(Duty.representative_id).where(Duty.day_id == duty.day_id)))
    others = [
        r
        for r in db.session.scalars(
            select(Representative)
            .join(
                Duty,
                and_(
                    Duty.representative_id == Representative.id,
                    Duty.tenant_id == Representative.tenant_id,
                ),
            )
            .where(
                Duty.day_id == duty.day_id,
                Duty.site_id == duty.site_id,
                Duty.status == DutyStatus.ON_DUTY,
                Duty.id != duty.id,
            )
        )
        if r.in_office
    ]
    need_cadre = bool(rule["require_cadre"]) and not any(r.is_grassroots_cadre for r in others)
    query = select(Representative).order_by(
        Representative.is_grassroots_cadre.desc(), Representative.name_pinyin
    )
    if need_cadre:
        query = query.where(Representative.is_grassroots_cadre.is_(True))
    return [r for r in db.session.scalars(query) if r.in_office and r.id not in busy]


def substitute(
    actor: Actor, township: Township, duty_id: Any, rep_id: Any, *, today: date | None = None
) -> Duty:
    """Put a substitute on duty for a representative who reported they cannot come, or whose
    qualification ended while on duty (their duty is then recorded as absent for that reason)."""
    duty = get_duty(actor, township, duty_id)
    _write(actor, township)
    rep = _representative(township, rep_id)
    day = _day(township, duty.day_id)
    _not_past(day, today)
    absent = _representative(township, duty.representative_id)
    ended = duty.status == DutyStatus.ON_DUTY and not absent.in_office
    if duty.status != DutyStatus.ABSENT and not ended:
        raise Conflict(_("请先登记该代表不能参加，再安排替补"))
    if _substitute_row(duty) is not None:
        raise Conflict(_("已为该代表安排了替补"))
    if not rep.in_office:
        raise ValidationFailed(
            errors={"representative_id": [_("%(n)s 的代表资格已终止", n=rep.name)]}
        )
    clash = db.session.scalar(
        select(Duty).where(Duty.day_id == day.id, Duty.representative_id == rep.id)
    )
    if clash is not None:
        if clash.status == DutyStatus.ABSENT:
            message = _("%(n)s 已报告 %(d)s 不能参加接待", n=rep.name, d=day.day.isoformat())
        else:
            site = db.session.get(Site, (township.id, clash.site_id))
            message = _(
                "%(n)s 在 %(d)s 已安排在%(s)s接待",
                n=rep.name,
                d=day.day.isoformat(),
                s=site.name if site else "",
            )
        raise Conflict(message, code="already_on_duty")
    if rep.id not in {r.id for r in _candidates(township, duty)}:
        raise PairingRuleBroken(
            _("替补后该接待点将没有基层领导干部代表，请选择基层领导干部代表"),
            errors={"representative_id": [_("请选择基层领导干部代表")]},
        )
    if ended:
        duty.status = DutyStatus.ABSENT
        duty.absence_reason = _("代表资格已终止")
        duty.absence_reported_at = utcnow()
    replacement = Duty(
        day_id=day.id,
        site_id=duty.site_id,
        representative_id=rep.id,
        substitute_for_id=duty.id,
    )
    db.session.add(replacement)
    db.session.flush()
    audit.record(
        "reception_day.substitute",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_duty",
        target_id=duty.id,
        before={"representative": absent.id},
        after={
            "representative": rep.id,
            "duty": replacement.id,
            **({"reason": "qualification_ended"} if ended else {}),
        },
    )
    site = _site(township, duty.site_id)
    if rep.user_id is not None:
        notify.notify(
            [rep.user_id],
            _("请您替补参加 %(d)s 接待日", d=day.day.isoformat()),
            _(
                "地点：%(s)s，%(a)s–%(b)s。",
                s=site.name,
                a=_hhmm(day.starts_at),
                b=_hhmm(day.ends_at),
            ),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/mine",
            dedupe_key=f"rd:{township.id}:duty:{replacement.id}:assigned",
        )
    db.session.commit()
    return replacement


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


# --- my duties -----------------------------------------------------------------------------------


@dataclass
class MyDuty:
    duty: Duty
    day: ReceptionDay
    site: Site
    published: bool


def my_duties(actor: Actor, township: Township) -> list[MyDuty]:
    _read(actor, township)
    rep = casework.representative_of(actor, township)
    if rep is None:
        return []
    rows = db.session.execute(
        select(Duty, ReceptionDay, Site, Schedule)
        .join(
            ReceptionDay,
            and_(ReceptionDay.id == Duty.day_id, ReceptionDay.tenant_id == Duty.tenant_id),
        )
        .join(Site, and_(Site.id == Duty.site_id, Site.tenant_id == Duty.tenant_id))
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .where(Duty.representative_id == rep.id)
        .order_by(ReceptionDay.day)
    ).all()
    return [
        MyDuty(duty, day, site, schedule.status == ScheduleStatus.PUBLISHED)
        for duty, day, site, schedule in rows
    ]


# --- the public notice ---------------------------------------------------------------------------


def _published_days(township: Township, start: date, end: date | None = None) -> list[ReceptionDay]:
    query = (
        select(ReceptionDay)
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .where(Schedule.status == ScheduleStatus.PUBLISHED, ReceptionDay.day >= start)
        .order_by(ReceptionDay.day)
    )
    if end is not None:
        query = query.where(ReceptionDay.day <= end)
    return list(db.session.scalars(query))


def public_notices(township: Township, today: date | None = None) -> list[DayView]:
    """The notices on show: published days from today up to `notice_days` ahead."""
    today = _today(today)
    lead = int(settings(township.id)["notice_days"])
    return _day_views(township, _published_days(township, today, today + timedelta(days=lead)))


def next_announcements(
    township: Township, today: date | None = None, limit: int = 3
) -> list[tuple[ReceptionDay, date]]:
    """The next published days not on show yet, with the date their notice goes up (the public
    page lists when, not who: names are announced `notice_days` before)."""
    today = _today(today)
    lead = timedelta(days=int(settings(township.id)["notice_days"]))
    later = _published_days(township, today + lead + timedelta(days=1))[:limit]
    return [(day, day.day - lead) for day in later]


def public_day(township: Township, day_id: Any, today: date | None = None) -> DayView:
    """One notice (the A4 poster); only while it is on show."""
    for view in public_notices(township, today):
        if str(view.day.id) == str(day_id):
            return view
    raise NotFound(_("未找到该接待日公告"))


def _liaison_user_ids(township: Township, day: ReceptionDay | None) -> list[int]:
    """The office, and the liaisons of the branches concerned (all branches when `day` is None:
    of the sites' branches and the representatives' electoral units that day otherwise)."""
    branch_ids: set[int] | None = None
    if day is not None:
        branch_ids = set()
        for view in _day_views(township, [day])[0].sites:
            if view.site.branch_id is not None:
                branch_ids.add(view.site.branch_id)
            branch_ids |= {
                d.rep.branch_id for d in view.duties if d.counts and d.rep.branch_id is not None
            }
    return sorted(
        {*casework._office_user_ids(township), *_branch_liaison_user_ids(township, branch_ids)}
    )


def _branch_liaison_user_ids(township: Township, branch_ids: set[int] | None) -> set[int]:
    query = select(Membership.user_id).where(
        Membership.tenant_id == township.id, Membership.role == Role.BRANCH_LIAISON.value
    )
    branches = select(Branch.liaison_user_id).where(Branch.liaison_user_id.is_not(None))
    if branch_ids is not None:
        if not branch_ids:
            return set()
        query = query.where(Membership.branch_id.in_(branch_ids))
        branches = branches.where(Branch.id.in_(branch_ids))
    return {*db.session.scalars(query), *(i for i in db.session.scalars(branches) if i)}


# --- the daily sweep: notices, reminders, summaries ----------------------------------------------


def run_daily(township: Township, today: date | None = None) -> dict[str, int]:
    """Announce the notices that fall due, remind the people on duty, send yesterday's summaries.

    Each step claims its rows with a conditional UPDATE … RETURNING, so a sweep that runs twice
    (or two workers at once) acts once.
    """
    today = _today(today)
    rule = settings(township.id)
    done = {"notices": 0, "reminders": 0, "summaries": 0}
    for day in _published_days(township, today, today + timedelta(days=int(rule["notice_days"]))):
        claimed = db.session.execute(
            update(ReceptionDay)
            .where(ReceptionDay.id == day.id, ReceptionDay.notice_published_at.is_(None))
            .values(notice_published_at=utcnow())
            .returning(ReceptionDay.id)
        ).first()
        if claimed is None:
            continue
        done["notices"] += 1
        audit.record(
            "reception_day.notice_published",
            actor=Actor(None, _("系统")),
            tenant_id=township.id,
            target_type="reception_day",
            target_id=day.id,
            after={"day": day.day.isoformat()},
        )
        notify.notify(
            _liaison_user_ids(township, day),
            _("%(d)s 接待日公告已发布", d=day.day.isoformat()),
            _("请在各选区公告栏张贴公告（可打印A4公告）。"),
            tenant_id=township.id,
            link=f"/p/{township.slug}/{MODULE_KEY}/{day.id}/poster",
            dedupe_key=f"rd:{township.id}:day:{day.id}:notice:{day.day.isoformat()}",
        )
    horizon = today + timedelta(days=int(rule["reminder_days"]))
    # Only a representative still in office is reminded (nor is their liaison told to bring
    # them); the office is told to find a substitute for the others (_tell_office_of_vacancies).
    in_office = select(Representative.id).where(
        Representative.tenant_id == township.id, Representative.status == RepStatus.IN_OFFICE
    )
    reminders: list[tuple[dict[str, Any], str | None]] = []
    for day in _published_days(township, today, horizon):
        # One conditional UPDATE claims every duty of the day not yet reminded for it, so a
        # sweep that runs twice (or two at once) reminds each person once.
        claimed = db.session.execute(
            update(Duty)
            .where(
                Duty.day_id == day.id,
                Duty.status == DutyStatus.ON_DUTY,
                Duty.representative_id.in_(in_office),
                or_(Duty.reminded_for.is_(None), Duty.reminded_for != day.day),
            )
            .values(reminded_for=day.day)
            .returning(Duty.id, Duty.representative_id)
        ).all()
        for duty_id, representative_id in sorted(claimed):
            reminders.append(
                (
                    {
                        "duty_id": duty_id,
                        "representative_id": representative_id,
                        "day": day.day.isoformat(),
                    },
                    f"rd:{township.id}:reminder:{duty_id}:{representative_id}:"
                    f"{day.day.isoformat()}",
                )
            )
    notify.enqueue_many(REMINDER_TOPIC, reminders, tenant_id=township.id)
    done["reminders"] += len(reminders)
    _tell_office_of_vacancies(township, today)
    db.session.commit()
    for day in _days_to_summarise(today):
        if _send_summary(township, day, actor=None):
            done["summaries"] += 1
    return done


def _tell_office_of_vacancies(township: Township, today: date) -> int:
    """Tell the office, once per representative, of the coming published duties of someone
    whose qualification has ended and who has no substitute yet."""
    substituted = select(Duty.substitute_for_id).where(Duty.substitute_for_id.is_not(None))
    rows = db.session.execute(
        select(Duty, ReceptionDay, Representative)
        .join(
            ReceptionDay,
            and_(ReceptionDay.id == Duty.day_id, ReceptionDay.tenant_id == Duty.tenant_id),
        )
        .join(
            Schedule,
            and_(
                Schedule.id == ReceptionDay.schedule_id,
                Schedule.tenant_id == ReceptionDay.tenant_id,
            ),
        )
        .join(
            Representative,
            and_(
                Representative.id == Duty.representative_id,
                Representative.tenant_id == Duty.tenant_id,
            ),
        )
        .where(
            Schedule.status == ScheduleStatus.PUBLISHED,
            ReceptionDay.day >= today,
            Duty.status == DutyStatus.ON_DUTY,
            Representative.status != RepStatus.IN_OFFICE,
            Duty.id.not_in(substituted),
        )
        .order_by(ReceptionDay.day, Duty.id)
    ).all()
    by_rep: dict[int, tuple[Representative, list[ReceptionDay]]] = {}
    for _duty, day, rep in rows:
        by_rep.setdefault(rep.id, (rep, []))[1].append(day)
    office = casework._office_user_ids(township)
    for rep, days in by_rep.values():
        notify.notify(
            office,
            _("%(n)s 的代表资格已终止，需安排替补", n=rep.name),
            _(
                "%(n)s 仍排在以下接待日：%(d)s。"
                "请为其安排替补代表（替补后须仍符合接待点配备要求）。",
                n=rep.name,
                d="、".join(d.day.isoformat() for d in days),
            ),
            tenant_id=township.id,
            link=f"/t/{township.slug}/{MODULE_KEY}/days/{days[0].id}",
            dedupe_key=f"rd:{township.id}:rep:{rep.id}:ended:{rep.ended_on}",
        )
    return len(by_rep)


def _days_to_summarise(today: date) -> list[ReceptionDay]:
    return list(
        db.session.scalars(
            select(ReceptionDay)
            .join(
                Schedule,
                and_(
                    Schedule.id == ReceptionDay.schedule_id,
                    Schedule.tenant_id == ReceptionDay.tenant_id,
                ),
            )
            .where(
                Schedule.status == ScheduleStatus.PUBLISHED,
                ReceptionDay.day < today,
                ReceptionDay.summary_sent_at.is_(None),
            )
            .order_by(ReceptionDay.day)
        )
    )


@notify.handler(REMINDER_TOPIC)
def _deliver_reminder(message: OutboxMessage) -> None:
    """Send a reminder only if it is still true: the same person, still in office, on duty on
    the same date."""
    payload = message.payload
    duty = db.session.get(Duty, (message.tenant_id, int(payload["duty_id"])))
    day = db.session.get(ReceptionDay, (message.tenant_id, duty.day_id)) if duty else None
    rep = (
        db.session.get(Representative, (message.tenant_id, duty.representative_id))
        if duty
        else None
    )
    if (
        duty is None
        or day is None
        or rep is None
        or not rep.in_office
        or duty.status != DutyStatus.ON_DUTY
        or duty.representative_id != int(payload["representative_id"])
        or day.day.isoformat() != payload["day"]
        or schedule_of(day).status != ScheduleStatus.PUBLISHED
    ):
        log.info("reception-day reminder %s is stale and was not sent", message.id)
        return
    site = db.session.get(Site, (message.tenant_id, duty.site_id))
    township = db.session.get(Township, message.tenant_id)
    assert site is not None and township is not None
    when = f"{day.day.isoformat()} {_hhmm(day.starts_at)}–{_hhmm(day.ends_at)}"
    title = _("接待日提醒：%(w)s，%(s)s", w=when, s=site.name)
    body = _(
        "请 %(n)s 代表按时到%(s)s（%(a)s）接待来访党员群众。",
        n=rep.name,
        s=site.name,
        a=site.address,
    )
    recipients = set()
    if rep.user_id is not None:
        recipients.add(rep.user_id)
    recipients |= _branch_liaison_user_ids(
        township, {rep.branch_id} if rep.branch_id is not None else set()
    )
    for user_id in sorted(recipients):
        db.session.add(
            Notification(
                user_id=user_id,
                tenant_id=message.tenant_id,
                outbox_id=message.id,
                title=title,
                body=body,
                link=f"/t/{township.slug}/{MODULE_KEY}/mine" if user_id == rep.user_id else None,
            )
        )
    if rep.phone:
        notify_channels.sms_channel().send(rep.phone, f"{title} {body}")


# --- on the day: cases and people received -------------------------------------------------------


def _on_duty_at(day: ReceptionDay, site_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Duty.representative_id).where(
                Duty.day_id == day.id, Duty.site_id == site_id, Duty.status == DutyStatus.ON_DUTY
            )
        )
    )


def record_case(
    actor: Actor,
    township: Township,
    day_id: Any,
    data: Mapping[str, Any],
    *,
    today: date | None = None,
) -> casework.NewCase:
    """A person's issue raised on a reception day: a case on the reception-day channel, received
    by one of the representatives on duty at that site (首问负责制)."""
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, data.get("site_id"))
    on_duty = _on_duty_at(day, day_site.site_id)
    own = casework.representative_of(actor, township)
    if not permissions.can_work_in_office(actor, township.id) and (
        own is None or own.id not in on_duty
    ):
        raise PermissionDenied()
    if day.day > _today(today):
        raise Conflict(_("接待日还没到，不能登记"))
    received = data.get("received_by_id")
    if received in (None, "") and own is not None and own.id in on_duty:
        received = own.id
    if received in (None, ""):
        raise ValidationFailed(errors={"received_by_id": [_("请选择接待的代表")]})
    rep = _representative(township, received)
    if rep.id not in on_duty:
        raise ValidationFailed(errors={"received_by_id": [_("请选择当天在该接待点接待的代表")]})
    payload = {
        key: data.get(key)
        for key in ("title", "body", "category", "raiser_name", "raiser_phone", "anonymous")
    }
    payload.update(
        channel=Channel.RECEPTION_DAY,
        received_by_id=rep.id,
        source_type=SOURCE_TYPE,
        source_id=day.id,
    )
    return casework.register(actor, township, payload)


def day_cases(actor: Actor, township: Township, day_id: Any) -> list[Case]:
    """The day's cases this actor may see under casework's rules (the office all of them)."""
    day = _day(township, day_id)
    _read(actor, township)
    visible = casework._visible(actor, township)
    return _cases_of(day, visible)


def _cases_of(day: ReceptionDay, visible: Any = None) -> list[Case]:
    query = select(Case).where(Case.source_type == SOURCE_TYPE, Case.source_id == day.id)
    if visible is not None:
        query = query.where(visible)
    return list(db.session.scalars(query.order_by(Case.id)))


def set_people_received(
    actor: Actor,
    township: Township,
    day_id: Any,
    site_id: Any,
    count: Any,
    note: Any = None,
    *,
    today: date | None = None,
) -> DaySite:
    day = _day(township, day_id)
    _read(actor, township)
    day_site = _day_site(day, site_id)
    _write(actor, township)
    if day.day > _today(today):
        raise Conflict(_("接待日还没到，不能登记接待人数"))
    try:
        number = int(count)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 100000:
        raise ValidationFailed(errors={"people_received": [_("请填写接待人数（0 或正整数）")]})
    before = day_site.people_received
    day_site.people_received = number
    day_site.note = str(note or "").strip() or None
    audit.record(
        "reception_day.people_received",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        before={"site": day_site.site_id, "people": before},
        after={"site": day_site.site_id, "people": number},
    )
    db.session.commit()
    return day_site


# --- summaries -----------------------------------------------------------------------------------


def compute_summary(township: Township, day: ReceptionDay) -> dict[str, Any]:
    """People received, cases and their states, per site and in all."""
    view = _day_views(township, [day])[0]
    cases = _cases_of(day)
    # Whoever received a case was on duty at its site then (absent or not since).
    site_of_rep = {d.rep.id: s.site.id for s in view.sites for d in s.duties}
    by_state = Counter(str(c.state) for c in cases)
    per_site = []
    for s in view.sites:
        site_cases = [c for c in cases if site_of_rep.get(c.received_by_id or 0) == s.site.id]
        per_site.append(
            {
                "site_id": s.site.id,
                "site": s.site.name,
                "representatives": [d.rep.name for d in s.on_duty],
                "people_received": s.day_site.people_received,
                "cases": len(site_cases),
            }
        )
    return {
        "day": day.day.isoformat(),
        "sites": len(view.sites),
        "representatives": sum(len(s.on_duty) for s in view.sites),
        "people_received": sum(s.day_site.people_received or 0 for s in view.sites),
        "cases": len(cases),
        "by_state": dict(sorted(by_state.items())),
        "per_site": per_site,
    }


def state_label(state: str) -> str:
    return str(STATE_LABELS.get(state, state))


def _send_summary(township: Township, day: ReceptionDay, *, actor: Actor | None) -> bool:
    """Store the summary on the day and send it to the office. The sweep sends each day once
    (claimed by a conditional UPDATE); staff may send it again after correcting the figures."""
    summary = compute_summary(township, day)
    now = utcnow()
    query = update(ReceptionDay).where(ReceptionDay.id == day.id)
    if actor is None:
        query = query.where(ReceptionDay.summary_sent_at.is_(None))
    claimed = db.session.execute(
        query.values(summary=summary, summary_sent_at=now).returning(ReceptionDay.id)
    ).first()
    if claimed is None:
        db.session.rollback()
        return False
    db.session.expire(day)
    audit.record(
        "reception_day.summary",
        actor=actor or Actor(None, _("系统")),
        tenant_id=township.id,
        target_type="reception_day",
        target_id=day.id,
        after={k: summary[k] for k in ("people_received", "cases", "by_state")},
    )
    notify.notify(
        casework._office_user_ids(township),
        _("%(d)s 接待日汇总", d=summary["day"]),
        _(
            "接待点 %(s)d 个，代表 %(r)d 人次，接待群众 %(p)d 人，登记诉求 %(c)d 件。",
            s=summary["sites"],
            r=summary["representatives"],
            p=summary["people_received"],
            c=summary["cases"],
        ),
        tenant_id=township.id,
        link=f"/t/{township.slug}/{MODULE_KEY}/days/{day.id}",
        dedupe_key=f"rd:{township.id}:day:{day.id}:summary:{now.isoformat()}",
    )
    db.session.commit()
    return True


def send_summary(
    actor: Actor, township: Township, day_id: Any, *, today: date | None = None
) -> ReceptionDay:
    day = _day(township, day_id)
    _write(actor, township)
    if day.day > _today(today):
        raise Conflict(_("接待日还没到，不能汇总"))
    _send_summary(township, day, actor=actor)
    return _day(township, day.id)


@dataclass
class YearReport:
    year: int
    days: list[tuple[ReceptionDay, dict[str, Any]]]
    totals: dict[str, Any]


def year_report(
    actor: Actor, township: Township, year: Any, *, today: date | None = None
) -> YearReport:
    """The year's reception days for the annual session's report (通报): each day's summary as
    sent up (or as it stands, for a day not summarised yet) and the totals."""
    view = get_schedule(actor, township, year)
    today = _today(today)
    rows = []
    for d in view.days:
        if d.day.day > today:
            continue
        rows.append((d.day, d.day.summary or compute_summary(township, d.day)))
    by_state: Counter[str] = Counter()
    for _day_row, summary in rows:
        by_state.update(summary["by_state"])
    totals = {
        "days": len(rows),
        "representatives": sum(s["representatives"] for _d, s in rows),
        "people_received": sum(s["people_received"] for _d, s in rows),
        "cases": sum(s["cases"] for _d, s in rows),
        "by_state": dict(sorted(by_state.items())),
    }
    return YearReport(view.schedule.year, rows, totals)
