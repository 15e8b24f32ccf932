"""系统 tab: active backends, index size, versions (never secrets: Services.describe() has none)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.services import Services
from assistant.ui.render import esc, system_html
from assistant.versions import component_versions


def render(services: Services) -> str:
    try:
        stats: dict[str, Any] | str = services.kb.stats()
    except Exception as exc:
        stats = f"索引不可用：{getattr(exc, 'message', type(exc).__name__)}"
    return system_html(services.describe(), stats, component_versions()) + storage_html(Path(services.settings.data_dir))


def storage_html(data_dir: Path) -> str:
    """Read-only mode and disk use of the data directory (issue #18)."""
    from assistant.format_zh import fmt_bytes
    from assistant.housekeeping import disk_usage, is_writable

    names = {"index": "索引", "uploads": "上传与导出", "exports": "导出的报告", "logs": "日志",
             "cache": "缓存（条旨与示例条款向量）", "total": "合计"}
    mode = ("<div class=\"msg-ok\">读写模式：可检索、问答、审查，也可导入或删除知识库文档。</div>" if is_writable(data_dir)
            else "<div class=\"msg-err\">只读模式：数据目录不可写入，仅提供检索、问答和文件审查；"
                 "导入、删除文档和重建索引已停用。</div>")
    try:
        usage = disk_usage(data_dir)
    except OSError as exc:
        return f"<h3>存储</h3>{mode}<div class=\"msg-err\">无法统计磁盘占用：{esc(exc.strerror or str(exc))}</div>"
    rows = "".join(f'<tr><td class="k">{esc(names.get(k, "其他文件"))}</td><td>{esc(fmt_bytes(v))}</td></tr>'
                   for k, v in usage.items())
    return f'<h3>存储</h3>{mode}<table class="sys-table">{rows}</table>'


def build(services: Services) -> tuple[gr.HTML, Callable[[], str]]:
    panel = gr.HTML(elem_id="sys-panel")
    refresh_btn = gr.Button("刷新", size="sm")
    gr.Markdown("REST 接口说明：[/openapi.json](/openapi.json)（供系统集成使用）；"
                "AI 助手可通过 `tender-assistant mcp` 以 MCP 工具方式调用检索、问答和审查。")

    def refresh() -> str:
        return render(services)

    refresh_btn.click(refresh, None, panel, queue=False)
    return panel, refresh
