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
    from assistant.ui.chart import CATEGORY_COL, COUNT_COL, SEVERITY_COL, findings_frame

    frame = findings_frame([_finding(), _finding(), _finding(severity="medium", category="地域限制"),
                            _finding(severity="low")])
    rows = frame.to_dict("records")
    assert rows[0] == {CATEGORY_COL: "投标保证金超比例", SEVERITY_COL: "高风险", COUNT_COL: 2}
    assert {CATEGORY_COL: "地域限制", SEVERITY_COL: "中风险", COUNT_COL: 1} in rows
    # severity first, so the browser's legend (order of first appearance) reads 高 / 中 / 低
    assert [r[SEVERITY_COL] for r in rows] == ["高风险", "中风险", "低风险"]
    assert findings_frame([]).empty and list(findings_frame([]).columns) == [CATEGORY_COL, SEVERITY_COL, COUNT_COL]
