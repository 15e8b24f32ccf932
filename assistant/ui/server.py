"""The web application: REST API (assistant.api) + the Gradio UI mounted at "/".

`create_web_app` is what app.py and `tender-assistant serve` run; `serve` first makes sure a
knowledge base exists (building the defaults on a fresh machine, with progress on the console).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

from fastapi import FastAPI

from assistant.api import create_app
from assistant.config import Settings
from assistant.services import Services
from assistant.progress import TqdmProgress

log = logging.getLogger("assistant.web")


def create_web_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """One FastAPI app: /api/v1 (REST), /openapi.json, and the UI at "/"."""
    import gradio as gr  # imported here so that `serve` can import it while the index loads

    from assistant.ui.app_ui import LOCALE_HEAD, build_blocks
    from assistant.ui.theme import CSS, make_theme

    services = services or Services(settings)
    settings = services.settings
    app = create_app(services=services)
    exports = (Path(settings.data_dir) / "uploads" / "exports").resolve()
    exports.mkdir(parents=True, exist_ok=True)
    auth = None
    if settings.app.username and settings.app.password:
        auth = (settings.app.username, settings.app.password.get_secret_value())
    return gr.mount_gradio_app(
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


def _import_ui() -> None:
    import assistant.ui.app_ui  # noqa: F401 — pulls in gradio and the tab modules


def serve(settings: Settings, host: str | None = None, port: int | None = None,
          services: Services | None = None) -> None:
    """Build the KB if needed, then serve the web app until interrupted."""
    import uvicorn

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
    uvicorn.run(app, host=host, port=port, log_level="warning")
