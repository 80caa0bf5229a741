"""Domain errors of the liaison-chain module; `api.py` and `views.py` turn them into 409 and a
flashed Chinese message."""

from __future__ import annotations

from lianxin.errors import Conflict


class AlreadyLinked(Conflict):
    """The lower end is already kept in touch with at this level this year."""

    code = "already_linked"


class NothingToConfirm(Conflict):
    """A branch confirms a part of the chain that has no pairs yet."""

    code = "nothing_to_confirm"


class DuplicateKey(Conflict):
    """A client key another user already stored a record under."""

    code = "duplicate_key"
