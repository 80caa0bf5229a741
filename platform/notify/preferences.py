"""Each person's channels: the inbox always; SMS, email and WeCom (企业微信) on or off; their
WeCom userid. No row means every channel on and no WeCom id.

The use case that changes them is the account's (`lianxin.auth.service.set_channel_preferences`,
audited); this module only reads and writes the row, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate
from sqlalchemy import select

from lianxin.api.base import BaseSchema
from lianxin.db import db, utcnow
from lianxin.notify.models import ChannelPreference
from lianxin.usecases import InputSchema
from lianxin.usecases.fields import Text

WECOM_USERID = r"^[A-Za-z0-9_.@-]{1,64}$"


@dataclass(frozen=True)
class Preferences:
    sms: bool = True
    email: bool = True
    wecom: bool = True
    wecom_userid: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT = Preferences()


class PreferencesInputSchema(InputSchema[Preferences]):
    input_type = Preferences
    sms = fields.Boolean(load_default=True, metadata={"description": "短信"})
    email = fields.Boolean(load_default=True, metadata={"description": "电子邮件"})
    wecom = fields.Boolean(load_default=True, metadata={"description": "企业微信"})
    wecom_userid = Text(
        load_default=None,
        allow_none=True,
        blank_is_none=True,
        validate=validate.Regexp(
            WECOM_USERID, error=_l("企业微信账号只能包含字母、数字和 _ . @ -，最长64位")
        ),
        metadata={"description": "企业微信成员账号（userid）"},
    )


class PreferencesSchema(BaseSchema):
    """My channels, and where each would reach me (the phone masked)."""

    inbox = fields.Boolean(metadata={"description": "站内消息：始终接收"})
    sms = fields.Boolean()
    email = fields.Boolean()
    wecom = fields.Boolean()
    wecom_userid = fields.String(allow_none=True)
    phone_masked = fields.String(allow_none=True)
    email_address = fields.String(allow_none=True)


def _of(row: ChannelPreference | None) -> Preferences:
    if row is None:
        return DEFAULT
    return Preferences(row.sms, row.email, row.wecom, row.wecom_userid)


def preferences(user_id: int) -> Preferences:
    return _of(db.session.get(ChannelPreference, user_id))


def preferences_of(user_ids: Iterable[int]) -> dict[int, Preferences]:
    """Every given user's channels (the default for those without a row), in one query."""
    ids = sorted(set(user_ids))
    found = {
        row.user_id: _of(row)
        for row in db.session.scalars(
            select(ChannelPreference).where(ChannelPreference.user_id.in_(ids))
        )
    }
    return {user_id: found.get(user_id, DEFAULT) for user_id in ids}


def save_preferences(user_id: int, data: Preferences | Mapping[str, Any]) -> Preferences:
    """Write a person's channels (all of them, or the keys a partial change names)."""
    current = preferences(user_id)
    wanted = data if isinstance(data, Preferences) else replace(current, **dict(data))
    row = db.session.get(ChannelPreference, user_id)
    if row is None:
        row = ChannelPreference(user_id=user_id)
        db.session.add(row)
    row.sms, row.email, row.wecom = wanted.sms, wanted.email, wanted.wecom
    row.wecom_userid = wanted.wecom_userid
    row.updated_at = utcnow()
    db.session.flush()
    return wanted
