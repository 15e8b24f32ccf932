"""知识库 tab: documents with metadata and status, upload regulations, remove, rebuild, search test."""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from assistant.errors import UserError
from assistant.kb.builder import duplicate_note
from assistant.kb.sources import load_and_chunk
from assistant.kb.summary import build_summary_zh
from assistant.schema import DocumentMeta
from assistant.services import Services
from assistant.ui.common import Done, document_index, friendly, user_message, with_progress
from assistant.ui.render import (
    DOC_COLUMNS,
    document_rows,
    end_user_text,
    hits_html,
    import_result_html,
    kb_stats_line,
    message_html,
    rebuild_result_html,
)
from assistant.uploads import REGULATION_SUFFIXES, remove_upload, store_local_copy

log = logging.getLogger("assistant.ui.kb")

# (document id, confirmed): cancelling keeps the id and answers "not confirmed", so nothing happens
_CONFIRM_JS = ("(docId) => [docId, !!docId && confirm('确定从知识库删除文档「' + docId + "
               "'」吗？删除后检索和问答将不再引用它。')]")
CHECK_STAGE = "逐个检查文件"
#: what an import ends with: the documents added, and (file name, reason) for each file refused
#: (added documents, [(file name, reason)] of refused files, notes on files not added as already indexed)
Imported = tuple[list[DocumentMeta], list[tuple[str, str]], list[str]]


def _panel(panel: str) -> tuple[Any, ...]:
    """The import's outputs (panel, stats, table, upload box) with only the panel changed."""
    return (panel, gr.skip(), gr.skip(), gr.skip())


def build(services: Services) -> tuple[Callable[[], tuple[str, list[list[Any]]]], list[gr.components.Component]]:  # noqa: C901 - Gradio layout and event wiring in one Blocks context (helper ui)
    settings = services.settings

    def refresh() -> tuple[str, list[list[Any]]]:
        try:
            stats = services.kb.stats()
            docs = services.kb.list_documents(include_superseded=True)
        except Exception as exc:
            return message_html(f"无法读取知识库：{user_message(exc)}", ok=False), []
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
            confirmed = gr.Checkbox(value=False, visible=False)
    gr.Markdown("### 检索测试\n输入关键词，查看知识库能检索到哪些条文（可用于确认新上传的法规已生效）。")
    with gr.Row():
        query = gr.Textbox(label="检索内容", show_label=False, placeholder="例如：投标保证金 不得超过", scale=6, elem_id="kb-query")
        search_btn = gr.Button("检索", scale=1, min_width=80, elem_id="kb-search")
    results = gr.HTML(elem_id="kb-results")

    def import_stored(stored: dict[Path, str]) -> Generator[tuple[Any, ...], None, Imported]:
        """Import the stored copies; when the batch fails, find the files to blame and import the rest.

        Yields the outputs with a progress panel; returns what was imported (`Imported`).
        """
        data_dir = Path(settings.data_dir)
        try:
            added, notes = yield from _run_add(stored, list(stored))
            return added, [], notes
        except UserError as exc:
            batch_error = exc
        refused = yield from _check_files(stored)
        if not refused:  # no file is to blame (e.g. the index is busy): the whole batch failed
            refused = dict.fromkeys(stored, user_message(batch_error))
        for path in refused:
            remove_upload(path, data_dir)
        valid = [p for p in stored if p not in refused]
        added, notes = [], []
        if valid:
            try:
                added, notes = yield from _run_add(stored, valid)
            except UserError as exc:
                for path in valid:
                    remove_upload(path, data_dir)
                refused.update(dict.fromkeys(valid, user_message(exc)))
        return added, [(stored[p], reason) for p, reason in refused.items()], notes

    def _run_add(stored: dict[Path, str], paths: list[Path]) -> Generator[tuple[Any, ...], None, tuple[list[DocumentMeta], list[str]]]:
        """Import `paths`: the added documents, and a note for each file whose content is already indexed
        (its stored copy is removed: nothing of it is in the index)."""
        names = "、".join(stored[p] for p in paths)
        result: tuple[list[DocumentMeta], list[dict[str, str]]] = ([], [])
        for item in with_progress(lambda cb: services.kb.add_report(paths, progress=cb),
                                  f"正在导入 {len(paths)} 个文件：{names}"):
            if isinstance(item, Done):
                result = item.value
            else:
                yield _panel(item)
        added, duplicates = result
        for dup in duplicates:
            remove_upload(Path(dup["source"]), Path(settings.data_dir))
        return added, [duplicate_note({**dup, "source": stored.get(Path(dup["source"]), dup["source"])})
                       for dup in duplicates]

    def _check_files(stored: dict[Path, str]) -> Generator[tuple[Any, ...], None, dict[Path, str]]:
        """Read each file on its own: stored path → the reason it cannot be imported."""
        def work(cb: Callable[[str, int, int], None]) -> dict[Path, str]:
            refused: dict[Path, str] = {}
            for i, path in enumerate(stored):
                cb(CHECK_STAGE, i, len(stored))
                try:
                    load_and_chunk(path, "check", {}, max_bytes=settings.max_upload_bytes, limits=settings.limits)
                except UserError as exc:
                    refused[path] = user_message(exc)
            return refused

        refused: dict[Path, str] = {}
        for item in with_progress(work, "导入未成功，正在逐个检查文件"):
            if isinstance(item, Done):
                refused = item.value
            else:
                yield _panel(item)
        return refused

    @friendly
    def add(paths: list[str] | None) -> Iterator[tuple[Any, ...]]:
        """Import the chosen files: valid ones go in, each refused file is named with its reason in the
        panel, which always ends in the final state (never left at 「正在导入…」); the upload box is cleared."""
        if not paths:
            yield (message_html("请先选择要上传的法规文件。", ok=False), gr.skip(), gr.skip(), gr.skip())
            return
        data_dir = Path(settings.data_dir)
        stored: dict[Path, str] = {}
        refused: list[tuple[str, str]] = []
        for p in paths:
            try:
                stored[store_local_copy(Path(p), data_dir, kind="regulations", allowed=REGULATION_SUFFIXES,
                                        max_bytes=settings.max_upload_bytes)] = Path(p).name
            except UserError as exc:
                refused.append((Path(p).name, user_message(exc)))
        added: list[DocumentMeta] = []
        notes: list[str] = []
        try:
            if stored:
                added, failed, notes = yield from import_stored(stored)
                refused += failed
        except Exception as exc:
            for s in stored:
                remove_upload(s, data_dir)
            yield (message_html(f"导入失败：{user_message(exc)}", ok=False), *refresh(), None)
            return
        yield (import_result_html(added, refused, notes), *refresh(), None)

    @friendly
    def remove(target: str, confirmed: bool) -> tuple:
        """Delete the selected document; a cancelled confirmation changes nothing."""
        target = (target or "").strip()
        if target and not confirmed:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        if not target:
            return (message_html("请先在左侧表格中点选要删除的文档，或输入文档编号。", ok=False),
                    gr.skip(), gr.skip(), gr.skip())
        try:
            meta = services.kb.remove(target)
        except UserError as exc:
            return message_html(f"删除失败：{user_message(exc)}", ok=False), gr.skip(), gr.skip(), gr.skip()
        if meta.source:  # the uploaded file goes with its document
            remove_upload(Path(meta.source), Path(services.settings.data_dir))
        return (message_html(f"已删除：《{meta.title}》"), *refresh(), "")

    @friendly
    def rebuild(everything: bool) -> Iterator[tuple[Any, ...]]:
        """Build a new index; the panel always ends in the final state: what changed and the documents that
        could not be read, or why no new index was built (the old one keeps serving)."""
        summary: dict[str, Any] = {}
        title = "正在全部重建索引" if everything else "正在更新索引"
        try:
            for item in with_progress(lambda cb: services.kb.build(progress=cb, rebuild=bool(everything)), title):
                if isinstance(item, Done):
                    summary = item.value
                else:
                    yield (item, gr.skip(), gr.skip())
        except Exception as exc:
            yield (message_html(f"索引未更新：{user_message(exc)}{_kept_note()}", ok=False), *refresh())
            return
        failed = [(Path(f["source"]).name, end_user_text(f["error"])) for f in summary.get("failed", [])]
        yield (rebuild_result_html(build_summary_zh(summary), failed), *refresh())

    def _kept_note() -> str:
        """After a failed build: whether an index is still serving (the failed one never replaces it)."""
        try:
            built = services.kb.is_built()
        except OSError:
            return ""
        return "原索引继续可用，检索和问答不受影响。" if built else "知识库尚未建立索引。"

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
    remove_btn.click(remove, [doc_id, confirmed], [message, stats, docs, doc_id], js=_CONFIRM_JS,
                     concurrency_id="kb_write", concurrency_limit=1)
    rebuild_btn.click(rebuild, [full], [message, stats, docs], concurrency_id="kb_write", concurrency_limit=1,
                      show_progress="hidden")
    search_btn.click(search, [query], results, concurrency_id="chat")
    query.submit(search, [query], results, concurrency_id="chat")
    docs.select(pick, [docs], doc_id, queue=False)
    return refresh, [stats, docs]
