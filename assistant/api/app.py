"""The REST application: feature routers under /api/v1, one error shape, the upload limit."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.params import Depends as DependsParam
from fastapi.responses import JSONResponse
from starlette.routing import Route

from assistant import __version__
from assistant.api import ask, collusion, documents, health, review, search
from assistant.api.auth import basic_auth
from assistant.api.common import API_PREFIX
from assistant.api.errors import ERROR_RESPONSES, error_response, install_error_handlers
from assistant.api.limits import UploadLimitMiddleware
from assistant.config import Settings
from assistant.services import Services

#: the feature routers, in the order /openapi.json lists them
FEATURE_ROUTERS: tuple[APIRouter, ...] = (
    health.router, search.router, ask.router, review.router, collusion.router, documents.router,
)


def _unknown_path_router(features: tuple[APIRouter, ...]) -> APIRouter:
    """404/405 as JSON errors for unknown /api/v1 paths (they would otherwise reach the web UI at "/")."""
    router = APIRouter()

    @router.api_route(
        "/{path:path}", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"], include_in_schema=False
    )
    def unknown(path: str, request: Request) -> JSONResponse:
        # feature routes have paths relative to API_PREFIX ("/search", "/documents/{doc_id}")
        allowed = sorted({
            m for feature in features for r in feature.routes
            if isinstance(r, Route) and r.include_in_schema and r.path_regex.match("/" + path)
            for m in (r.methods or ())
            if m != "HEAD"  # implied by GET; the schema lists only the real operations
        })
        if allowed:
            resp = error_response(405, "http_405", f"该接口不支持 {request.method} 方法，请使用 {'、'.join(allowed)}。")
            resp.headers["Allow"] = ", ".join(allowed)
            return resp
        return error_response(404, "http_404", f"接口「{API_PREFIX}/{path}」不存在，接口说明见 /openapi.json。")

    return router


def build_router(settings: Settings) -> APIRouter:
    """All /api/v1 routes; protected by HTTP Basic when settings.app.username/password are set."""
    dependencies: list[DependsParam] = []
    if settings.app.username and settings.app.password:
        dependencies.append(Depends(basic_auth(settings)))
    api = APIRouter(prefix=API_PREFIX, dependencies=dependencies, responses=ERROR_RESPONSES)
    for feature in FEATURE_ROUTERS:
        api.include_router(feature)
    api.include_router(_unknown_path_router(FEATURE_ROUTERS))
    return api


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
    app.include_router(build_router(settings))
    app.add_middleware(UploadLimitMiddleware, max_bytes=settings.max_upload_bytes)
    return app
