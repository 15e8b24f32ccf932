"""UI event handlers called directly (no browser): what the review and collusion tabs show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import gradio as gr
import pytest
from web_fixtures import web_settings

from assistant.collusion.pipeline import MAX_BIDS, MIN_BIDS
from assistant.services import Services
from assistant.ui.app_ui import build_blocks
from tests.conftest import docx_file


@pytest.fixture(scope="module")
def handlers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Callable[..., Any]]:
    blocks = build_blocks(Services(web_settings(tmp_path_factory.mktemp("ui"))))
    out: dict[str, Callable[..., Any]] = {}
    for f in blocks.fns.values():
        tab = f.fn.__module__.rsplit(".", 1)[-1] if f.fn is not None else ""
        out.setdefault(f"{tab}.{f.name}", f.fn)
    out["config"] = blocks.get_config_file
    return out


def _review_outputs(handlers: dict[str, Callable[..., Any]], path: Path, force: bool = False) -> list[tuple]:
    return list(handlers["review_tab.run"](str(path), force))


def test_review_error_replaces_the_progress_panel(handlers, tmp_path: Path) -> None:
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    outputs = _review_outputs(handlers, empty)
    summary = outputs[-1][1]
    assert "无法审查" in summary and "empty.docx" in summary and "msg-err" in summary
    assert "正在审查" not in summary


def test_not_a_tender_tells_ui_users_to_tick_the_box_not_a_cli_flag(handlers, tmp_path: Path) -> None:
    memo = tmp_path / "会议纪要.txt"
    memo.write_text("会议纪要\n今天讨论了办公室搬迁。\n下周一开始打包。\n请各部门配合。", encoding="utf-8")
    summary = _review_outputs(handlers, memo)[-1][1]
    assert "看起来不是招标文件" in summary and "勾选“仍然审查”" in summary
    assert "--force" not in summary and "正在审查" not in summary


def _docx(path: Path, lines: list[str]) -> str:
    d = docx.Document()
    for line in lines:
        d.add_paragraph(line)
    d.save(str(path))
    return str(path)


def test_collusion_tab_takes_as_many_bids_as_the_other_interfaces(handlers, tmp_path: Path) -> None:
    config = str(handlers["config"]())
    assert f"投标文件（{MIN_BIDS}–{MAX_BIDS} 份）" in config
    tender = _docx(tmp_path / "招标文件.docx", ["某道路维修工程招标文件", "投标人须知", "投标保证金为人民币一万元。"])
    bids = [_docx(tmp_path / f"投标文件{n}.docx", [f"投标人名称：第{n}建设有限公司", f"投标总价：{n}00000元"])
            for n in (1, 2)]
    assert len(bids) == MIN_BIDS
    result = handlers["collusion_tab.run"](tender, bids, progress=lambda *a, **k: None)
    assert len(result[0]["bids"]) == 2
    with pytest.raises(gr.Error, match=f"{MIN_BIDS}–{MAX_BIDS}"):
        handlers["collusion_tab.run"](tender, bids[:1], progress=lambda *a, **k: None)


def test_chart_is_drawn_from_its_data_even_for_a_single_finding() -> None:
    from assistant.schema import Finding
    from assistant.ui.chart import COUNT_COL, findings_frame
    from assistant.ui.review_tab import chart_update

    one = Finding(rule_id="T45", category="中小企业预留份额缺失", severity="high", confidence="med", clause="x",
                  location={}, basis=[], explanation="", suggestion="")
    # the count is a number with or without rows (an empty object column made Gradio call it nominal)
    assert str(findings_frame([]).dtypes[COUNT_COL]) == "int64"
    # hidden while empty, shown with the data: the browser then builds scales and legend from that data
    assert chart_update([])["visible"] is False
    shown = chart_update([one])
    assert shown["visible"] is True and shown["value"][COUNT_COL].tolist() == [1]


def _kb_handlers(tmp: Path) -> tuple[dict[str, Callable[..., Any]], Services]:
    services = Services(web_settings(tmp))
    services.kb.build()
    blocks = build_blocks(services)
    out = {f"{f.fn.__module__.rsplit('.', 1)[-1]}.{f.name}": f.fn for f in blocks.fns.values() if f.fn is not None}
    return out, services


@pytest.fixture(scope="module")
def kb_handlers(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Callable[..., Any]], Services]:
    return _kb_handlers(tmp_path_factory.mktemp("kb_ui"))


def test_kb_import_of_a_batch_imports_the_valid_files_and_names_each_refused_one(kb_handlers, tmp_path: Path) -> None:
    handlers, services = kb_handlers
    fake = tmp_path / "fake.docx"
    fake.write_text("这其实是一个文本文件。", encoding="utf-8")
    good = tmp_path / "small.txt"
    good.write_text("婺城区小额工程建设项目交易规则\n第一条 为规范小额工程交易，制定本规则。\n"
                    "第二条 400万元以下的小额工程可以进入婺城区小额交易平台。\n", encoding="utf-8")
    outputs = list(handlers["kb_tab.add"]([str(fake), str(good)]))
    panel, _stats, _docs, upload = outputs[-1]
    # the final state, never the progress panel: one imported, one refused with its file name and reason
    assert "正在导入" not in panel and "逐个检查" not in panel
    assert "已导入 1 个，失败 1 个" in panel
    assert "导入失败：fake.docx：" in panel and "与扩展名不符" in panel
    assert "婺城区小额工程建设项目交易规则" in panel
    assert upload is None  # the upload box is cleared
    titles = {d.title for d in services.kb.list_documents()}
    assert "婺城区小额工程建设项目交易规则" in titles


def test_kb_import_of_a_file_already_in_the_kb_says_so(kb_handlers, tmp_path: Path) -> None:
    """QA report 4, D19 (web): a copy of an imported document was reported 「已加入知识库」 with the old title."""
    handlers, services = kb_handlers
    text = "婺城区小额工程建设项目交易规则\n第一条 为规范小额工程交易，制定本规则。\n第二条 小额工程进入交易平台。\n"
    (tmp_path / "first.txt").write_text(text, encoding="utf-8")
    (tmp_path / "副本.txt").write_text(text, encoding="utf-8")
    list(handlers["kb_tab.add"]([str(tmp_path / "first.txt")]))
    before = len(services.kb.list_documents())
    panel = list(handlers["kb_tab.add"]([str(tmp_path / "副本.txt")]))[-1][0]
    assert "注意：“副本.txt”的内容与已导入的《婺城区小额工程建设项目交易规则》" in panel and "未重复导入" in panel
    assert "已加入知识库" not in panel and "msg-ok" in panel
    assert len(services.kb.list_documents()) == before


def test_kb_import_of_only_a_bad_file_ends_with_its_reason(kb_handlers, tmp_path: Path) -> None:
    handlers, _services = kb_handlers
    fake = tmp_path / "坏文件.docx"
    fake.write_text("这其实是一个文本文件。", encoding="utf-8")
    panel = list(handlers["kb_tab.add"]([str(fake)]))[-1][0]
    assert "导入失败：坏文件.docx：" in panel and "msg-err" in panel
    assert "正在导入" not in panel and "已导入" not in panel


def test_kb_delete_cancelled_in_the_confirmation_changes_nothing(kb_handlers) -> None:
    handlers, services = kb_handlers
    doc = services.kb.list_documents()[0]
    outputs = handlers["kb_tab.remove"](doc.doc_id, False)
    assert all(isinstance(o, type(gr.skip())) for o in outputs)  # no error, table and id box untouched
    assert doc.doc_id in {d.doc_id for d in services.kb.list_documents()}
    # nothing selected: a message in the panel, the table stays
    panel, *rest = handlers["kb_tab.remove"]("", False)
    assert "请先在左侧表格中点选" in panel and all(isinstance(o, type(gr.skip())) for o in rest)


class _StreamingQA:
    """A QA service whose model streams an invented citation, then the verified answer."""

    def __init__(self, final: Any, chunks: list[str]) -> None:
        self.final, self.chunks = final, chunks

    def stream(self, question: str, history: Any = None) -> Any:
        yield from self.chunks
        yield self.final


def test_streamed_model_text_is_shown_as_unverified_and_replaced_by_the_verified_answer(tmp_path: Path) -> None:
    from assistant.schema import Answer
    from assistant.ui.render import STREAMING_NOTE

    verified = Answer(answer="依据〔该条在知识库中不存在，引用已删除〕，投标保证金不得超过预算金额的2%。[1]", mode="llm")
    services = Services(web_settings(tmp_path))
    services.__dict__["qa"] = _StreamingQA(verified, ["依据《中华人民共和国政府采购法》", "第九十九条，<b>5%</b>。"])
    handlers = {f"{f.fn.__module__.rsplit('.', 1)[-1]}.{f.name}": f.fn
                for f in build_blocks(services).fns.values() if f.fn is not None}
    steps = [out[1][-1]["content"] for out in handlers["qa_tab.respond"]("保证金最多多少？", [], [], [])]
    streamed = [s for s in steps if "第九十九条" in s]
    assert streamed and all(s.startswith(STREAMING_NOTE) and "<b>" not in s for s in streamed)
    assert "第九十九条" not in steps[-1] and STREAMING_NOTE not in steps[-1] and "2%" in steps[-1]


def test_kb_import_refusal_names_no_environment_variable(tmp_path: Path) -> None:
    handlers, services = _kb_handlers(tmp_path / "kb")
    services.settings.limits.max_chunks = 1  # the KB reads the same limits: a 2-article file is over the limit
    rule = tmp_path / "两条规则.txt"
    rule.write_text("某区交易规则\n第一条 为规范交易，制定本规则。\n第二条 本规则自发布之日起施行。\n", encoding="utf-8")
    panel = list(handlers["kb_tab.add"]([str(rule)]))[-1][0]
    assert "导入失败：两条规则.txt：" in panel and "上限" in panel
    assert "ASSISTANT_" not in panel and "环境变量" not in panel and "联系管理员" in panel


def _rebuild(handlers: dict[str, Callable[..., Any]], everything: bool = False) -> tuple[Any, ...]:
    outputs = list(handlers["kb_tab.rebuild"](everything))
    assert all("正在" not in str(o) for o in outputs[-1])  # the final state, never the progress panel
    return outputs[-1]


def _kb_view(services: Services) -> tuple[str, list[list[Any]]]:
    """What the stats line and the documents table show now."""
    from assistant.ui.render import document_rows, kb_stats_line

    return kb_stats_line(services.kb.stats()), document_rows(services.kb.list_documents(include_superseded=True))


def test_kb_rebuild_names_a_document_that_cannot_be_read_and_keeps_it(tmp_path: Path) -> None:
    handlers, services = _kb_handlers(tmp_path / "kb")
    rule = docx_file(tmp_path / "交易规则.docx", ["某区交易规则", "第一条 为规范交易，制定本规则。",
                                                  "第二条 本规则自发布之日起施行。"])
    list(handlers["kb_tab.add"]([str(rule)]))
    stored = next(Path(d.source) for d in services.kb.list_documents() if d.title == "某区交易规则")
    stored.write_text("这其实是一个文本文件。", encoding="utf-8")  # the stored copy no longer reads
    panel, stats, docs = _rebuild(handlers)
    assert "msg-err" in panel and "索引已更新" in panel and "1 个文档未能读取" in panel
    assert "未能读取：交易规则.docx：" in panel and "与扩展名不符" in panel
    assert (stats, docs) == _kb_view(services)
    assert any(row[0] == "某区交易规则" for row in docs)  # the indexed copy is kept


def test_kb_rebuild_in_a_read_only_data_dir_says_so_in_the_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    handlers, services = _kb_handlers(tmp_path / "kb")
    before = _kb_view(services)
    real_open = Path.open

    def read_only(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.name == ".lock":
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", read_only)
    panel, stats, docs = _rebuild(handlers)
    assert "msg-err" in panel and "索引未更新：" in panel and "只读" in panel and "原索引继续可用" in panel
    assert (stats, docs) == before and docs


def test_kb_rebuild_with_the_vector_server_down_keeps_the_old_index(tmp_path: Path) -> None:
    import socket

    handlers, services = _kb_handlers(tmp_path / "kb")
    before = _kb_view(services)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    services.kb.chroma_host, services.kb.chroma_port = "127.0.0.1", port
    panel, stats, docs = _rebuild(handlers, everything=True)
    assert "msg-err" in panel and "索引未更新：无法连接" in panel and "原索引继续可用" in panel
    assert "ASSISTANT_" not in panel
    assert (stats, docs) == before and docs
    hits = services.retriever.search("投标保证金", k=3)
    assert hits


def test_kb_rebuild_reason_for_an_unexpected_read_failure_is_chinese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A reader fault (no user error) is told in Chinese in the panel, never as an exception class."""
    from assistant.ingest import loaders

    handlers, services = _kb_handlers(tmp_path / "kb")
    rule = tmp_path / "交易规则.txt"
    rule.write_text("某区交易规则\n第一条 为规范交易，制定本规则。\n", encoding="utf-8")
    list(handlers["kb_tab.add"]([str(rule)]))
    stored = next(Path(d.source) for d in services.kb.list_documents() if d.title == "某区交易规则")
    stored.write_text("某区交易规则\n第一条 为规范交易，制定本规则（修订）。\n", encoding="utf-8")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ValueError("parser bug")

    monkeypatch.setattr(loaders, "load_file", broken)
    panel = _rebuild(handlers)[0]
    assert "未能读取：交易规则.txt：读取时出现内部错误" in panel
    assert "ValueError" not in panel and "parser bug" not in panel
