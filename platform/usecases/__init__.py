"""The small kit every use case is written with (issue 20; `platform/modules/README.md`).

- `@use_case` owns the transaction: the outermost call commits, a call made from inside another
  use case only flushes (its caller commits both together or neither), and an exception rolls
  back the outermost call's work. Services call no `db.session.commit()` of their own.
- `commit_on_its_own(reason)` is the one loudly named exception, for the few places that must
  commit in the middle (the anonymous release, commit-then-queue): it says why.
- `InputSchema` loads a request (JSON body or `request.form`) into a frozen dataclass, the typed
  input a service takes; its field errors are Chinese and raise `ValidationFailed`.
- `module_settings(township_id, key)` and `today()`: the helpers each service had a copy of.
"""

from lianxin.usecases.inputs import InputSchema, load_input
from lianxin.usecases.transaction import commit_on_its_own, in_use_case, use_case

__all__ = [
    "InputSchema",
    "commit_on_its_own",
    "in_use_case",
    "load_input",
    "module_settings",
    "today",
    "use_case",
]


def module_settings(township_id: int, key: str) -> dict:
    """A module's effective settings in a township (module → county → township layers)."""
    from lianxin.tenants import service as tenants

    return tenants.effective_settings(township_id, key)


def today(given=None):
    """The Asia/Shanghai date (or `given`, for tests and replays)."""
    from lianxin.casework import deadlines

    return given or deadlines.shanghai_today()
