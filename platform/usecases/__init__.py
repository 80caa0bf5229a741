"""The small kit every use case is written with (issue 20; `platform/modules/README.md`).

- `@use_case` owns the transaction: the outermost call commits, a call made from inside another
  use case only flushes (its caller commits both together or neither), and an exception rolls
  back the outermost call's work. Services call no `db.session.commit()` of their own.
- `commit_on_its_own(reason)` is the one loudly named exception, for the few places that must
  commit in the middle (the anonymous release, commit-then-queue): it says why.
- `InputSchema` loads a request (JSON body or `request.form`) into a frozen dataclass, the typed
  input a service takes; its field errors are Chinese and raise `ValidationFailed`. A partial
  update loads into `Changes[T]`, the fields given.
- `outermost()`: what a task runs in (its own session, so its use cases commit).

A module's settings and today's Shanghai date are in `lianxin.modules.kit` (they read the
tenants' settings and the calendar, which this kit, used by infrastructure too, must not).
"""

from lianxin.usecases.inputs import AlwaysPartial, Changes, InputSchema, load_input
from lianxin.usecases.transaction import commit_on_its_own, in_use_case, outermost, use_case

__all__ = [
    "AlwaysPartial",
    "Changes",
    "InputSchema",
    "commit_on_its_own",
    "in_use_case",
    "load_input",
    "outermost",
    "use_case",
]
