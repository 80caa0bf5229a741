"""The contact card (连心卡) and the public page of a representative it links to.

The card's QR code is an inline SVG (`lianxin.web.qr`), sharp at any print size. It encodes
the absolute address of the representative's public page, built by `lianxin.web.links` (the
address people reach).

The public page needs no login, so it reads the representative here rather than through the
roster service (whose reads require a member of the township). What it may show is what
`lianxin.people.privacy` lets the public see: see `PublicRepresentative`. The card prints the
phone and workplace for those who may see them (the office prints the cards it hands out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from marshmallow import fields
from marshmallow.validate import Range
from sqlalchemy import func, select

from lianxin.auth.actor import Actor
from lianxin.db import db
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.registry import CardLine
from lianxin.people import privacy
from lianxin.people import service as people
from lianxin.people.models import Representative, RepresentativeGroup, RepStatus
from lianxin.storage.backends import StorageError, storage
from lianxin.storage.models import StoredFile
from lianxin.storage.service import Download, StorageUnavailable
from lianxin.tenants.models import Branch, Township
from lianxin.usecases import InputSchema, load_input
from lianxin.web import links
from lianxin.web.qr import qr_svg

PUBLIC_PAGE_SIZE = 200
CARDS_PER_PAGE = 8  # business cards (90 × 54 mm), 2 columns × 4 rows on an A4 page


def public_url(township: Township, rep_id: int) -> str:
    """The absolute address of a representative's public page, for the card's QR code."""
    return links.public_url(
        "public_people.representative", township_slug=township.slug, rep_id=rep_id
    )


# --- cards (members of the township) ------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    rep: Representative
    group_name: str | None
    branch_name: str | None
    url: str
    # What the switched-on parts add (lianxin.modules.registry, the card-line hook): the
    # station the representative serves at fills the 工作站 line.
    lines: tuple[CardLine, ...] = ()

    @property
    def qr(self) -> Markup:
        return qr_svg(self.url)

    def slot(self, name: str) -> list[CardLine]:
        """The lines for one place on the card ("workstation")."""
        return [line for line in self.lines if line.slot == name]


def _names(model: type, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = db.session.execute(select(model.id, model.name).where(model.id.in_(ids))).all()  # type: ignore[attr-defined]
    return {id_: name for id_, name in rows}


def card_lines(township: Township, rep_ids: list[int]) -> dict[int, tuple[CardLine, ...]]:
    """The lines every switched-on part adds to these cards, one call per part for the batch."""
    from lianxin.modules.registry import current_registry
    from lianxin.tenants import service as tenants

    lines: dict[int, list[CardLine]] = {}
    if not rep_ids:
        return {}
    sources = current_registry().card_line_sources(tenants.enabled_module_keys(township.id))
    for _spec, fn in sources:
        for rep_id, found in fn(township.id, rep_ids).items():
            lines.setdefault(rep_id, []).extend(found)
    return {rep_id: tuple(found) for rep_id, found in lines.items()}


def _cards(township: Township, reps: list[Representative]) -> list[Card]:
    groups = _names(RepresentativeGroup, {r.group_id for r in reps if r.group_id})
    branches = _names(Branch, {r.branch_id for r in reps if r.branch_id})
    extra = card_lines(township, [r.id for r in reps])
    return [
        Card(
            rep,
            groups.get(rep.group_id) if rep.group_id else None,
            branches.get(rep.branch_id) if rep.branch_id else None,
            public_url(township, rep.id),
            extra.get(rep.id, ()),
        )
        for rep in reps
    ]


def card(actor: Actor, township: Township, rep_id: int) -> Card:
    """The card of one representative (also printable after the qualification ended)."""
    rep = people.get_representative(actor, township, rep_id)
    return _cards(township, [rep])[0]


def cards(
    actor: Actor,
    township: Township,
    *,
    branch_id: int | None = None,
    group_id: int | None = None,
) -> list[Card]:
    """The cards of every representative in office, or of one branch or one group (an area
    group or a 专业小组), in pinyin order. Another township's branch or group is not found."""
    people._can_read(actor, township)
    if branch_id is not None and db.session.get(Branch, (township.id, branch_id)) is None:
        raise NotFound(_("未找到该支部"))
    if (
        group_id is not None
        and db.session.get(RepresentativeGroup, (township.id, group_id)) is None
    ):
        raise NotFound(_("未找到该代表小组"))
    reps, _total = people.list_representatives(
        actor, township, status=RepStatus.IN_OFFICE.value, branch_id=branch_id, group_id=group_id
    )
    return _cards(township, reps)


@dataclass(frozen=True)
class CardSet:
    """Which cards to print: every representative in office, or one branch's, or one group's."""

    branch_id: int | None = None
    group_id: int | None = None


class CardSetSchema(InputSchema[CardSet]):
    input_type = CardSet

    branch_id = fields.Integer(
        load_default=None, allow_none=True, strict=False, validate=Range(min=1, max=2**62)
    )
    group_id = fields.Integer(
        load_default=None, allow_none=True, strict=False, validate=Range(min=1, max=2**62)
    )


CARD_SET_FIELDS = {"branch_id": "选举单位", "group_id": "代表小组"}


def card_set(args: Mapping[str, Any]) -> CardSet:
    """The chosen set from a query string (an empty choice is "all"); a bad value is a
    ValidationFailed naming the filter in Chinese."""
    given = {k: v for k, v in args.items() if k in CARD_SET_FIELDS and str(v).strip() != ""}
    try:
        return load_input(CardSetSchema, given, form=True)
    except ValidationFailed as exc:
        names = "、".join(CARD_SET_FIELDS[k] for k in sorted(exc.errors) if k in CARD_SET_FIELDS)
        raise ValidationFailed(
            _("筛选条件无效：%(f)s（应为列表中的一项）", f=names), errors=exc.errors
        ) from exc


def pages_of(items: list[Card], per_page: int = CARDS_PER_PAGE) -> list[list[Card]]:
    """The cards in sheets of `per_page` (8 business cards to an A4 page)."""
    return [items[i : i + per_page] for i in range(0, len(items), per_page)]


def workstations_available() -> bool:
    """Whether a workstation module exists to fill the card's station slot."""
    from lianxin.modules.registry import current_registry

    return "workstations" in current_registry()


# --- the public page (no login) -----------------------------------------------------------------


@dataclass(frozen=True)
class PublicRepresentative:
    """What a public page shows of a representative: what `privacy.PUBLIC` may see, and the
    post and group (the office the person holds). The record carries no consent to publish
    anything more, so no phone, workplace, photo, birth date, ethnicity, education, category,
    account or reason a qualification ended: people reach a representative through the card
    the office hands out, or by raising an issue on the public form.

    Once the qualification has ended the page says so and shows nothing but the name: the
    person is no longer the one to contact.
    """

    id: int
    name: str
    in_office: bool
    post: str | None
    workplace: str | None
    phone: str | None
    group_name: str | None
    has_photo: bool
    photo_version: int | None


def _public(rep: Representative, group_name: str | None) -> PublicRepresentative:
    if not rep.in_office:
        return PublicRepresentative(rep.id, rep.name, False, None, None, None, None, False, None)
    public = privacy.PUBLIC
    photo = rep.photo_file_id is not None and public.can_see(rep, "photo")
    return PublicRepresentative(
        id=rep.id,
        name=rep.name,
        in_office=True,
        post=rep.post,
        workplace=rep.workplace if public.can_see(rep, "workplace") else None,
        phone=rep.phone if public.can_see(rep, "phone") else None,
        group_name=group_name,
        has_photo=photo,
        photo_version=rep.photo_file_id if photo else None,
    )


def _public_rep(township: Township, rep_id: int) -> Representative:
    rep = db.session.get(Representative, (township.id, rep_id))
    if rep is None or rep.tenant_id != township.id:
        raise NotFound(_("未找到该代表"))
    return rep


def public_representative(township: Township, rep_id: int) -> PublicRepresentative:
    """A representative of this township for the public page; another township's id is 404."""
    rep = _public_rep(township, rep_id)
    group = _names(RepresentativeGroup, {rep.group_id} if rep.group_id else set())
    return _public(rep, group.get(rep.group_id) if rep.group_id else None)


def public_roster(township: Township, page: int = 1) -> tuple[list[PublicRepresentative], int]:
    """The representatives in office, in pinyin order, a page at a time; and how many in all."""
    query = select(Representative).where(
        Representative.tenant_id == township.id,
        Representative.status == RepStatus.IN_OFFICE.value,
    )
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    reps = list(
        db.session.scalars(
            query.order_by(Representative.name_pinyin, Representative.id)
            .offset((max(page, 1) - 1) * PUBLIC_PAGE_SIZE)
            .limit(PUBLIC_PAGE_SIZE)
        )
    )
    groups = _names(RepresentativeGroup, {r.group_id for r in reps if r.group_id})
    return [_public(r, groups.get(r.group_id) if r.group_id else None) for r in reps], total


def public_photo(township: Township, rep_id: int) -> Download:
    """The photo of a representative in office, for the public page."""
    rep = _public_rep(township, rep_id)
    if (
        not township.is_active
        or not rep.in_office
        or rep.photo_file_id is None
        or not privacy.PUBLIC.can_see(rep, "photo")
    ):
        raise NotFound()
    record = db.session.get(StoredFile, (township.id, rep.photo_file_id))
    if (
        record is None
        or not record.storage_key.startswith(f"t/{township.id}/")
        or not record.content_type.startswith("image/")
    ):
        raise NotFound()
    try:
        return Download(record, storage().open(record.storage_key))
    except StorageError as exc:
        raise StorageUnavailable(_("文件存储暂时不可用，请稍后重试。")) from exc
