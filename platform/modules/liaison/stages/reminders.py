"""The sweep before the quarter ends, and the chain a person keeps (for people/privacy.py)."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lianxin.auth.models import Membership
from lianxin.auth.roles import Role
from lianxin.db import db
from lianxin.modules import kit
from lianxin.modules.liaison.models import (
    Level,
    Link,
    ReminderSent,
)
from lianxin.modules.liaison.quarters import Quarter
from lianxin.modules.liaison.stages.common import MODULE_KEY, settings
from lianxin.modules.liaison.stages.compliance import compute_compliance
from lianxin.notify import service as notify
from lianxin.people import privacy
from lianxin.people.models import Representative
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import use_case

# --- reminders before the quarter ends -----------------------------------------------------------


def _claim(quarter: Quarter, person_key: str) -> bool:
    """Claim the quarter's reminder of a person once; a sweep that runs twice claims nothing."""
    try:
        with db.session.begin_nested():
            db.session.add(
                ReminderSent(year=quarter.year, quarter=quarter.number, person_key=person_key)
            )
    except IntegrityError:
        return False
    return True


def _branch_liaison_user_ids(township: Township, branch_id: int | None) -> set[int]:
    if branch_id is None:
        return set()
    ids = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role == Role.BRANCH_LIAISON.value,
                Membership.branch_id == branch_id,
            )
        )
    )
    branch = db.session.get(Branch, (township.id, branch_id))
    if branch is not None and branch.liaison_user_id:
        ids.add(branch.liaison_user_id)
    return ids


def _office_user_ids(township: Township) -> set[int]:
    return set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.tenant_id == township.id,
                Membership.role.in_([Role.TOWNSHIP_ADMIN.value, Role.TOWNSHIP_STAFF.value]),
            )
        )
    )


@use_case
def send_reminders(township: Township, today: date | None = None) -> dict[str, int]:
    """From `reminder_days` before the quarter ends, remind each person who is behind — once a
    quarter — and send the office the list of who is behind."""
    today = kit.today(today)
    quarter = Quarter.of(today)
    conf = settings(township.id)
    done = {"reminded": 0, "office": 0}
    if quarter.days_left(today) > int(conf["reminder_days"]):
        return done
    result = compute_compliance(township, quarter)
    behind = result.behind
    link = f"/t/{township.slug}/{MODULE_KEY}/"
    # Written in two bulk enqueues after the loop (a township may have hundreds behind).
    texts: list[tuple[dict[str, Any], str | None]] = []
    notices: list[tuple[dict[str, Any], str | None]] = []
    for duty in behind:
        if not _claim(quarter, duty.person.key):
            continue
        title = _("三联提醒：%(q)s还剩%(n)s天", q=quarter.label, n=quarter.days_left(today) + 1)
        body = "；".join(str(m) for m in duty.missing())
        person = duty.person
        users: set[int] = set()
        if person.kind == "committee":
            users.add(person.id)
        elif person.kind == "representative":
            rep = db.session.get(Representative, (township.id, person.id))
            if rep is not None and rep.user_id:
                users.add(rep.user_id)
            elif person.phone:
                texts.append(
                    (
                        {"phone": person.phone, "text": f"{title} {body}"},
                        f"liaison:{township.id}:{quarter.key}:{person.key}:sms",
                    )
                )
        else:  # a party member has no account: their branch liaison passes it on
            users |= _branch_liaison_user_ids(township, person.branch_id)
            body = _("党员%(n)s：%(b)s", n=person.name, b=body)
            if person.phone:
                texts.append(
                    (
                        {"phone": person.phone, "text": f"{title} {body}"},
                        f"liaison:{township.id}:{quarter.key}:{person.key}:sms",
                    )
                )
        if users:
            notices.append(
                (
                    notify.notification(users, title, body, link=link, kind="reminder"),
                    f"liaison:{township.id}:{quarter.key}:{person.key}",
                )
            )
        done["reminded"] += 1
    notify.enqueue_many("sms", texts, tenant_id=township.id)
    notify.enqueue_many("notify", notices, tenant_id=township.id)
    if behind and _claim(quarter, "office"):
        names = "、".join(d.person.name for d in behind[:30])
        more = _("等%(n)s人", n=len(behind)) if len(behind) > 30 else ""
        notify.notify(
            _office_user_ids(township),
            _("三联工作：%(q)s有%(n)s人未完成", q=quarter.label, n=len(behind)),
            names + more,
            tenant_id=township.id,
            link=f"{link}compliance",
            dedupe_key=f"liaison:{township.id}:{quarter.key}:office",
            kind="reminder",
        )
        done["office"] = 1
    return done


def run_daily(township: Township, today: date | None = None) -> dict[str, int]:
    return send_reminders(township, today)


# --- whom a person keeps in touch with (for people/privacy.py) -----------------------------------


@privacy.chain_reader
def chain_of(user_id: int | None, rep_id: int | None, year: int) -> privacy.Chain:
    """The people below one person in this year's chain: the representatives a committee
    member (a user) keeps in touch with, the party members a representative keeps, and those
    members' households. Their contact is what that person's duty needs."""
    live = (Link.year == year, Link.ended_on.is_(None))
    reps: frozenset[int] = frozenset()
    members: frozenset[int] = frozenset()
    households: frozenset[int] = frozenset()
    if user_id is not None:
        reps = frozenset(
            db.session.scalars(
                select(Link.lower_rep_id).where(
                    *live, Link.level == Level.COMMITTEE_REP, Link.upper_user_id == user_id
                )
            )
        )
    if rep_id is not None:
        members = frozenset(
            db.session.scalars(
                select(Link.lower_member_id).where(
                    *live, Link.level == Level.REP_MEMBER, Link.upper_rep_id == rep_id
                )
            )
        )
    if members:
        households = frozenset(
            db.session.scalars(
                select(Link.lower_household_id).where(
                    *live,
                    Link.level == Level.MEMBER_HOUSEHOLD,
                    Link.upper_member_id.in_(members),
                )
            )
        )
    return privacy.Chain(reps, members, households)
