"""系统 tab: active backends, index size, versions (never secrets: Services.describe() has none)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.services import Services
from assistant.ui.render import system_html
from assistant.versions import component_versions


def render(services: Services) -> str:
    try:
        stats: dict[str, Any] | str = services.kb.stats()
    except Exception as exc:
        stats = f"索引不可用：{getattr(exc, 'message', type(exc).__name__)}"
    return system_html(services.describe(), stats, component_versions())


def build(services: Services) -> tuple[gr.HTML, Callable[[], str]]:
    panel = gr.HTML(elem_id="sys-panel")
    refresh_btn = gr.Button("刷新", size="sm")
    gr.Markdown("REST 接口说明：[/openapi.json](/openapi.json)（供系统集成使用）；"
                "AI 助手可通过 `tender-assistant mcp` 以 MCP 工具方式调用检索、问答和审查。")

    def refresh() -> str:
        return render(services)

    refresh_btn.click(refresh, None, panel, queue=False)
    return panel, refresh
