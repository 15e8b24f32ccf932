"""The web application: REST API (assistant.api) + the Gradio UI mounted at "/".

`create_web_app` is what app.py and `tender-assistant serve` run; `serve` first makes sure a
knowledge base exists (building the defaults on a fresh machine, with progress on the console).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI

from assistant.api import create_app
from assistant.config import Settings
from assistant.progress import TqdmProgress
from assistant.services import Services

log = logging.getLogger("assistant.web")


def create_web_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """One FastAPI app: /api/v1 (REST), /openapi.json, and the UI at "/"."""
    import gradio as gr  # imported here so that `serve` can import it while the index loads

    from assistant.ui.app_ui import LOCALE_HEAD, build_blocks
    from assistant.ui.theme import CSS, make_theme

    services = services or Services(settings)
    settings = services.settings
    app = create_app(services=services)
    from assistant.housekeeping import is_writable
    from assistant.uploads import uploads_root

    exports = uploads_root(Path(settings.data_dir)) / "exports"
    exports.mkdir(parents=True, exist_ok=True)
    app.state.read_only = not is_writable(Path(settings.data_dir))
    auth = None
    if settings.app.username and settings.app.password:
        auth = (settings.app.username, settings.app.password.get_secret_value())
    web = gr.mount_gradio_app(
        app,
        build_blocks(services),
        path="/",
        auth=auth,
        auth_message="请输入管理员分配的用户名和密码。" if auth else None,
        allowed_paths=[str(exports)],
        max_file_size=settings.max_upload_bytes,
        footer_links=[],
        run_history=False,
        ssr_mode=False,
        theme=make_theme(),
        css=CSS,
        head=LOCALE_HEAD,
        show_error=True,
    )
    from assistant.ui.html_lang import HtmlLangMiddleware
    from assistant.ui.timeouts import BodyTimeoutMiddleware, ClientJobLimitMiddleware

    web.add_middleware(HtmlLangMiddleware)
    web.add_middleware(ClientJobLimitMiddleware, per_client=settings.limits.jobs_per_client)
    web.add_middleware(BodyTimeoutMiddleware, seconds=settings.limits.request_body_timeout_s)
    if auth is not None:
        install_login_gate(web, settings, auth)  # added last: runs first
    return web


def _gradio_session_check(web: FastAPI) -> Callable[[dict[str, str]], bool]:
    """Whether a request's cookies carry a session from Gradio's login form (its token table)."""
    from gradio.routes import App as GradioApp
    from starlette.routing import Mount

    gradio_apps = [r.app for r in web.routes if isinstance(r, Mount) and isinstance(r.app, GradioApp)]

    def valid(cookies: dict[str, str]) -> bool:
        for app in gradio_apps:
            for name in (f"access-token-{app.cookie_id}", f"access-token-unsecure-{app.cookie_id}"):
                token = cookies.get(name)
                if token and token in app.tokens:
                    return True
        return False

    return valid


def install_login_gate(web: FastAPI, settings: Settings, auth: tuple[str, str]) -> None:
    """Put every route (REST, /openapi.json, UI, Gradio internals) behind the login, with throttling."""
    from assistant.ui.gate import LoginGate, LoginThrottle

    lim = settings.limits
    throttle = LoginThrottle(lim.login_max_failures, lim.login_window_s, lim.login_lockout_s)
    web.state.login_throttle = throttle
    web.add_middleware(LoginGate, username=auth[0], password=auth[1], throttle=throttle,
                       session_valid=_gradio_session_check(web))



def prepare(services: Services) -> None:
    """Make sure the knowledge base is usable before accepting requests."""
    started = time.perf_counter()
    progress = TqdmProgress()
    try:
        result = services.kb.ensure_built(progress)
    finally:
        progress.close()
    if result:
        print(f"知识库已就绪（首次构建用时 {time.perf_counter() - started:.0f} 秒）。", file=sys.stderr)
    housekeeping_on_start(services)


def housekeeping_on_start(services: Services) -> None:
    """Remove partial generations and old review uploads/exports; a read-only data dir is announced."""
    from assistant.errors import UserError
    from assistant.format_zh import fmt_bytes
    from assistant.housekeeping import is_writable

    data_dir = Path(services.settings.data_dir)
    if not is_writable(data_dir):
        print("数据目录为只读：以只读模式运行（可检索、问答、审查；导入与删除文档已停用）。", file=sys.stderr)
        return
    try:
        result = services.kb.gc()
    except UserError as exc:  # another process is writing the index: clean next time
        log.info("start-up gc skipped: %s", exc.detail)
        return
    if result.generations_removed or result.uploads_removed:
        print(f"已清理未完成的索引版本 {len(result.generations_removed)} 个、过期上传 {result.uploads_removed} 个，"
              f"释放 {fmt_bytes(result.bytes_freed)}。", file=sys.stderr)


def _import_ui() -> None:
    import assistant.ui.app_ui  # noqa: F401 — pulls in gradio and the tab modules


def serve(settings: Settings, host: str | None = None, port: int | None = None,
          services: Services | None = None) -> None:
    """Build the KB if needed, then serve the web app until interrupted."""
    import uvicorn

    from assistant import memory

    # before any worker thread exists: at most two malloc arenas, and free heap memory given back
    # (a long-running server's RSS otherwise keeps the high-water mark of every burst; issue 18)
    memory.cap_malloc_arenas()
    memory.start_heap_trimmer()
    services = services or Services(settings)
    # Importing gradio takes seconds; do it while the knowledge base and the model load.
    ui_import = threading.Thread(target=_import_ui, name="import-ui", daemon=True)
    ui_import.start()
    prepare(services)
    ui_import.join()
    app = create_web_app(services=services)
    host = host or settings.app.host
    port = port or settings.app.port
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    print(f"招投标审查助手已启动：http://{shown}:{port}/  （REST 接口：/api/v1，说明：/openapi.json；Ctrl+C 退出）",
          file=sys.stderr)
    # idle keep-alive connections are closed; on SIGTERM running requests get a grace period, then exit
    uvicorn.run(app, host=host, port=port, log_level="warning",
                timeout_keep_alive=settings.limits.idle_timeout_s,
                timeout_graceful_shutdown=int(settings.limits.shutdown_grace_s))
