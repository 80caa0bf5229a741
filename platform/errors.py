"""Domain errors raised by services; the API turns them into JSON, pages into Chinese messages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    status = 422
    code = "domain_error"
    default_message: Any = _l("操作无法完成。")

    def __init__(
        self,
        message: Any = None,
        *,
        errors: dict[str, list[str]] | None = None,
        code: str | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        self.errors = errors or {}
        if code:
            self.code = code
        super().__init__(self.message)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    default_message = _l("未找到该页面或记录。")


class ModuleDisabled(NotFound):
    code = "module_disabled"


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = _l("请先登录。")


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _l("您没有执行此操作的权限。")


class TownshipSuspended(DomainError):
    status = 403
    code = "township_suspended"
    default_message = _l("该乡镇已暂停使用。")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _l("与现有数据冲突。")


class ValidationFailed(DomainError):
    status = 422
    code = "validation_error"
    default_message = _l("提交的数据有误，请检查标出的字段。")


class InvalidCredentials(DomainError):
    status = 401
    code = "invalid_credentials"
    default_message = _l("用户名或密码不正确。")
