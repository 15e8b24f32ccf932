"""知识库 tab: documents with metadata and status, upload regulations, remove, rebuild, search test."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.errors import InputFileError
from assistant.schema import DocumentMeta
from assistant.services import Services
from assistant.ui.common import Done, document_index, friendly, with_progress
from assistant.ui.render import (
    DOC_COLUMNS,
    document_rows,
    hits_html,
    kb_stats_line,
    message_html,
)
from assistant.uploads import REGULATION_SUFFIXES, remove_upload, store_local_copy

log = logging.getLogger("assistant.ui.kb")

_CONFIRM_JS = "(docId) => { if (!docId) { return docId; } return confirm('确定从知识库删除文档「' + docId + '」吗？删除后检索和问答将不再引用它。') ? docId : ''; }"


def _summary_text(summary: dict[str, Any]) -> str:
    labels = [("added", "新增"), ("updated", "更新"), ("unchanged", "未变"), ("removed", "移除"), ("chunks", "条文/片段"),
              ("embedded", "新计算向量"), ("seconds", "耗时（秒）")]
    parts = []
    for key, label in labels:
        value = summary.get(key)
        if isinstance(value, list):
            value = len(value)
        if isinstance(value, float):
            value = f"{value:.1f}".removesuffix(".0")
        if value is not None:
            parts.append(f"{label} {value}")
    return "，".join(parts)


def build(services: Services) -> tuple[Callable[[], tuple[str, list[list[Any]]]], list[gr.components.Component]]:  # noqa: C901 - Gradio layout and event wiring in one Blocks context (helper ui)
    settings = services.settings

    def refresh() -> tuple[str, list[list[Any]]]:
        try:
            stats = services.kb.stats()
            docs = services.kb.list_documents(include_superseded=True)
        except Exception as exc:
            log.exception("kb refresh failed")
            return message_html(f"无法读取知识库：{getattr(exc, 'message', type(exc).__name__)}", ok=False), []
        return kb_stats_line(stats), document_rows(docs)

    gr.Markdown("知识库中的法规是问答和审查引用的唯一依据。可上传新的法规文件（DOCX / PDF / TXT / MD / HTML），"
                "系统会自动识别标题、文号、发布机关和条文。")
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            with gr.Row():
                stats = gr.HTML(elem_id="kb-stats")
                reload_btn = gr.Button("刷新列表", size="sm", scale=0, min_width=100)
            docs = gr.Dataframe(headers=DOC_COLUMNS, value=[], interactive=False, wrap=True, max_height=460,
                                label="文档列表（点击一行可选中该文档）", elem_id="kb-docs",
                                column_widths=["27%", "9%", "13%", "14%", "10%", "10%", "7%", "10%"])
        with gr.Column(scale=2):
            with gr.Group():
                files = gr.File(label="上传法规文件", file_count="multiple", file_types=list(REGULATION_SUFFIXES),
                                type="filepath", elem_id="kb-upload", height=120)
                add_btn = gr.Button("加入知识库", variant="primary", elem_id="kb-add")
            with gr.Group():
                doc_id = gr.Textbox(label="要删除的文档编号（点击左侧表格中的一行自动填入）", elem_id="kb-docid")
                remove_btn = gr.Button("删除所选文档", variant="stop", elem_id="kb-remove")
            with gr.Group():
                full = gr.Checkbox(label="全部重建（重新计算所有向量，较慢）", value=False)
                rebuild_btn = gr.Button("更新索引", elem_id="kb-rebuild")
            message = gr.HTML(elem_id="kb-message")
    gr.Markdown("### 检索测试\n输入关键词，查看知识库能检索到哪些条文（可用于确认新上传的法规已生效）。")
    with gr.Row():
        query = gr.Textbox(label="检索内容", show_label=False, placeholder="例如：投标保证金 不得超过", scale=6, elem_id="kb-query")
        search_btn = gr.Button("检索", scale=1, min_width=80, elem_id="kb-search")
    results = gr.HTML(elem_id="kb-results")

    @friendly
    def add(paths: list[str] | None) -> Iterator[tuple[Any, ...]]:
        if not paths:
            raise InputFileError("请先选择要上传的法规文件。", "kb add without files")
        data_dir = Path(settings.data_dir)
        stored: list[Path] = []
        names = "、".join(Path(p).name for p in paths)
        try:
            for p in paths:
                stored.append(store_local_copy(Path(p), data_dir, kind="regulations", allowed=REGULATION_SUFFIXES,
                                               max_bytes=settings.max_upload_bytes))
            added: list[DocumentMeta] = []
            for item in with_progress(lambda cb: services.kb.add(stored, progress=cb),
                                      f"正在导入 {len(paths)} 个文件：{names}"):
                if isinstance(item, Done):
                    added = item.value
                else:
                    yield (item, gr.skip(), gr.skip(), gr.skip())
        except BaseException:
            for s in stored:
                remove_upload(s, data_dir)
            raise
        titles = "、".join(f"《{d.title}》（{d.chunk_count} 条）" for d in added) or "（无新增内容）"
        yield (message_html(f"已加入知识库：{titles}"), *refresh(), None)

    @friendly
    def remove(target: str) -> tuple:
        target = (target or "").strip()
        if not target:
            raise InputFileError("请先在左侧表格中点选要删除的文档，或输入文档编号。", "remove without doc_id")
        meta = services.kb.remove(target)
        if meta.source:  # the uploaded file goes with its document
            remove_upload(Path(meta.source), Path(services.settings.data_dir))
        return (message_html(f"已删除：《{meta.title}》"), *refresh(), "")

    @friendly
    def rebuild(everything: bool) -> Iterator[tuple[Any, ...]]:
        summary: dict[str, Any] = {}
        title = "正在全部重建索引" if everything else "正在更新索引"
        for item in with_progress(lambda cb: services.kb.build(progress=cb, rebuild=bool(everything)), title):
            if isinstance(item, Done):
                summary = item.value
            else:
                yield (item, gr.skip(), gr.skip())
        yield (message_html("索引已更新：" + _summary_text(summary)), *refresh())

    @friendly
    def search(q: str) -> str:
        q = (q or "").strip()
        if not q:
            raise gr.Error("请输入检索内容。", title="提示")
        return hits_html(services.retriever.search(q, k=5), q, document_index(services))

    def pick(rows: Any, evt: gr.SelectData) -> Any:
        try:
            row = evt.index[0] if isinstance(evt.index, (list, tuple)) else int(evt.index)
            return rows.iloc[row, len(DOC_COLUMNS) - 1] if isinstance(rows, pd.DataFrame) else rows[row][-1]
        except (IndexError, ValueError, TypeError, KeyError):
            return gr.skip()

    reload_btn.click(refresh, None, [stats, docs], queue=False)
    add_btn.click(add, [files], [message, stats, docs, files], concurrency_id="kb_write", concurrency_limit=1,
                  show_progress="hidden")
    remove_btn.click(remove, [doc_id], [message, stats, docs, doc_id], js=_CONFIRM_JS,
                     concurrency_id="kb_write", concurrency_limit=1)
    rebuild_btn.click(rebuild, [full], [message, stats, docs], concurrency_id="kb_write", concurrency_limit=1,
                      show_progress="hidden")
    search_btn.click(search, [query], results, concurrency_id="chat")
    query.submit(search, [query], results, concurrency_id="chat")
    docs.select(pick, [docs], doc_id, queue=False)
    return refresh, [stats, docs]
