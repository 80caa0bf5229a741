"""The API's shared shape: one error body, pagination, and the Bearer-token actor."""

from __future__ import annotations

from typing import Any, NoReturn

from flask import current_app, jsonify, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import RAISE, Schema, fields
from webargs.flaskparser import FlaskParser, abort
from werkzeug.exceptions import HTTPException

from lianxin.api.fastdump import FastDump
from lianxin.usecases.chinese import INVALID_JSON, INVALID_VALUE, ChineseMessages, in_chinese

HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    423: "locked",
    428: "precondition_required",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}
HTTP_MESSAGES = {
    400: _l("请求格式有误。"),
    401: _l("请先登录或提供有效的 API 令牌。"),
    403: _l("您没有执行此操作的权限。"),
    404: _l("未找到。"),
    405: _l("不支持该请求方法。"),
    409: _l("与现有数据冲突。"),
    413: _l("请求内容过大。"),
    415: _l("不支持的内容类型。"),
    422: _l("提交的数据有误，请检查标出的字段。"),
    429: _l("请求过于频繁，请稍后再试。"),
    500: _l("服务器内部错误。"),
    503: _l("服务暂时不可用。"),
}


def is_api_request() -> bool:
    return request.path.startswith("/api/")


def error_body(
    status: int, message: str | None = None, errors: Any = None, code: str | None = None
) -> dict[str, Any]:
    return {
        "code": code or HTTP_CODES.get(status, "error"),
        "message": str(message or HTTP_MESSAGES.get(status, _l("请求失败。"))),
        "errors": errors or {},
    }


def flatten_webargs_messages(messages: Any) -> dict[str, Any]:
    """webargs nests errors by location ({"json": {"name": [...]}}); the API names the field."""
    if not isinstance(messages, dict):
        return {"_": messages}
    flat: dict[str, Any] = {}
    for location, value in messages.items():
        if isinstance(value, dict):
            flat.update(value)
        else:
            flat["_" + str(location)] = value
    return flat


# app.extensions key of the function that renders a page's error (code, description).
ERROR_PAGE = "lianxin.error_page"


class ErrorSchema(Schema):
    code = fields.String(metadata={"example": "validation_error"})
    message = fields.String(metadata={"example": "提交的数据有误，请检查标出的字段。"})
    errors = fields.Dict(metadata={"example": {"name": ["此字段为必填项。"]}})


class SchemaNames:
    """Names of the OpenAPI document's schemas: the class name less "Schema", as apispec names
    them, unless another class has it already; then the module's key goes in front
    (`sittings.AnswerInputSchema` → `SittingsAnswerInput`), so that two modules may each have
    their own `MeetingSchema` without apispec renaming one `Meeting1` behind a warning."""

    def __init__(self) -> None:
        self._owners: dict[str, type] = {}

    def __call__(self, schema: Any) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        name = cls.__name__.removesuffix("Schema") or cls.__name__
        owner = self._owners.setdefault(name, cls)
        if owner is cls:
            return name
        parts = cls.__module__.split(".")
        key = parts[2] if parts[:2] == ["lianxin", "modules"] and len(parts) > 2 else parts[-2]
        prefixed = "".join(word.capitalize() for word in key.split("_")) + name
        self._owners.setdefault(prefixed, cls)
        return prefixed


class LianxinApi(Api):
    # The document's default error response is the one error body the API sends (error_body).
    ERROR_SCHEMA = ErrorSchema

    def __init__(self, app: Any = None, **kwargs: Any) -> None:
        from apispec.ext.marshmallow import MarshmallowPlugin

        spec_kwargs = kwargs.pop("spec_kwargs", None) or {}
        spec_kwargs.setdefault(
            "marshmallow_plugin", MarshmallowPlugin(schema_name_resolver=SchemaNames())
        )
        super().__init__(app, spec_kwargs=spec_kwargs, **kwargs)

    def handle_http_exception(self, error: HTTPException):  # type: ignore[override]
        """flask-smorest registers this for every HTTP error; pages keep their HTML errors."""
        if not is_api_request():
            # The pages' error page, registered by lianxin.web.errors (the API knows no pages).
            render_error_page = current_app.extensions[ERROR_PAGE]
            return render_error_page(error.code or 500, error.description)
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        errors = flatten_webargs_messages(data["messages"]) if "messages" in data else {}
        message = None
        if status == 400 and errors:
            message = str(_l("请求格式有误：")) + "; ".join(f"{k}" for k in errors)
        response = jsonify(error_body(status, message, errors))
        response.status_code = status
        for key, value in (data.get("headers") or {}).items():
            response.headers[key] = value
        return response


class ChineseParser(FlaskParser):
    """webargs' parser, answering in Chinese: every schema it parses with (flask-smorest's own
    pagination parameters too) gets Chinese messages, and a body that is not JSON says so."""

    DEFAULT_VALIDATION_MESSAGE = INVALID_VALUE

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        return in_chinese(super()._get_schema(argmap, req))

    def _handle_invalid_json_error(
        self, error: Any, req: Any, *args: Any, **kwargs: Any
    ) -> NoReturn:
        abort(400, exc=error, messages={"json": [str(INVALID_JSON)]})


class Blueprint(SmorestBlueprint):
    """An API blueprint: every route needs a Bearer token unless marked public.

    Every list is paged the same way (`page`, `page_size`; the total in the `X-Pagination`
    header): 100 rows unless asked, at most 1000 — a township's whole roll of representatives
    fits in one page of the largest size."""

    DEFAULT_PAGINATION_PARAMETERS = {"page": 1, "page_size": 100, "max_page_size": 1000}
    ARGUMENTS_PARSER = ChineseParser()
    PAGINATION_ARGUMENTS_PARSER = ChineseParser()


class BaseSchema(ChineseMessages, FastDump):
    """Every API schema. Dumping takes a shorter path per field (`lianxin.api.fastdump`);
    marshmallow's messages are Chinese (`lianxin.usecases.chinese`)."""

    class Meta:
        unknown = RAISE
        ordered = True
