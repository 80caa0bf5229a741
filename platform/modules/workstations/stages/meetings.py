"""What happens at a station: meetings with the public (约见) and the cases they feed, the public's
own appointment requests, and the representatives' public commitments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict

from flask_babel import gettext as _
from sqlalchemy import and_, select

from lianxin.audit import service as audit
from lianxin.auth.actor import Actor
from lianxin.casework import service as casework
from lianxin.casework.models import Channel
from lianxin.db import db
from lianxin.db.paging import paged
from lianxin.errors import NotFound, ValidationFailed
from lianxin.modules.workstations.inputs import (
    AppointmentInput,
    CommitmentInput,
    MeetingCaseInput,
    MeetingInput,
)
from lianxin.modules.workstations.models import (
    Commitment,
    Meeting,
    MeetingKind,
    MeetingRepresentative,
    Station,
)
from lianxin.modules.workstations.stages.stations import (
    SOURCE_TYPE,
    _read,
    _write,
    find_representative,
    find_station,
    get_station,
    station_representatives,
)
from lianxin.people.models import Representative
from lianxin.tenants.models import Township
from lianxin.usecases import Changes, use_case

MEETING_LABELS = {
    MeetingKind.REGULAR: "常规约见",
    MeetingKind.THEMED: "主题约见",
    MeetingKind.CONCENTRATED: "集中约见",
    MeetingKind.APPOINTED: "指定约见",
}
CHANNEL_OF = {
    MeetingKind.REGULAR: Channel.REGULAR_VISIT,
    MeetingKind.THEMED: Channel.THEMED_VISIT,
    MeetingKind.CONCENTRATED: Channel.CONCENTRATED_VISIT,
    MeetingKind.APPOINTED: Channel.APPOINTED_VISIT,
}

# --- meetings and the cases they feed ------------------------------------------------------------


def list_meetings(actor: Actor, township: Township, station_id: int) -> list[Meeting]:
    station = get_station(actor, township, station_id)
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.station_id == station.id)
            .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        )
    )


def meeting_representatives(meeting: Meeting) -> list[Representative]:
    return list(
        db.session.scalars(
            select(Representative)
            .join(
                MeetingRepresentative,
                and_(
                    MeetingRepresentative.representative_id == Representative.id,
                    MeetingRepresentative.tenant_id == Representative.tenant_id,
                ),
            )
            .where(MeetingRepresentative.meeting_id == meeting.id)
            .order_by(Representative.name_pinyin)
        )
    )


@use_case
def create_meeting(
    actor: Actor, township: Township, station_id: int, data: MeetingInput
) -> Meeting:
    """A meeting at the station (its kind's needs are checked by inputs.MeetingInputSchema);
    its representatives must be of this township (404) and in office."""
    station = get_station(actor, township, station_id)
    _write(actor, township)
    reps = [find_representative(township, i) for i in data.representative_ids]
    ended = [r.name for r in reps if not r.in_office]
    if ended:
        raise ValidationFailed(
            errors={"representative_ids": [_("代表资格已终止：%(n)s", n="、".join(ended))]}
        )
    kind, held_on = data.kind, data.held_on
    meeting = Meeting(station_id=station.id, kind=kind, held_on=held_on, topic=data.topic)
    db.session.add(meeting)
    db.session.flush()
    for rep in {r.id: r for r in reps}.values():
        db.session.add(MeetingRepresentative(meeting_id=meeting.id, representative_id=rep.id))
    audit.record(
        "workstation.meeting_create",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_meeting",
        target_id=meeting.id,
        after={"kind": kind, "held_on": held_on.isoformat()},
    )
    return meeting


def get_meeting(actor: Actor, township: Township, meeting_id: int) -> Meeting:
    _read(actor, township)
    meeting = db.session.get(Meeting, (township.id, meeting_id))
    if meeting is None:
        raise NotFound(_("未找到该约见活动"))
    return meeting


@use_case
def record_case(
    actor: Actor, township: Township, meeting_id: int, data: MeetingCaseInput
) -> casework.NewCase:
    """A person's issue raised at a meeting: a case with the meeting kind's channel, sourced to
    the station. `received_by_id` must be one of the meeting's representatives when it has any."""
    meeting = get_meeting(actor, township, meeting_id)
    _write(actor, township)
    reps = {r.id for r in meeting_representatives(meeting)}
    received = data.received_by_id
    if received is not None:
        received = find_representative(township, received).id
        if reps and received not in reps:
            raise ValidationFailed(errors={"received_by_id": [_("请选择参加本次约见的代表")]})
    elif len(reps) == 1:
        received = next(iter(reps))
    case = casework.CaseInput(
        title=data.title,
        body=data.body,
        category=data.category,
        anonymous=data.anonymous,
        raiser_name=data.raiser_name,
        raiser_phone=data.raiser_phone,
        channel=CHANNEL_OF[MeetingKind(meeting.kind)],
        received_by_id=received,
        source_type=SOURCE_TYPE,
        source_id=meeting.station_id,
    )
    return casework.register(actor, township, case)


def public_station(township: Township, station_id: int) -> Station:
    station = find_station(township, station_id)
    if not station.is_active:
        raise NotFound(_("未找到该工作站"))
    return station


@use_case
def request_appointment(
    township: Township, station_id: int, data: AppointmentInput
) -> casework.NewCase:
    """指定约见 asked for on the public page, for one named representative of the station."""
    station = public_station(township, station_id)
    rep = find_representative(township, data.representative_id)
    if rep.id not in {r.id for r in station_representatives(township, station)} or not (
        rep.in_office
    ):
        raise NotFound(_("未找到该代表"))
    case = casework.CaseInput(
        title=data.title,
        body=data.body,
        category=data.category,
        raiser_name=data.raiser_name,
        raiser_phone=data.raiser_phone,
        channel=Channel.APPOINTED_VISIT,
        received_by_id=rep.id,
        source_type=SOURCE_TYPE,
        source_id=station.id,
    )
    return casework.register(None, township, case)


# --- public commitments --------------------------------------------------------------------------


def list_commitments(
    actor: Actor, township: Township, rep_ids: Iterable[int] | None = None
) -> list[Commitment]:
    _read(actor, township)
    return commitments_of(rep_ids)


def page_commitments(
    actor: Actor, township: Township, *, offset: int = 0, limit: int | None = None
) -> tuple[list[Commitment], int]:
    """(one page of the township's commitments, how many there are)."""
    _read(actor, township)
    return paged(select(Commitment), *COMMITMENT_ORDER, offset=offset, limit=limit)


COMMITMENT_ORDER = (Commitment.deadline, Commitment.id)


def commitments_of(rep_ids: Iterable[int] | None = None) -> list[Commitment]:
    query = select(Commitment)
    if rep_ids is not None:
        query = query.where(Commitment.representative_id.in_(list(rep_ids)))
    return list(db.session.scalars(query.order_by(*COMMITMENT_ORDER)))


@use_case
def add_commitment(actor: Actor, township: Township, data: CommitmentInput) -> Commitment:
    _read(actor, township)
    find_representative(township, data.representative_id)  # a foreign id: 404
    _write(actor, township)
    commitment = Commitment(**asdict(data))
    db.session.add(commitment)
    db.session.flush()
    audit.record(
        "workstation.commitment_add",
        actor=actor,
        tenant_id=township.id,
        target_type="workstation_commitment",
        target_id=commitment.id,
    )
    return commitment


@use_case
def update_commitment(
    actor: Actor, township: Township, commitment_id: int, changes: Changes[CommitmentInput]
) -> Commitment:
    """Change the named fields (loaded by CommitmentChangeSchema with `partial=True`)."""
    _read(actor, township)
    commitment = db.session.get(Commitment, (township.id, commitment_id))
    if commitment is None:
        raise NotFound(_("未找到该承诺"))
    _write(actor, township)
    for key, value in changes.items():
        setattr(commitment, key, value)
    return commitment
