"""Personal data by role (issue 18; PIPL: each person sees only what their duty needs).

This is the single place that says who sees which personal field of whom. Pages, API schemas
and exports ask it; none of them decides on its own.

The rule is data: `POLICY` gives, for each audience (a group of roles) and each kind of
person, the reach of every personal column — `ALL` (of everyone of that kind in the township)
or `RELATED` (only of the people the audience's duty ties it to, see `Viewer.related`); a
column not named is never shown to that audience. What is not a personal column (ids, the
post, term, level, status, group and electoral unit of a representative; a row's branch)
describes an office or an organisation and is shown to every member of the township.

    representative        name  structure birth  phone  workplace photo  account ended
    office                all   all       all    all    all       all    all     all
    county (drill-down)   all   all       -      -      -         all    -       -
    committee_member      all   -         -      rel.   rel.      all    -       -
    group_leader          all   -         -      rel.   rel.      all    -       -
    representative        all   -         -      -      -         all    -       -
    branch_liaison        all   -         -      rel.   rel.      all    -       -
    handling_unit         all   -         -      -      -         all    -       -
    public                all   -         -      -      -         -      -       -

    party member          name  gender  phone         household   name  phone  address note
    office                all   all     all           office      all   all    all     all
    county (drill-down)   all   -       -             county      -     -      -       -
    committee_member      all   -       -             committee   all   -      -       -
    representative        rel.  -       rel.          represent.  rel.  rel.   -       -
    branch_liaison        rel.  rel.    rel.          branch_li.  rel.  rel.   rel.    rel.
    group_leader, handling_unit, public: nothing

    case's raiser         name  phone
    office                all   all
    representative        rel.  rel.    (a case they received: 首问负责制)
    handling_unit         rel.  rel.    (a case assigned to the unit, not returned or superseded)
    branch_liaison        rel.  rel.    (a case of their branch: they log, feed back, archive it)
    everyone else: nothing; an anonymous case's phone (kept to answer) only the office

`rel.` is: for a committee member, the representatives they keep in touch with this year (三联);
for a group leader, the members of their own group; for a branch liaison, the people of their
branch (representatives by electoral unit: the liaison reminds them of reception days); for a
representative, the party members they keep in touch with and those members' households.
Everyone sees the whole of their own representative record (PIPL art. 45).

Why: the liaison office keeps the roster and answers for it. The county compares townships'
structure (women, age, category, education: DOMAIN.md "What the county compares"), so a
drill-down shows names and structure, ages only as the structure page's counts, and nobody of
the public. Contact goes to whoever has to make contact: down the liaison chain, inside a group,
within a branch, and to the unit answering a case. A handling unit answers cases, not people:
it learns the name and phone of the person it answers and the representatives' names.

Public pages show what a representative agreed to publish: with `publish_contact` (a box on the
representative's form, off by default) the phone, workplace and photo (`PUBLISHED`) are public
and every member sees them; without it the public sees the name, post and group only. The
contact card (连心卡), handed out by the office to be used, prints the phone for those who may
print it.

In the API a hidden field is `null`, and the object's `redacted` lists the fields nulled, so a
client tells "hidden" from "empty". A row of which the caller may see no name is left out of a
list and is 404 on its own. Pages show "—". The roster export holds every field of everyone:
only a viewer who sees all of them (`sees_everything`: the office) gets it; a county drilling
down borrows the office's reading rights, but not this. Outside a request (a task, a shell) the
viewer is the public one: nothing personal passes by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar

from flask import g, has_request_context, request
from marshmallow import fields, post_dump

from lianxin.auth.actor import Actor, Grant
from lianxin.auth.roles import Role
from lianxin.people.models import Household, PartyMember, Representative

REDACTED = "—"  # how a page shows a hidden value


class Kind(StrEnum):
    REPRESENTATIVE = "representative"
    PARTY_MEMBER = "party_member"
    HOUSEHOLD = "household"
    CASE_RAISER = "case_raiser"


class Audience(StrEnum):
    OFFICE = "office"
    COUNTY = "county"
    COMMITTEE = "committee_member"
    GROUP_LEADER = "group_leader"
    REPRESENTATIVE = "representative"
    BRANCH_LIAISON = "branch_liaison"
    HANDLING_UNIT = "handling_unit"
    PUBLIC = "public"


ROLE_AUDIENCE = {
    Role.TOWNSHIP_ADMIN: Audience.OFFICE,
    Role.TOWNSHIP_STAFF: Audience.OFFICE,
    Role.COMMITTEE_MEMBER: Audience.COMMITTEE,
    Role.GROUP_LEADER: Audience.GROUP_LEADER,
    Role.REPRESENTATIVE: Audience.REPRESENTATIVE,
    Role.BRANCH_LIAISON: Audience.BRANCH_LIAISON,
    Role.HANDLING_UNIT: Audience.HANDLING_UNIT,
    Role.COUNTY_ADMIN: Audience.COUNTY,
    Role.COUNTY_VIEWER: Audience.COUNTY,
}

# The personal columns of each kind, and the fields (API and model attribute names) of each.
COLUMNS: dict[Kind, dict[str, tuple[str, ...]]] = {
    Kind.REPRESENTATIVE: {
        "name": ("name", "name_pinyin"),
        "structure": ("gender", "ethnicity", "education", "category", "is_grassroots_cadre"),
        "birth_date": ("birth_date",),
        "phone": ("phone",),
        "workplace": ("workplace",),
        "photo": ("photo_file_id",),
        "account": ("user_id",),
        "ended": ("ended_reason", "ended_note"),
    },
    Kind.PARTY_MEMBER: {
        "name": ("name", "name_pinyin"),
        "gender": ("gender",),
        "phone": ("phone",),
    },
    Kind.HOUSEHOLD: {
        "name": ("head_name",),
        "phone": ("phone",),
        "address": ("address",),
        "note": ("note",),
    },
    Kind.CASE_RAISER: {
        "name": ("raiser_name",),
        "phone": ("raiser_phone",),
    },
}

ALL = "all"
RELATED = "related"

# What a representative may agree to publish (`publish_contact`): public pages and every member
# then see it, whatever their audience.
PUBLISHED = frozenset({"phone", "workplace", "photo"})

POLICY: dict[Audience, dict[Kind, dict[str, str]]] = {
    Audience.OFFICE: {kind: dict.fromkeys(columns, ALL) for kind, columns in COLUMNS.items()},
    Audience.COUNTY: {
        Kind.REPRESENTATIVE: {"name": ALL, "structure": ALL, "photo": ALL},
        Kind.PARTY_MEMBER: {"name": ALL},
    },
    Audience.COMMITTEE: {
        Kind.REPRESENTATIVE: {"name": ALL, "photo": ALL, "phone": RELATED, "workplace": RELATED},
        Kind.PARTY_MEMBER: {"name": ALL},
        Kind.HOUSEHOLD: {"name": ALL},
    },
    Audience.GROUP_LEADER: {
        Kind.REPRESENTATIVE: {"name": ALL, "photo": ALL, "phone": RELATED, "workplace": RELATED},
    },
    Audience.REPRESENTATIVE: {
        Kind.REPRESENTATIVE: {"name": ALL, "photo": ALL},
        Kind.PARTY_MEMBER: {"name": RELATED, "phone": RELATED},
        Kind.HOUSEHOLD: {"name": RELATED, "phone": RELATED},
        Kind.CASE_RAISER: {"name": RELATED, "phone": RELATED},
    },
    Audience.BRANCH_LIAISON: {
        Kind.REPRESENTATIVE: {"name": ALL, "photo": ALL, "phone": RELATED, "workplace": RELATED},
        Kind.PARTY_MEMBER: {"name": RELATED, "gender": RELATED, "phone": RELATED},
        Kind.HOUSEHOLD: {"name": RELATED, "phone": RELATED, "address": RELATED, "note": RELATED},
        Kind.CASE_RAISER: {"name": RELATED, "phone": RELATED},
    },
    Audience.HANDLING_UNIT: {
        Kind.REPRESENTATIVE: {"name": ALL, "photo": ALL},
        Kind.CASE_RAISER: {"name": RELATED, "phone": RELATED},
    },
    Audience.PUBLIC: {
        Kind.REPRESENTATIVE: {"name": ALL},
    },
}


# --- the liaison chain: who keeps in touch with whom (registered by the liaison module) ----------


@dataclass(frozen=True)
class Chain:
    """The people one person keeps in touch with this year, by id."""

    reps: frozenset[int] = frozenset()
    members: frozenset[int] = frozenset()
    households: frozenset[int] = frozenset()


# (user id, own representative id, year) → the chain below that person, read in the
# township's tenant context.
ChainReader = Callable[[int | None, int | None, int], Chain]
_chain_reader: list[ChainReader] = []


def chain_reader(fn: ChainReader) -> ChainReader:
    """The liaison module registers how to read its chain (people imports no module)."""
    _chain_reader[:] = [fn]
    return fn


# --- who is looking -----------------------------------------------------------------------------


def _field(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return row.get(name)
    return getattr(row, name, None)


def kind_of(row: Any) -> Kind | None:
    """The kind of a model row or of a liaison-chain person (a committee member is None)."""
    if isinstance(row, Representative):
        return Kind.REPRESENTATIVE
    if isinstance(row, PartyMember):
        return Kind.PARTY_MEMBER
    if isinstance(row, Household):
        return Kind.HOUSEHOLD
    from lianxin.casework.models import Case

    if isinstance(row, Case):
        return Kind.CASE_RAISER
    kind = getattr(row, "kind", None)  # a liaison Person, or a dict with "kind"
    if kind is None and isinstance(row, Mapping):
        kind = row.get("kind")
    try:
        return Kind(kind) if kind is not None else None
    except ValueError:
        return None


def _is_drill_grant(grant: Grant) -> bool:
    # county/drill.py lends a county viewer the office's reading rights with a grant of no
    # membership (id 0, real ones start at 1): for personal data that viewer is the county.
    return grant.membership_id == 0


@dataclass
class Viewer:
    """One actor looking at one township's people; asks the database at most once per fact."""

    audiences: frozenset[Audience]
    township_id: int | None = None
    user_id: int | None = None
    branch_ids: frozenset[int] = frozenset()
    unit_ids: frozenset[int] = frozenset()
    _own_read: bool = field(default=False, repr=False)
    _own: tuple[int, int | None] | None = field(default=None, repr=False)
    _chain: Chain | None = field(default=None, repr=False)
    _unit_cases: frozenset[int] | None = field(default=None, repr=False)

    # --- facts, read lazily (inside the township's tenant context) ---

    def own_representative(self) -> tuple[int, int | None] | None:
        """(id, group id) of the viewer's own representative record, if any."""
        if not self._own_read:
            self._own_read = True
            if self.user_id is not None and self.township_id is not None:
                from sqlalchemy import select

                from lianxin.db import db

                row = db.session.execute(
                    select(Representative.id, Representative.group_id).where(
                        Representative.user_id == self.user_id
                    )
                ).first()
                self._own = (row[0], row[1]) if row is not None else None
        return self._own

    def chain(self) -> Chain:
        if self._chain is None:
            self._chain = Chain()
            if self.township_id is not None and _chain_reader:
                from lianxin.casework import deadlines
                from lianxin.tenants import service as tenants

                if tenants.module_enabled(self.township_id, "liaison"):
                    own = self.own_representative()
                    self._chain = _chain_reader[0](
                        self.user_id,
                        own[0] if own else None,
                        deadlines.shanghai_today().year,
                    )
        return self._chain

    def unit_cases(self) -> frozenset[int]:
        """Cases a unit of the viewer is working on, or has answered (not returned, not
        superseded by a later round)."""
        if self._unit_cases is None:
            self._unit_cases = frozenset()
            if self.unit_ids:
                from sqlalchemy import select

                from lianxin.casework.models import AssignmentStatus, CaseAssignment
                from lianxin.db import db

                self._unit_cases = frozenset(
                    db.session.scalars(
                        select(CaseAssignment.case_id).where(
                            CaseAssignment.unit_id.in_(self.unit_ids),
                            CaseAssignment.status.in_(
                                [AssignmentStatus.ACTIVE, AssignmentStatus.ANSWERED]
                            ),
                        )
                    )
                )
        return self._unit_cases

    # --- the rule ---

    def is_self(self, kind: Kind, row: Any) -> bool:
        if kind is not Kind.REPRESENTATIVE or Audience.PUBLIC in self.audiences:
            return False
        own = self.own_representative()
        return own is not None and _field(row, "id") == own[0]

    def related(self, audience: Audience, kind: Kind, row: Any) -> bool:
        """Whether `row` is one of the people the audience's duty ties this viewer to."""
        row_id = _field(row, "id")
        if kind is Kind.CASE_RAISER:
            if _field(row, "anonymous"):
                return False  # the phone of an anonymous case is kept for the office only
            if audience is Audience.REPRESENTATIVE:
                own = self.own_representative()
                return own is not None and _field(row, "received_by_id") == own[0]
            if audience is Audience.HANDLING_UNIT:
                return row_id in self.unit_cases()
            if audience is Audience.BRANCH_LIAISON:  # the liaison feeds back to the person
                return _field(row, "branch_id") in self.branch_ids
            return False
        if audience is Audience.BRANCH_LIAISON:
            return _field(row, "branch_id") in self.branch_ids
        if audience is Audience.GROUP_LEADER and kind is Kind.REPRESENTATIVE:
            own = self.own_representative()
            group = own[1] if own else None
            return group is not None and _field(row, "group_id") == group
        if audience is Audience.COMMITTEE and kind is Kind.REPRESENTATIVE:
            return row_id in self.chain().reps
        if audience is Audience.REPRESENTATIVE and kind is Kind.PARTY_MEMBER:
            return row_id in self.chain().members
        if audience is Audience.REPRESENTATIVE and kind is Kind.HOUSEHOLD:
            return row_id in self.chain().households
        return False

    def columns(self, kind: Kind, row: Any) -> frozenset[str]:
        """The personal columns of `row` this viewer may see."""
        if self.is_self(kind, row):
            return frozenset(COLUMNS[kind])
        seen: set[str] = set()
        for audience in self.audiences:
            for column, reach in POLICY.get(audience, {}).get(kind, {}).items():
                if column in seen:
                    continue
                if reach == ALL or (reach == RELATED and self.related(audience, kind, row)):
                    seen.add(column)
        if kind is Kind.REPRESENTATIVE and _field(row, "publish_contact"):
            seen.update(PUBLISHED)  # what the representative agreed to publish is public
        return frozenset(seen)

    def can_see(self, row: Any, column: str, kind: Kind | None = None) -> bool:
        kind = kind or kind_of(row)
        if kind is None:
            # A committee member at the top of the chain: an official, named to members.
            return Audience.OFFICE in self.audiences or (
                column == "name" and Audience.PUBLIC not in self.audiences
            )
        return column in self.columns(kind, row)

    def reaches(self, kind: Kind, column: str = "name") -> str | None:
        """ALL when this viewer sees `column` of everyone of a kind, RELATED when of some,
        None when of nobody but themselves: how a list is to be cut."""
        reaches = {POLICY.get(a, {}).get(kind, {}).get(column) for a in self.audiences}
        if ALL in reaches:
            return ALL
        return RELATED if RELATED in reaches else None

    def sees_everything(self, kind: Kind) -> bool:
        """Whether this viewer sees every personal column of everyone of a kind: what an
        export of the whole roster needs."""
        return all(self.reaches(kind, column) == ALL for column in COLUMNS[kind])

    def hidden_fields(self, kind: Kind, row: Any) -> list[str]:
        shown = self.columns(kind, row)
        return [f for column, names in COLUMNS[kind].items() if column not in shown for f in names]

    def redact(self, kind: Kind, row: Any, data: dict[str, Any]) -> dict[str, Any]:
        """`data` (a dumped row) with every hidden field null and listed in `redacted`."""
        hidden = [f for f in self.hidden_fields(kind, row) if f in data]
        for name in hidden:
            data[name] = None
        data["redacted"] = hidden
        return data

    def visible(self, kind: Kind, rows: Iterable[Any]) -> list[Any]:
        """The rows of which this viewer sees at least the name (a list shows no one else)."""
        return [r for r in rows if "name" in self.columns(kind, r)]

    def shown(self, row: Any, column: str, kind: Kind | None = None) -> Any:
        """The value a page prints: the field's value, "" when empty, "—" when hidden."""
        kind = kind or kind_of(row)
        if not self.can_see(row, column, kind):
            return REDACTED
        names = COLUMNS[kind][column] if kind is not None else (column,)
        value = _field(row, names[0])
        if value is None and names[0] != column:
            value = _field(row, column)  # a liaison Person names every kind's name "name"
        return "" if value is None else value


PUBLIC = Viewer(frozenset({Audience.PUBLIC}))


def viewer_for(actor: Actor, township_id: int) -> Viewer:
    """The viewer an actor is in one township: the audiences of its roles there."""
    grants = [g for g in actor.grants if g.tenant_id == township_id]
    audiences = {
        Audience.COUNTY if _is_drill_grant(grant) else ROLE_AUDIENCE[grant.role]
        for grant in grants
        if grant.role in ROLE_AUDIENCE
    }
    if not audiences:
        return PUBLIC
    return Viewer(
        frozenset(audiences),
        township_id=township_id,
        user_id=actor.user_id,
        branch_ids=frozenset(
            grant.branch_id
            for grant in grants
            if grant.role is Role.BRANCH_LIAISON and grant.branch_id is not None
        ),
        unit_ids=frozenset(
            grant.unit_id
            for grant in grants
            if grant.role is Role.HANDLING_UNIT and grant.unit_id is not None
        ),
    )


def current_viewer() -> Viewer:
    """The viewer of this request (once per request); the public one outside a township's."""
    if not has_request_context():
        return PUBLIC
    this = request._get_current_object()  # type: ignore[attr-defined]
    cached = g.get("lianxin_privacy_viewer")
    # `g` may outlive a request (a test holding the app context): keyed by the request.
    if cached is not None and cached[0] is this:
        return cached[1]
    township = g.get("township")
    if township is None or g.get("public"):
        viewer = PUBLIC
    else:
        from lianxin.web.scope import current_actor

        viewer = viewer_for(current_actor(required=False), township.id)
    g.lianxin_privacy_viewer = (this, viewer)
    return viewer


# --- the API's output schemas and the pages ---------------------------------------------------


class Redacting:
    """Mixin of an output schema: each dumped row passes through the request's viewer.

    A subclass sets `privacy_kind`; the dumped object (a model row or the dict an endpoint
    built) must carry what the rule looks at (`id`, and `branch_id`, `group_id`,
    `received_by_id` or `anonymous` as the kind has them)."""

    privacy_kind: ClassVar[Kind]
    redacted = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "因个人信息保护未返回（置为 null）的字段"},
    )

    @post_dump(pass_original=True)
    def _redact(self, data: dict[str, Any], original: Any, **_kw: Any) -> dict[str, Any]:
        return current_viewer().redact(self.privacy_kind, original, data)


def can_see(row: Any, column: str, kind: str | None = None) -> bool:
    """Jinja: `{% if can_see(rep, 'phone') %}`."""
    return current_viewer().can_see(row, column, Kind(kind) if kind else None)


def shown(row: Any, column: str, kind: str | None = None) -> Any:
    """Jinja: `{{ shown(rep, 'phone') }}` prints the value, or "—" when it is hidden."""
    return current_viewer().shown(row, column, Kind(kind) if kind else None)
