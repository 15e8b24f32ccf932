"""One JSON error shape for every failure: `{"error": {"code", "message" (Chinese), "detail"}}`."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.errors import (
    BackendError,
    BusyError,
    ConfigError,
    FileTooLargeError,
    InputFileError,
    LimitExceededError,
    NotATenderError,
    NotFoundError,
    QueryTooLongError,
    ReadOnlyError,
    StorageFullError,
    UnsupportedFormatError,
    UserError,
)
from assistant.services import Services
from assistant.validation_zh import validation_message

log = logging.getLogger("assistant.api")


class ErrorBody(BaseModel):
    code: str = Field(description="机器可读的错误代码，例如 file_too_large")
    message: str = Field(description="给用户看的中文说明")
    detail: Any | None = Field(default=None, description="补充信息（字段校验错误等）")


class ErrorResponse(BaseModel):
    error: ErrorBody


#: the error responses every /api/v1 route documents
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "请求或文件有误"},
    401: {"model": ErrorResponse, "description": "需要登录"},
    413: {"model": ErrorResponse, "description": "文件过大"},
    404: {"model": ErrorResponse, "description": "文档或地址不存在"},
    409: {"model": ErrorResponse, "description": "知识库正在更新，请稍后重试"},
    429: {"model": ErrorResponse, "description": "同时进行的任务过多"},
    415: {"model": ErrorResponse, "description": "不支持的文件类型"},
    422: {"model": ErrorResponse, "description": "参数校验失败"},
    503: {"model": ErrorResponse, "description": "后端服务（大模型、向量库）不可用，或服务处于只读模式"},
    507: {"model": ErrorResponse, "description": "服务器磁盘空间不足，知识库未改动"},
}

_CODES: list[tuple[type[UserError], str]] = [
    (LimitExceededError, "limit_exceeded"),
    (FileTooLargeError, "file_too_large"),
    (UnsupportedFormatError, "unsupported_format"),
    (NotATenderError, "not_a_tender"),
    (InputFileError, "bad_input_file"),
    (NotFoundError, "not_found"),
    (ConfigError, "config_error"),
    (StorageFullError, "storage_full"),
    (BackendError, "service_unavailable"),
    (QueryTooLongError, "query_too_long"),
    (BusyError, "busy"),
    (ReadOnlyError, "read_only"),
]


class FieldTooLongError(Exception):
    """A JSON field over `settings.limits.max_query_chars`: a 422 that names the field and the env var."""

    def __init__(self, field: str, error: QueryTooLongError) -> None:
        super().__init__(error.detail)
        self.field = field
        self.error = error


def check_query_field(services: Services, text: str, field: str, label: str) -> None:
    """The one query-length rule (settings.limits.check_query) for a JSON body field."""
    try:
        services.settings.limits.check_query(text, f"{label}（{field}）")
    except QueryTooLongError as exc:
        raise FieldTooLongError(field, exc) from exc

_HTTP_MESSAGES = {
    400: "请求格式不正确。",
    401: "需要登录：请提供正确的用户名和密码。",
    403: "没有权限执行此操作。",
    404: "请求的地址不存在。",
    405: "该地址不支持此请求方法。",
    413: "上传内容过大。",
    415: "不支持的内容类型。",
}


def _code_for(exc: UserError) -> str:
    for cls, code in _CODES:
        if isinstance(exc, cls):
            return code
    return "bad_request"


def error_response(status_code: int, code: str, message: str, detail: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if detail is not None:
        body["detail"] = detail
    headers = {"WWW-Authenticate": 'Basic realm="tender-assistant"'} if status_code == 401 else None
    return JSONResponse({"error": body}, status_code=status_code, headers=headers)


def _jsonable_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        item = {k: err.get(k) for k in ("type", "loc", "msg")}
        item["loc"] = [str(x) for x in item.get("loc") or ()]
        out.append(item)
    jsonable: list[dict[str, Any]] = json.loads(json.dumps(out, default=str))
    return jsonable


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the one JSON error shape (bad input never becomes a 500)."""

    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> JSONResponse:
        log.warning("%s %s -> %s: %s", request.method, request.url.path, type(exc).__name__, exc.detail)
        return error_response(exc.http_status, _code_for(exc), exc.message)

    @app.exception_handler(FieldTooLongError)
    async def _too_long(request: Request, exc: FieldTooLongError) -> JSONResponse:
        log.info("%s %s -> 422 %s: %s", request.method, request.url.path, exc.field, exc.error.detail)
        detail = [{"type": "string_too_long", "loc": ["body", exc.field], "msg": exc.error.detail}]
        return error_response(422, "invalid_request", exc.error.message, detail)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _jsonable_errors(exc.errors())
        log.info("%s %s -> 422: %s", request.method, request.url.path, errors)
        return error_response(422, "invalid_request", validation_message(exc.errors()), errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = _HTTP_MESSAGES.get(exc.status_code, "请求无法处理。")
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in ("Not Found",) else None
        resp = error_response(exc.status_code, f"http_{exc.status_code}", message, detail)
        for key, value in (exc.headers or {}).items():
            resp.headers[key] = value
        return resp

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "服务器内部错误，请稍后重试或联系管理员（详情见服务器日志）。")
