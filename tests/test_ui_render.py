"""UI rendering helpers (no browser): escaping, highlighting, refusal display, filters, uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.errors import FileTooLargeError, UnsupportedFormatError
from assistant.schema import Answer, Basis, Citation, Finding
from assistant.ui import render
from assistant.uploads import safe_filename, store_stream


def _finding(**kw) -> Finding:
    base = dict(rule_id="T08", category="投标保证金超比例", severity="high",
                clause="投标保证金为项目估算价的5%。", evidence="项目估算价的5%",
                context="三、投标保证金为项目估算价的5%。须以现金缴纳。",
                location={"section": "第一章 投标人须知", "paragraph": 3},
                basis=[Basis(title="中华人民共和国招标投标法实施条例", article="第二十六条", text="……不得超过招标项目估算价的2%。")])
    base.update(kw)
    return Finding(**base)


def test_finding_detail_marks_the_evidence_inside_its_context() -> None:
    html = render.finding_detail_html(_finding())
    assert "<mark>项目估算价的5%</mark>" in html
    assert "第一章 投标人须知 · 第4段" in html
    assert "《中华人民共和国招标投标法实施条例》第二十六条" in html


def test_user_and_document_text_is_escaped() -> None:
    html = render.finding_detail_html(_finding(clause="<script>x</script>", evidence=None, context=None))
    assert "<script>" not in html and "&lt;script&gt;" in html
    c = Citation(title="<b>t</b>", article="第一条", text="<img src=x>", score=1, doc_id="d", doc_type="法律",
                 status="现行有效", n=1)
    out = render.citations_html(Answer(answer="a", citations=[c]))
    assert "<img" not in out and "&lt;img" in out


def test_refusal_is_shown_differently() -> None:
    out = render.citations_html(Answer(answer="知识库中没有找到依据", refused=True))
    assert 'class="refusal"' in out and "知识库中没有依据" in out
    assert render.answer_markdown(Answer(answer="x", refused=True)).startswith("⚠️")


def test_a_bare_word_is_asked_for_a_question_not_told_the_kb_lacks_a_basis() -> None:
    from assistant.qa.refusal import NOT_A_QUESTION_FLAG

    word = Answer(answer="「测试」不是一个完整的问题", refused=True, flags=[NOT_A_QUESTION_FLAG])
    assert render.answer_markdown(word).startswith("⚠️ **请输入完整的问题**")
    panel = render.citations_html(word)
    assert "请输入完整的问题" in panel and "知识库中没有依据" not in panel


def test_filters_keep_the_original_numbering() -> None:
    findings = [_finding(), _finding(severity="low", category="其他")]
    rows = render.finding_rows(findings, severity="低")
    assert [r[0] for r in rows] == [2]
    assert render.finding_rows(findings, category="投标保证金超比例")[0][1] == "高"


@pytest.mark.parametrize("name", ["../../etc/passwd.txt", "/abs/x.txt", "..\\\\..\\\\x.txt", "\x00bad.txt", "..", ""])
def test_safe_filename_never_climbs(name: str) -> None:
    out = safe_filename(name)
    assert "/" not in out and "\\\\" not in out and out not in ("", ".", "..") and "\x00" not in out


def test_store_stream_refuses_oversize_and_bad_type(tmp_path: Path) -> None:
    import io

    with pytest.raises(UnsupportedFormatError):
        store_stream(io.BytesIO(b"x"), "a.exe", tmp_path, kind="review", allowed=(".txt",), max_bytes=10)
    with pytest.raises(FileTooLargeError):
        store_stream(io.BytesIO(b"x" * 50), "a.txt", tmp_path, kind="review", allowed=(".txt",), max_bytes=10)
    assert not [p for p in (tmp_path / "uploads").rglob("*") if p.is_file()]  # nothing partial left
    stored = store_stream(io.BytesIO(b"ok"), "../../a.txt", tmp_path, kind="review", allowed=(".txt",), max_bytes=10)
    assert (tmp_path / "uploads").resolve() in stored.resolve().parents and stored.name == "a.txt"


def test_chart_data_is_counts_by_category_and_severity_for_the_browser() -> None:
    from assistant.ui.chart import CATEGORY_COL, COUNT_COL, FULL_NAME_COL, SEVERITY_COL, findings_frame

    frame = findings_frame([_finding(), _finding(), _finding(severity="medium", category="地域限制"),
                            _finding(severity="low")])
    rows = frame.to_dict("records")
    assert rows[0] == {CATEGORY_COL: "投标保证金超比例", SEVERITY_COL: "高风险", COUNT_COL: 2, FULL_NAME_COL: "投标保证金超比例"}
    assert {CATEGORY_COL: "地域限制", SEVERITY_COL: "中风险", COUNT_COL: 1, FULL_NAME_COL: "地域限制"} in rows
    # severity first, so the browser's legend (order of first appearance) reads 高 / 中 / 低
    assert [r[SEVERITY_COL] for r in rows] == ["高风险", "中风险", "低风险"]
    assert findings_frame([]).empty
    assert list(findings_frame([]).columns) == [CATEGORY_COL, SEVERITY_COL, COUNT_COL, FULL_NAME_COL]


def test_chart_long_category_names_are_shortened_on_the_axis_and_kept_whole_for_the_tooltip() -> None:
    from assistant.format_zh import LABEL_CHARS
    from assistant.ui.chart import CATEGORY_COL, FULL_NAME_COL, findings_frame

    long_a, long_b = "投标保证金超比例或限定现金形式", "投标保证金超比例或限定缴纳银行"
    frame = findings_frame([_finding(category=long_a), _finding(category=long_b), _finding(category="地域限制")])
    labels = dict(zip(frame[FULL_NAME_COL], frame[CATEGORY_COL], strict=True))
    assert labels["地域限制"] == "地域限制"
    assert labels[long_a].endswith("…") and long_a.startswith(labels[long_a][:-1])
    assert len(labels[long_a]) <= LABEL_CHARS
    assert labels[long_a] != labels[long_b]  # two names with the same beginning stay apart


def test_chart_count_axis_has_whole_number_ticks() -> None:
    from assistant.ui.chart import MIN_COUNT_AXIS, findings_frame
    from assistant.ui.review_tab import chart_update

    # one finding: the axis reaches MIN_COUNT_AXIS (a 0–1 axis gets ticks 0.0 / 0.5 / 1.0)
    assert chart_update([_finding()])["y_lim"] == [0, MIN_COUNT_AXIS]
    many = [_finding(severity=s) for s in ("high", "medium", "low") for _ in range(4)]
    assert chart_update(many)["y_lim"] == [0, 12]  # stacked bars: the category's total
    assert findings_frame(many)["问题数量"].sum() == 12


def test_model_html_in_the_answer_is_shown_as_text_without_tags_or_links() -> None:
    text = ('依据第三十三条，**不得超过预算金额的2%**。[1]<img src=x onerror=alert(1)><script>alert(2)</script> '
            '<a href="javascript:alert(1)">点此查看</a> [详情](javascript:alert(3)) ![图](http://x/y.png) 金额<5万')
    out = render.answer_markdown(Answer(answer=text, mode="llm"))
    assert "<img" not in out and "<script" not in out and "alert(2)" not in out and "<a " not in out
    assert "javascript:" not in out and "](" not in out
    assert "**不得超过预算金额的2%**" in out and "[1]" in out and "点此查看" in out and "详情" in out
    assert "金额&lt;5万" in out  # a literal "<" is escaped, not taken for a tag


def test_streamed_model_text_is_labelled_unverified_and_escaped() -> None:
    out = render.streaming_markdown("依据《政府采购法》第九十九条，<b>5%</b>。\n另见第三条。")
    assert out.startswith(render.STREAMING_NOTE) and "引用尚未核对" in out
    assert "> 依据《政府采购法》第九十九条，5%。" in out and "> 另见第三条。" in out and "<b>" not in out


def test_web_error_texts_name_no_environment_variable_or_server_address() -> None:
    timeout = render.end_user_text("大模型服务响应超时（http://127.0.0.1:8011/v1），请稍后重试或调大 ASSISTANT_LLM__TIMEOUT_S。")
    assert timeout == "大模型服务响应超时，请稍后重试。" + render.ADMIN_HINT
    limit = render.end_user_text("问题过长（超过 2000 字，上限为 2000，管理员可通过环境变量 ASSISTANT_LIMITS__MAX_QUERY_CHARS 调整）。")
    assert limit == "问题过长（超过 2000 字，上限为 2000）。" + render.ADMIN_HINT
    for message in (timeout, limit, render.end_user_text("请设置 ASSISTANT_LLM__BASE_URL（例如 http://127.0.0.1:8000/v1）。")):
        assert "ASSISTANT_" not in message and "http" not in message and "环境变量" not in message
    plain = "大模型服务出错（HTTP 500），请稍后重试或查看服务端日志。"
    assert render.end_user_text(plain) == plain


def test_review_header_says_when_the_models_semantic_review_failed() -> None:
    """QA report 4, D16: the page said 「规则检查 + 大模型语义检查」 although every model batch had failed."""
    from assistant.schema import ReviewReport

    failed = ReviewReport(file="t.docx", mode="rules", metadata={"semantic_batches": {"total": 2, "failed": 2}})
    assert "大模型语义审查未完成，相关要点标为无法判断" in render.report_summary_html(failed)
    partial = ReviewReport(file="t.docx", mode="rules+llm", metadata={"semantic_batches": {"total": 3, "failed": 1}})
    assert "部分完成：共3批，1批未完成" in render.report_summary_html(partial)
    assert "规则审查（未使用大模型）" in render.report_summary_html(ReviewReport(file="t.docx"))
