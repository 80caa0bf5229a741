"""Sites (接待点) and the pairing rule: who is on duty where, and what breaks the rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.casework import service as casework
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.reception_days.inputs import SiteInput
from lianxin.modules.reception_days.models import (
    DaySite,
    Duty,
    DutyStatus,
    ReceptionDay,
    Site,
)
from lianxin.modules.reception_days.stages.common import (
    _read,
    _site,
    _write,
    settings,
    short_notice_label,
    site_order,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import Changes, use_case

# --- sites ---------------------------------------------------------------------------------------


def list_sites(actor: Actor, township: Township, *, active_only: bool = False) -> list[Site]:
    _read(actor, township)
    query = select(Site)
    if active_only:
        query = query.where(Site.is_active.is_(True))
    return sorted(db.session.scalars(query), key=site_order)


def get_site(actor: Actor, township: Township, site_id: int) -> Site:
    _read(actor, township)
    return _site(township, site_id)


def _check_branch(township: Township, branch_id: int | None) -> None:
    """The site's branch must be one of this township's (another's: 404)."""
    if branch_id is not None and db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))


def _check_site_name(name: str, except_id: int | None = None) -> None:
    query = select(Site.id).where(Site.name == name)
    if except_id is not None:
        query = query.where(Site.id != except_id)
    if db.session.scalar(query) is not None:
        raise ValidationFailed(errors={"name": [_("已有同名的接待点")]})


@use_case
def create_site(actor: Actor, township: Township, data: SiteInput) -> Site:
    _write(actor, township)
    _check_branch(township, data.branch_id)
    _check_site_name(data.name)
    site = Site(**asdict(data))
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
    return site


@use_case
def update_site(
    actor: Actor, township: Township, site_id: int, changes: Changes[SiteInput]
) -> Site:
    """Change the named fields (loaded by SiteInputSchema with `partial=True`; the page names
    them all)."""
    site = get_site(actor, township, site_id)
    _write(actor, township)
    if "branch_id" in changes:
        _check_branch(township, changes["branch_id"])
    if "name" in changes:
        _check_site_name(changes["name"], site.id)
    before = {k: getattr(site, k) for k in changes}
    for key, value in changes.items():
        setattr(site, key, value)
    audit.record(
        "reception_day.site_update",
        actor=actor,
        tenant_id=township.id,
        target_type="reception_site",
        target_id=site.id,
        before={k: str(v) for k, v in before.items()},
        after={k: str(v) for k, v in changes.items()},
    )
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
