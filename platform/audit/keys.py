"""The audit key: the database never holds it, so nobody who holds only the database can sign.

Read from `AUDIT_KEY_FILE` (32+ random bytes, kept on the app and worker hosts, never on the
database server or in its backups), else derived from `SECRET_KEY` under a label of its own, so
that it differs from every other key derived from the secret. Entries carry an HMAC of their
hash under it; checkpoints in the file store are signed with it. Each use has its own label, so
a MAC of one kind is never valid as another.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from flask import current_app

VERSION = b"lianxin-audit-v1"
ENTRY = b"entry"
CHECKPOINT = b"checkpoint"
LEGACY = b"legacy"
_CACHE = "lianxin.audit_key"


def derive(config: Mapping[str, Any]) -> bytes:
    path = config.get("AUDIT_KEY_FILE")
    if path:
        with open(path, "rb") as handle:
            material = handle.read().strip()
        if len(material) < 32:
            raise RuntimeError(f"{path}: an audit key file needs at least 32 bytes")
    else:
        material = str(config["SECRET_KEY"]).encode()
    return hashlib.sha256(VERSION + b"|" + material).digest()


def audit_key() -> bytes:
    """The current app's audit key (read once per app)."""
    key: bytes | None = current_app.extensions.get(_CACHE)
    if key is None:
        key = derive(current_app.config)
        current_app.extensions[_CACHE] = key
    return key


def mac(label: bytes, message: bytes, key: bytes | None = None) -> str:
    return hmac.new(
        audit_key() if key is None else key, VERSION + b"|" + label + b"|" + message, "sha256"
    ).hexdigest()


def entry_mac(entry_hash: str, key: bytes | None = None) -> str:
    """The MAC an entry carries: over its hash, which covers its content, chain, seq and link."""
    return mac(ENTRY, entry_hash.encode("ascii"), key)


def matches(expected: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(expected, given)
