"""Password and token hashing: Argon2id (memory-hard) for passwords, SHA-256 for random tokens."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
# (hasher, a hash of a random password made by it): verifying against it when there is no user
# (or no password yet) costs what a real verification costs, so time tells nothing.
_dummy: tuple[PasswordHasher, str] | None = None


def _dummy_hash() -> str:
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:  # made lazily, with the hasher in use
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Always exactly one Argon2 verification, whether or not there is a hash to check."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token(prefix: str) -> str:
    """A random token; its first characters are kept in clear to tell tokens apart."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough; no salt is needed to resist guessing.
    return hashlib.sha256(token.encode()).hexdigest()
