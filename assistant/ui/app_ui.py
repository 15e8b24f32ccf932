"""The Gradio Blocks: header and the four tabs (政策问答, 招标文件审查, 知识库, 系统)."""

from __future__ import annotations

import gradio as gr

from assistant.services import Services
from assistant.ui import collusion_tab, kb_tab, qa_tab, review_tab, system_tab

HEADER = (
    '<div class="app-header"><h1>招投标审查助手</h1>'
    '<span class="sub">婺城区公共资源交易 · 政策问答与招标文件审查 · 本机离线运行</span></div>'
)


def build_blocks(services: Services) -> gr.Blocks:
    """Build the UI (nothing heavy is loaded here: models and indexes load on first use)."""
    settings = services.settings
    with gr.Blocks(title="招投标审查助手", analytics_enabled=False, fill_width=True) as blocks:
        gr.HTML(HEADER)
        with gr.Tabs():
            with gr.Tab("政策问答", id="qa", elem_id="tab-qa"):
                qa_tab.build(services)
            with gr.Tab("招标文件审查", id="review", elem_id="tab-review"):
                review_tab.build(services)
            with gr.Tab("投标文件雷同分析", id="collusion", elem_id="tab-collusion"):
                collusion_tab.build(services)
            with gr.Tab("知识库", id="kb", elem_id="tab-kb") as kb:
                kb_refresh, kb_outputs = kb_tab.build(services)
            with gr.Tab("系统", id="system", elem_id="tab-system") as system:
                sys_panel, sys_refresh = system_tab.build(services)
        kb.select(kb_refresh, None, kb_outputs, queue=False)
        system.select(sys_refresh, None, sys_panel, queue=False)
        blocks.load(kb_refresh, None, kb_outputs, queue=False)
        blocks.load(sys_refresh, None, sys_panel, queue=False)
    blocks.queue(
        default_concurrency_limit=settings.app.concurrency_limit,
        max_size=settings.app.max_queue_size,
    )
    return blocks
