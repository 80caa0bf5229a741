"""Typed inputs of the annual-session use cases: one schema per write, loaded by the API (JSON)
and by the pages (`request.form`) alike, into the frozen dataclass the service takes.

The schemas keep the names the API document has always given them (`SessionCreateSchema` …);
rules that need the database, the clock or the item (a duplicate title, a passed item, a leave's
first day, an election's seats and candidates) stay in the service, under the same field names.
A use case whose input is one or two values takes them as plain arguments: its schema here
(`SessionLeaveSchema`, `AgendaJoinGroupSchema`, `SessionImplementationSchema`) only loads them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, pre_load, validate, validates_schema

from lianxin.modules.annual_sessions.models import (
    BallotChannel,
    ItemKind,
    ObserverKind,
    Proposer,
    VoteMethod,
)
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import TOO_LONG, Blank, OptionalDate, OptionalId, Text
from lianxin.usecases.fields import text as required_text

BAD_DATE = _l("日期格式不正确")
CHOICES = ("yes", "no", "abstain")


class OptionalText(Blank, Text):
    """A text a form may leave empty (None, and its choices are not checked)."""


class OptionalCount(Blank, fields.Integer):
    """A number a form may leave empty (None); give it `allow_none=True, load_default=None`."""


def _all(message: Any) -> dict[str, Any]:
    """Every way of missing or mistyping a field says `message`."""
    return {"required": message, "null": message, "invalid": message}


# --- sessions ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInput:
    title: str
    held_on: date
    place: str
    ends_on: date | None = None  # None: a one-day session
    open_proposal_window: bool = False


class SessionCreateSchema(InputSchema[SessionInput]):
    input_type = SessionInput

    title = required_text(100, _l("请填写会议名称（不超过100字）"))
    held_on = fields.Date(
        required=True, error_messages=_all(BAD_DATE), metadata={"description": "开始日期"}
    )
    ends_on = OptionalDate(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": BAD_DATE},
        metadata={"description": "结束日期（不早于开始日期；不填即一天的会议）"},
    )
    place = required_text(200, _l("请填写会议地点"))
    open_proposal_window = fields.Boolean(
        load_default=False,
        metadata={"description": "同时开启提案征集：会前一个月至会前一天（提案模块按征集期时）"},
    )

    @validates_schema(skip_on_field_errors=False)
    def _days(self, data: dict[str, Any], **_kwargs: Any) -> None:
        held_on, ends_on = data.get("held_on"), data.get("ends_on")
        if held_on is not None and ends_on is not None and ends_on < held_on:
            raise ValidationError(str(_l("结束日期不能早于开始日期")), "ends_on")


# --- agenda --------------------------------------------------------------------------------------

GROUP = _l("请选择以哪个代表小组名义提出")


@dataclass(frozen=True)
class ItemInput:
    title: str
    proposer: str
    description: str = ""
    kind: str = ItemKind.MOTION.value
    group_id: int | None = None  # in a group's name: which group (its leader or deputy)


class AgendaItemCreateSchema(InputSchema[ItemInput]):
    input_type = ItemInput

    title = required_text(200, _l("请填写议题（不超过200字）"))
    description = Text(load_default="", validate=validate.Length(max=20000))
    kind = Text(
        load_default=ItemKind.MOTION.value,
        validate=validate.OneOf([k.value for k in ItemKind], error=_l("请选择议题类型")),
    )
    proposer = Text(
        required=True,
        validate=validate.OneOf(
            [p.value for p in Proposer], error=_l("请选择提出方式：党委、代表小组或代表联名")
        ),
        error_messages={"required": _l("请选择提出方式：党委、代表小组或代表联名")},
    )
    group_id = OptionalId(
        load_default=None, allow_none=True, metadata={"description": "以小组名义提出时必填"}
    )

    @pre_load
    def _no_kind_is_a_motion(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("kind") in ("", None):
            data = {k: v for k, v in data.items() if k != "kind"}
        return data


@dataclass(frozen=True)
class JoinGroupInput:
    group_id: int


class AgendaJoinGroupSchema(InputSchema[JoinGroupInput]):
    """Another group joins a group's item: which group (its leader or deputy acts)."""

    input_type = JoinGroupInput

    group_id = fields.Integer(required=True, error_messages=_all(GROUP))


# --- attendance ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeaveInput:
    reason: str
    leave_from: date | None = None  # None: the first day not yet past


class SessionLeaveSchema(InputSchema[LeaveInput]):
    input_type = LeaveInput

    reason = required_text(500, _l("请说明请假原因"))
    leave_from = OptionalDate(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": BAD_DATE},
        metadata={
            "description": "从哪天起请假至会期结束：开会前默认开始日期，开会后默认今天；"
            "不能早于今天"
        },
    )


# --- observers (列席人员) -------------------------------------------------------------------------

OBSERVER_KIND = _l("请选择列席人员类别")


@dataclass(frozen=True)
class ObserverInput:
    name: str
    kind: str = ObserverKind.OTHER.value
    unit: str = ""  # unit or standing: 某村流动党员, 县人大代表 …


class SessionObserverCreateSchema(InputSchema[ObserverInput]):
    """One who sits in on the session and is not a representative."""

    input_type = ObserverInput

    name = required_text(50, _l("请填写列席人员姓名（不超过50字）"))
    kind = Text(
        load_default=ObserverKind.OTHER.value,
        validate=validate.OneOf([k.value for k in ObserverKind], error=OBSERVER_KIND),
        error_messages=_all(OBSERVER_KIND),
        metadata={
            "description": "migrant_member 流动党员 / congress_deputy 人大代表 / "
            "cppcc_member 政协委员 / other 其他"
        },
    )
    unit = Text(
        load_default="",
        validate=validate.Length(max=100, error=TOO_LONG),
        metadata={"description": "单位或身份"},
    )


# --- resolutions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolutionInput:
    title: str
    text: str
    item_id: int | None = None  # the item the session passed


class SessionResolutionCreateSchema(InputSchema[ResolutionInput]):
    input_type = ResolutionInput

    title = required_text(200, _l("请填写决议标题"))
    text = required_text(20000, _l("请填写决议内容"))
    item_id = OptionalId(
        load_default=None,
        allow_none=True,
        error_messages={"invalid": _l("只能根据本次会议表决通过的议题形成决议")},
        metadata={"description": "表决通过的议题"},
    )


@dataclass(frozen=True)
class ImplementationInput:
    text: str


class SessionImplementationSchema(InputSchema[ImplementationInput]):
    """How a resolution was carried out."""

    input_type = ImplementationInput

    text = required_text(20000, _l("请填写落实情况"))


# --- votes ---------------------------------------------------------------------------------------

COUNT = _l("请填写 0 或正整数")
METHOD = _l("请选择表决方式")
CHANNEL = _l("请选择网上投票或纸质投票")
SEATS = _l("请填写应选名额")
CANDIDATES = _l("请填写候选人（不能重复）")
PERSON = _l("请选择人员")
TELLERS = _l("纸质投票须指定两名计票人和一名监票人")
DISTINCT = _l("计票人和监票人须是三个不同的人")
CHOICE = _l("请选择赞成、反对或弃权")
CANDIDATE = _l("请从候选人中选择")
TELLER_FIELDS = ("teller1_id", "teller2_id", "scrutineer_id")


def _count(**kwargs: Any) -> fields.Integer:
    return fields.Integer(
        strict=False,
        validate=validate.Range(min=0, error=COUNT),
        error_messages=_all(COUNT),
        **kwargs,
    )


def _person() -> OptionalId:
    return OptionalId(load_default=None, allow_none=True, error_messages={"invalid": PERSON})


@dataclass(frozen=True)
class VoteInput:
    method: str  # hands, named or secret
    channel: str | None = None  # a secret vote's: online (None) or paper
    seats: int | None = None  # an election's
    candidates: list[str] = field(default_factory=list)  # an election's
    teller1_id: int | None = None  # a paper ballot's two tellers and its scrutineer
    teller2_id: int | None = None
    scrutineer_id: int | None = None


class BallotVoteCreateSchema(InputSchema[VoteInput]):
    """A vote on an item; whether the item allows the method, and an election's seats and
    candidates, the service checks (it knows the item)."""

    input_type = VoteInput

    method = Text(
        required=True,
        validate=validate.OneOf([m.value for m in VoteMethod], error=METHOD),
        error_messages=_all(METHOD),
    )
    channel = OptionalText(
        load_default=None,
        allow_none=True,
        validate=validate.OneOf([c.value for c in BallotChannel], error=CHANNEL),
    )
    seats = OptionalCount(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=1, error=SEATS),
        error_messages={"invalid": SEATS},
    )
    candidates = fields.List(
        Text(
            validate=[
                validate.Length(min=1, error=CANDIDATES),
                validate.Length(max=50, error=TOO_LONG),
            ]
        ),
        load_default=list,
    )
    teller1_id = _person()
    teller2_id = _person()
    scrutineer_id = _person()

    @validates_schema
    def _paper(self, data: dict[str, Any], **_kwargs: Any) -> None:
        """A paper ballot names two tellers and a scrutineer, three different people."""
        if data.get("method") != VoteMethod.SECRET or data.get("channel") != BallotChannel.PAPER:
            return
        missing = {n: [str(TELLERS)] for n in TELLER_FIELDS if data.get(n) is None}
        if missing:
            raise ValidationError(missing)
        if len({data[n] for n in TELLER_FIELDS}) != len(TELLER_FIELDS):
            raise ValidationError(str(DISTINCT), "scrutineer_id")


@dataclass(frozen=True)
class HandsInput:
    yes: int
    no: int
    abstain: int


class BallotHandsSchema(InputSchema[HandsInput]):
    """A show of hands, as counts (their sum at most those present: the service checks)."""

    input_type = HandsInput

    yes = _count(required=True)
    no = _count(required=True)
    abstain = _count(required=True)


@dataclass(frozen=True)
class BallotInput:
    choice: str | None = None  # yes, no or abstain
    candidate_ids: list[int] | None = None  # an election's: at most its seats


class BallotChoiceSchema(InputSchema[BallotInput]):
    """A named vote: the choice."""

    input_type = BallotInput

    choice = Text(
        required=True, validate=validate.OneOf(CHOICES, error=CHOICE), error_messages=_all(CHOICE)
    )


class BallotCastSchema(InputSchema[BallotInput]):
    """A ballot: a choice, or for an election the chosen candidates (whether they are the vote's
    candidates and no more than its seats, the service checks)."""

    input_type = BallotInput

    choice = OptionalText(
        load_default=None, allow_none=True, validate=validate.OneOf(CHOICES, error=CHOICE)
    )
    candidate_ids = fields.List(
        fields.Integer(error_messages=_all(CANDIDATE)),
        load_default=None,
        allow_none=True,
        metadata={"description": "选举"},
    )


@dataclass(frozen=True)
class TallyInput:
    yes: int = 0
    no: int = 0
    abstain: int = 0
    ballots: int = 0  # an election's ballots
    candidates: dict[str, int] = field(default_factory=dict)  # an election's: candidate id → votes


class BallotPaperTallySchema(InputSchema[TallyInput]):
    """One teller's count of the paper ballots."""

    input_type = TallyInput

    yes = _count(load_default=0)
    no = _count(load_default=0)
    abstain = _count(load_default=0)
    ballots = _count(load_default=0)
    candidates = fields.Dict(
        keys=fields.String(),
        values=_count(),
        load_default=dict,
        metadata={"description": "选举：候选人 id → 得票"},
    )
