"""Who may read a stored file: the owner of the object it belongs to decides (see README.md).

Each part that stores files (casework, proposals, the roster import, …) registers one reader
per `StoredFile.purpose` it writes, next to its own rules:

    @storage_owners.reader("case")
    def _case_file(actor: Actor, township: Township, file_id: int) -> bool:
        case_id = db.session.scalar(select(CaseAttachment.case_id).where(...))
        if case_id is None:
            return False  # no case holds this file: storage leaves it to the office
        get_case(actor, township, case_id)  # raises NotFound / PermissionDenied
        return True

Storage imports none of its owners: they import this module when they are imported, so
infrastructure never depends on a domain package.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lianxin.auth.actor import Actor
    from lianxin.tenants.models import Township

# (actor, township, file id) → True: the file's owner lets the actor read it; False: no object
# of this owner holds the file. A refusal is raised by the owner's service (NotFound,
# PermissionDenied) and answered 404 by storage.
Reader = Callable[["Actor", "Township", int], bool]

_readers: dict[str, Reader] = {}


def reader(purpose: str) -> Callable[[Reader], Reader]:
    """Register the reader of the files stored with `purpose`; a purpose has one owner."""

    def register(fn: Reader) -> Reader:
        known = _readers.get(purpose)
        # The same function registered again (its module reloaded) is not a second owner.
        if known is not None and known is not fn and _name(known) != _name(fn):
            raise ValueError(
                f"files of purpose {purpose!r} are already read by {_name(known)}, not {_name(fn)}"
            )
        _readers[purpose] = fn
        return fn

    return register


def reader_for(purpose: str) -> Reader | None:
    return _readers.get(purpose)


def purposes() -> list[str]:
    return sorted(_readers)


def _name(fn: Reader) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"
