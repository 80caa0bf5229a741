"""Use cases of a person's rights and of retention; one file per part (export, erasure,
retention), callers keep `service.export_representative(...)`."""

from lianxin.privacy.common import can_manage_personal_data, require_admin
from lianxin.privacy.erasure import Erased, anonymise_representative, erase_submitter, is_anonymised
from lianxin.privacy.export import (
    FORMAT,
    SEALED_NOTE,
    column_label,
    export_representative,
    export_submitter,
    table_label,
    value_label,
)
from lianxin.privacy.retention import (
    Purged,
    add_months,
    archived_before,
    months_kept,
    purge_expired_contacts,
)

__all__ = [
    "FORMAT",
    "SEALED_NOTE",
    "Erased",
    "Purged",
    "add_months",
    "anonymise_representative",
    "archived_before",
    "can_manage_personal_data",
    "column_label",
    "erase_submitter",
    "export_representative",
    "export_submitter",
    "is_anonymised",
    "months_kept",
    "purge_expired_contacts",
    "require_admin",
    "table_label",
    "value_label",
]
