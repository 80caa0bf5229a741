"""Imports every model so that the metadata is complete (Alembic, the metadata tests)."""

from lianxin.audit.models import AuditChainHead, AuditEntry
from lianxin.auth.models import ApiToken, Membership, SetupLink, User
from lianxin.awards.models import Adoption, Candidate, Selection
from lianxin.casework.models import (
    Case,
    CaseAssignment,
    CaseAttachment,
    CaseEvent,
    CaseReply,
    CountyEscalation,
    DeadlineExtension,
)
from lianxin.county.models import CountyEntityRollup, CountyJob, CountyRollup, CountySettings
from lianxin.duty_records.models import DutyFormula, DutyStep
from lianxin.notify.models import (
    ChannelPreference,
    DeadLetter,
    Delivery,
    Notification,
    OutboxMessage,
)
from lianxin.people.models import (
    GroupMembership,
    HandlingUnit,
    Household,
    ImportJob,
    PartyMember,
    Representative,
    RepresentativeGroup,
)
from lianxin.storage.models import StoredFile
from lianxin.tenants.models import Branch, County, Township, TownshipModule
from lianxin.work_calendar.models import WorkCalendarDay, WorkCalendarRevision, WorkCalendarYear

__all__ = [
    "Adoption",
    "ApiToken",
    "AuditChainHead",
    "AuditEntry",
    "Branch",
    "Candidate",
    "Case",
    "CaseAssignment",
    "CaseAttachment",
    "CaseEvent",
    "CaseReply",
    "ChannelPreference",
    "County",
    "CountyEntityRollup",
    "CountyEscalation",
    "CountyJob",
    "CountyRollup",
    "CountySettings",
    "DeadLetter",
    "DeadlineExtension",
    "Delivery",
    "DutyFormula",
    "DutyStep",
    "GroupMembership",
    "HandlingUnit",
    "Household",
    "ImportJob",
    "Membership",
    "Notification",
    "OutboxMessage",
    "PartyMember",
    "Representative",
    "RepresentativeGroup",
    "Selection",
    "SetupLink",
    "StoredFile",
    "Township",
    "TownshipModule",
    "User",
    "WorkCalendarDay",
    "WorkCalendarRevision",
    "WorkCalendarYear",
]


def load_module_models() -> None:
    """Import the models of every registered module (their tables join the metadata)."""
    from lianxin.modules.registry import import_module_models

    import_module_models()
