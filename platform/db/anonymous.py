"""Anonymous answers (ARCHITECTURE.md §6; the threat model is in this package's README).

An answer (an evaluation form's answer about one subject, a secret ballot) is written twice:

1. **Sealed, with its receipt.** In the voter's own transaction, next to the receipt that says
   *that* they answered, the answer is written to a pool table only as `seal(...)`: AES-256-GCM
   under a key derived from a master key the database never holds (`ANONYMITY_KEY_FILE`, or
   derived from `SECRET_KEY`) and a random salt per campaign or vote (a key of its own for
   each), padded to one fixed size per campaign, so that neither the row, the WAL record, the
   statement log nor the length says anything. Receipt and sealed answer commit together: a
   crash loses neither, and a second answer is refused by the receipt's unique key.
2. **Released, in batches of at least K, by the worker.** `release` (called from a beat sweep
   and from the close step, never from a voter's request) opens pending answers and writes them
   to the final table with fresh random keys in shuffled order, and deletes their pool rows, in
   one transaction. While a campaign runs it waits until 2K answers of a group are pending and
   then releases all but K, so that the release at the close has at least K left; at the close
   it releases what remains. A group that got fewer than K answers in all is never opened: its
   sealed rows are deleted as they are.

What a database administrator then sees: receipt N and sealed row N share a transaction id, and
sealed row N was deleted by release transaction R, which wrote at least K final rows in random
order with random keys. So each final answer is one of at least K receipts' — never one of fewer.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, select

from lianxin.db.core import db

NONCE = 12
TAG = 16
LENGTH = 4  # the plaintext's length, before the padding
VERSION = b"lianxin-anonymous-v1"


class SealBroken(Exception):
    """A sealed answer could not be opened: another key, or bytes changed in the database."""


def new_salt() -> bytes:
    """A campaign's or vote's own salt: its key differs from every other one's."""
    return os.urandom(16)


def master_key(config: Mapping[str, Any] | None = None) -> bytes:
    """The key the database never holds: a key file (32+ random bytes) or the app's secret."""
    config = current_app.config if config is None else config
    path = config.get("ANONYMITY_KEY_FILE")
    if path:
        with open(path, "rb") as handle:
            material = handle.read().strip()
        if len(material) < 32:
            raise RuntimeError(f"{path}: an anonymity key file needs at least 32 bytes")
    else:
        material = str(config["SECRET_KEY"]).encode()
    return hashlib.sha256(VERSION + b"|master|" + material).digest()


@dataclass(frozen=True)
class Box:
    """Where one campaign's (or vote's) sealed answers belong: the key's inputs, the AAD."""

    kind: str  # "evaluation" or "ballot"
    tenant_id: int
    parent_id: int  # the campaign or the vote
    salt: bytes
    size: int  # every sealed answer of this box pads to this many bytes

    def key(self) -> bytes:
        info = f"{self.kind}/{self.tenant_id}/{self.parent_id}".encode()
        return HKDF(
            algorithm=hashes.SHA256(), length=32, salt=self.salt, info=VERSION + b"|" + info
        ).derive(master_key())

    def _aad(self, group: Any) -> bytes:
        # The sealed bytes belong to this box and this group (subject): moved elsewhere in the
        # database, they no longer open.
        return f"{self.kind}/{self.tenant_id}/{self.parent_id}/{group}".encode()

    def seal(self, content: Mapping[str, Any], group: Any = "") -> bytes:
        raw = json.dumps(content, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        data = raw.encode()
        if len(data) + LENGTH > self.size:
            raise ValueError(f"answer of {len(data)} bytes exceeds the box's {self.size}")
        padded = len(data).to_bytes(LENGTH, "big") + data + bytes(self.size - LENGTH - len(data))
        nonce = os.urandom(NONCE)
        return nonce + AESGCM(self.key()).encrypt(nonce, padded, self._aad(group))

    def open(self, sealed: bytes, group: Any = "") -> dict[str, Any]:
        try:
            padded = AESGCM(self.key()).decrypt(
                bytes(sealed[:NONCE]), bytes(sealed[NONCE:]), self._aad(group)
            )
        except InvalidTag as exc:
            where = f"{self.kind} {self.parent_id}"
            raise SealBroken(f"{where}: a sealed answer does not open") from exc
        length = int.from_bytes(padded[:LENGTH], "big")
        content: dict[str, Any] = json.loads(padded[LENGTH : LENGTH + length])
        return content

    @property
    def sealed_size(self) -> int:
        return NONCE + self.size + TAG


@dataclass
class Released:
    released: int = 0
    withheld: int = 0  # in a group with fewer than K answers in all: deleted unopened


def release(
    pool: Any,
    groups: Iterable[tuple[Any, Any]],
    *,
    minimum: int,
    batch: int | None = None,
    closing: bool,
    open_row: Callable[[Any], dict[str, Any]],
    final_row: Callable[[Any, dict[str, Any]], Any],
) -> Released:
    """Move pending sealed rows of each `(group, where)` into the final table; no commit.

    While open, a group is released once `minimum + batch` rows wait (batch defaults to, and is
    never below, the minimum), all but `minimum` of them. The caller holds the lock of the
    campaign or vote (so two releases of it run one after the other) and commits.
    `final_row(pool_row, content)` makes the final row with a fresh random key; the rows of
    all groups are added in one shuffled order.
    """
    hold_until = minimum + max(batch or minimum, minimum)
    chooser = random.SystemRandom()
    outcome = Released()
    taken: list[Any] = []
    dropped: list[Any] = []
    for _group, where in groups:
        rows = list(db.session.scalars(select(pool).where(where).order_by(pool.id)))
        if closing:
            if len(rows) >= minimum:
                taken.extend(rows)
            else:
                dropped.extend(rows)  # fewer than K in all (the hold-back leaves K otherwise)
        elif len(rows) >= hold_until:
            taken.extend(chooser.sample(rows, len(rows) - minimum))
    finals = [final_row(row, open_row(row)) for row in taken]
    chooser.shuffle(finals)
    db.session.add_all(finals)
    db.session.flush()
    gone = [row.id for row in (*taken, *dropped)]
    for start in range(0, len(gone), 500):
        db.session.execute(
            delete(pool).where(pool.id.in_(gone[start : start + 500])),
            execution_options={"synchronize_session": False},
        )
    for row in (*taken, *dropped):
        db.session.expunge(row)
    outcome.released, outcome.withheld = len(taken), len(dropped)
    return outcome
