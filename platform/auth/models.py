"""Users, their memberships (role + scope), personal API tokens and one-time set-up links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, ForeignKeyConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lianxin.auth.roles import Role
from lianxin.db.base import Base, BigId, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    # None until the person sets a password through their one-time set-up link.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    large_text: Mapped[bool] = mapped_column(Boolean, default=False)
    # Failed logins in a row; from LOGIN_MAX_FAILURES on, each one makes the next attempt wait
    # (twice as long each time) until `locked_until` — the name is older than the back-off.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    # Raised whenever the password is set or changed, or the account is switched off: a session
    # remembers the value it signed in with and ends when it no longer matches.
    credentials_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user")

    # flask-login's user protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class Membership(Base):
    """Binds a user to a scope with a role: the platform, a county, a township or a branch in it.

    Not tenant-owned: a person's memberships across townships are read together (to switch
    township), and every check of them happens in services against the township in the URL.
    """

    __tablename__ = "memberships"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id", "branch_id"], ["branches.tenant_id", "branches.id"]),
        ForeignKeyConstraint(
            ["tenant_id", "unit_id"], ["handling_units.tenant_id", "handling_units.id"]
        ),
        Index("ix_memberships_tenant_role", "tenant_id", "role"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"), index=True)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("townships.id"))
    branch_id: Mapped[int | None] = mapped_column(BigId)
    # The handling unit (承办单位) a `handling_unit` member answers for; units arrive with people.
    unit_id: Mapped[int | None] = mapped_column(BigId)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)


class ApiToken(Base):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    # Set at creation (API_TOKEN_DAYS); an expired token authenticates nobody.
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class SetupLink(Base):
    """A one-time link with which a user sets their password. Only a user's newest link works:
    issuing one deletes the older unused ones."""

    __tablename__ = "setup_links"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()
