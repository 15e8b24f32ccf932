"""Review checklist (issue 14): a status for every point, absences as findings, refusals, OCR line."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest
from conftest import run_cli_main

from assistant.config import PROJECT_ROOT
from assistant.errors import ConfigError, NotATenderError
from assistant.review.catalogue import load_catalogue
from assistant.review.checklist import ABSENT_LOCATION, load_checklist
from assistant.review.pipeline import Reviewer
from assistant.review.reader import document_from_text
from assistant.review.report import render_docx, render_markdown
from assistant.schema import CHECKLIST_STATUSES, ReviewReport

DEV = PROJECT_ROOT / "tests" / "data" / "tenders_dev"
HELD_OUT = PROJECT_ROOT / "eval" / "datasets" / "tenders"
SCANNED = PROJECT_ROOT / "tests" / "data" / "ingest" / "scanned_tender.pdf"
REAL_TENDER = PROJECT_ROOT.parent / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"


def _expected_ids() -> list[str]:
    return [r.id for r in load_catalogue().rules] + [a.id for a in load_checklist().absence]


def _assert_complete(report: ReviewReport) -> None:
    ids = [i.rule_id for i in report.checklist]
    assert ids == _expected_ids(), "every catalogue point and absence item, once, in catalogue order"
    assert all(i.status in CHECKLIST_STATUSES and i.note for i in report.checklist)
    counts = report.summary["checklist"]
    assert list(counts) == list(CHECKLIST_STATUSES) and sum(counts.values()) == len(ids)
    flagged = {f.rule_id for f in report.findings}
    for item in report.checklist:
        assert (item.status == "发现问题") == (item.rule_id in flagged), item


@pytest.mark.parametrize("path", sorted(DEV.glob("*.docx")) + sorted(DEV.glob("*.pdf"))[:4] + sorted(HELD_OUT.glob("*.docx")),
                         ids=lambda p: p.name)
def test_every_point_has_one_status_in_every_report(reviewer: Reviewer, path: Path) -> None:
    _assert_complete(reviewer.review(path))


def test_statuses_say_what_they_rest_on(reviewer: Reviewer) -> None:
    report = reviewer.review(DEV / "A_works_compliant.docx")
    by_id = {i.rule_id: i for i in report.checklist}
    # a 工程 tender: 政府采购-only points are 不适用 with the reason
    assert by_id["T09"].status == "不适用" and "仅适用于" in by_id["T09"].note
    # a clean numeric check names the facts it compared
    t44 = by_id["T44"]
    assert t44.status == "未发现问题" and "评标委员会人数" in t44.facts and t44.clause
    # a clean pattern check names the clause it looked at
    assert by_id["T21"].status == "未发现问题" and by_id["T21"].note.startswith("检索")


TENDER_WITHOUT_DEADLINE = """第一章 招标公告
一、项目名称：婺城区某小学改造工程施工。本项目为依法必须招标的工程建设项目，招标人为婺城区教育局。
二、估算价：人民币500万元，最高投标限价480万元。
三、投标人须具备建筑工程施工总承包三级及以上资质，招标人不组织踏勘现场，施工工期为180日历天。
四、投标保证金：人民币5万元，以电汇或银行保函形式提交。
五、投标有效期为90日历天，投标保证金有效期与投标有效期一致。
第二章 投标人须知
1. 潜在投标人对招标文件有异议的，应当在投标截止时间10日前提出。
2. 评标委员会由5人组成，其中技术、经济专家4人。
第三章 评标办法
本项目采用经评审的最低投标价法，评标标准见下表。
第四章 合同条款
合同专用条款：工程款按月支付已完成工程价款的80%。
"""


def test_missing_deadline_is_unknown_not_clean(reviewer: Reviewer) -> None:
    report = reviewer.review_document(document_from_text(TENDER_WITHOUT_DEADLINE, "无截止时间.txt"))
    t01 = next(i for i in report.checklist if i.rule_id == "T01")
    assert t01.status == "无法判断" and "等标期未核对" in t01.note
    assert "T01" in report.summary["unknown_high"]
    assert not [f for f in report.findings if f.location.get("absent")], "this tender states every required content"


def test_absent_content_is_a_finding_located_nowhere(reviewer: Reviewer) -> None:
    text = "\n".join(line for line in TENDER_WITHOUT_DEADLINE.splitlines() if "异议" not in line and "合同" not in line)
    report = reviewer.review_document(document_from_text(text, "缺内容.txt"))
    absent = {f.rule_id: f for f in report.findings if f.location.get("absent")}
    assert set(absent) == {"A01", "A04"}
    a01 = absent["A01"]
    assert a01.location["section"] == ABSENT_LOCATION and a01.clause == ""
    assert [(b.title, b.article) for b in a01.basis] == [("中华人民共和国招标投标法实施条例", "第二十二条")]
    assert [(b.title, b.article) for b in absent["A04"].basis] == [("中华人民共和国招标投标法", "第十九条")]
    item = next(i for i in report.checklist if i.rule_id == "A04")
    assert item.status == "发现问题" and item.kind == "absence"
    md = render_markdown(report)
    assert "全文未找到" in md and "（全文未找到相关内容）" in md


def test_max_price_mentioned_but_not_stated(reviewer: Reviewer) -> None:
    text = TENDER_WITHOUT_DEADLINE.replace("，最高投标限价480万元", "。本项目设有最高投标限价，投标报价不得超过最高投标限价")
    report = reviewer.review_document(document_from_text(text, "限价.txt"))
    assert "A06" in {f.rule_id for f in report.findings}
    report = reviewer.review_document(document_from_text(TENDER_WITHOUT_DEADLINE, "限价.txt"))
    assert next(i for i in report.checklist if i.rule_id == "A06").status == "未发现问题"


def test_passages_are_not_checked_for_absences(reviewer: Reviewer) -> None:
    report = reviewer.review_text("投标保证金为估算价的5%。本项目为工程施工招标，招标人为某局。")
    assert not [f for f in report.findings if f.location.get("absent")]


def test_non_tender_refused_unless_forced(reviewer: Reviewer, tmp_path: Path) -> None:
    memo = tmp_path / "会议纪要.txt"
    memo.write_text("会议纪要\n今天讨论了办公室搬迁。\n下周一开始打包。\n请各部门配合。", encoding="utf-8")
    with pytest.raises(NotATenderError, match="看起来不是招标文件"):
        reviewer.review(memo)
    report = reviewer.review(memo, force=True)
    assert report.notice and "强制审查" in report.notice
    _assert_complete(report)
    assert render_markdown(report).splitlines()[2].startswith("> **注意")


def test_renderers_carry_the_checklist(reviewer: Reviewer, tmp_path: Path) -> None:
    report = reviewer.review(DEV / "B_works_violating.docx")
    md = render_markdown(report)
    assert "## 四、审查要点清单（逐项结论）" in md
    for rule_id in _expected_ids():
        assert f"| {rule_id} |" in md
    for status in CHECKLIST_STATUSES:
        assert f"{status} {report.summary['checklist'][status]} 项" in md
    out = render_docx(report, tmp_path / "r.docx")
    d = docx.Document(str(out))
    table = next(t for t in d.tables if t.rows[0].cells[0].text == "编号")
    assert [r.cells[0].text for r in table.rows[1:]] == _expected_ids()
    assert {r.cells[3].text for r in table.rows[1:]} <= set(CHECKLIST_STATUSES)
    data = json.loads(report.model_dump_json())
    assert {"checklist", "findings", "summary"} <= set(data) and data["summary"]["checklist"]


def test_broken_checklist_file_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "review_checklist.yaml"
    bad.write_text("checks:\n  T01: {checked: x, topic: '('}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="审查清单文件内容无效"):
        load_checklist(bad)
    bad.write_text("absence:\n  - {id: A01, category: x, applies_to: both, severity: high, present: [x],"
                   " basis: [{src: nosuch}], explanation: x, suggestion: x}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="未定义的法规"):
        Reviewer(kb=None, checklist=load_checklist(bad))


# --------------------------------------------------------------------------- CLI

@pytest.mark.usefixtures("fast_cli_env")
def test_cli_fail_on_counts_unknown_high_points(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tender = tmp_path / "无截止时间.txt"
    tender.write_text(TENDER_WITHOUT_DEADLINE, encoding="utf-8")
    code, out, err = run_cli_main(["review", str(tender), "--json", "--fail-on", "high"], tmp_path, capsys)
    assert code == 3 and "无法判断" in err and "T01" in err and "--allow-unknown" in err
    assert json.loads(out)["summary"]["by_severity"]["high"] == 0
    code, _, err = run_cli_main(["review", str(tender), "--json", "--fail-on", "high", "--allow-unknown"], tmp_path, capsys)
    assert code == 0, err
    assert "审查要点" in err and "无法判断" in err


@pytest.mark.usefixtures("fast_cli_env")
def test_cli_refuses_disguised_and_non_tender_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    disguised = tmp_path / "招标文件.docx"
    disguised.write_text("这是一行普通文字。", encoding="utf-8")
    out_path = tmp_path / "r.md"
    code, out, err = run_cli_main(["review", str(disguised), "--fail-on", "high", "-o", str(out_path)], tmp_path, capsys)
    assert code == 1 and "与扩展名不符" in err and "招标文件.docx" in err and not out_path.exists()
    memo = tmp_path / "会议纪要.txt"
    memo.write_text("会议纪要\n今天讨论了办公室搬迁。\n下周一开始打包。\n请各部门配合。", encoding="utf-8")
    code, out, err = run_cli_main(["review", str(memo), "--json"], tmp_path, capsys)
    assert code == 1 and "看起来不是招标文件" in err and "--force" in err and out == ""
    code, out, err = run_cli_main(["review", str(memo), "--json", "--force"], tmp_path, capsys)
    assert code == 0 and json.loads(out)["notice"] and "强制审查" in err


@pytest.mark.usefixtures("fast_cli_env")
def test_rest_refuses_non_tender_unless_forced(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.config import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path / "data", include_china_law=False,  # type: ignore[call-arg]
                        embedding={"backend": "fake"}, llm={"backend": "none"})
    memo = "会议纪要\n今天讨论了办公室搬迁。\n下周一开始打包。\n请各部门配合。".encode()
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        resp = client.post("/api/v1/review", files={"file": ("会议纪要.txt", memo, "text/plain")})
        assert resp.status_code == 422 and resp.json()["error"]["code"] == "not_a_tender"
        assert "会议纪要.txt" in resp.json()["error"]["message"]
        assert "force=true" in resp.json()["error"]["message"] and "--force" not in resp.json()["error"]["message"]
        resp = client.post("/api/v1/review", data={"force": "true"}, files={"file": ("会议纪要.txt", memo, "text/plain")})
        assert resp.status_code == 200 and resp.json()["notice"]
        assert len(resp.json()["checklist"]) == len(_expected_ids())
        tender = (DEV / "C_goods_compliant.docx").read_bytes()
        resp = client.post("/api/v1/review", data={"format": "md"}, files={"file": ("t.docx", tender, "application/octet-stream")})
        assert resp.status_code == 200 and "审查要点清单" in resp.text


# --------------------------------------------------------------------------- scanned tender

@pytest.mark.integration
@pytest.mark.usefixtures("fast_cli_env")
def test_cli_scanned_tender_reports_ocr_pages_and_progress(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events: list[tuple[str, int, int]] = []
    report = Reviewer(kb=None, use_llm=False).review(SCANNED, progress=lambda s, d, t: events.append((s, d, t)))
    assert report.metadata["ocr_pages"] == [1, 2, 3]
    assert all(0.8 <= report.metadata["ocr_confidence"][str(p)] <= 1 for p in (1, 2, 3))
    assert [e for e in events if e[0].startswith("文字识别（OCR）第")] == [
        ("文字识别（OCR）第 1 页", 0, 3), ("文字识别（OCR）第 2 页", 1, 3), ("文字识别（OCR）第 3 页", 2, 3)]
    assert {"T21", "T23", "T08"} <= {f.rule_id for f in report.findings}  # the planted risks survive OCR
    code, _, err = run_cli_main(["review", str(SCANNED), "--format", "md", "-o", str(tmp_path / "s.md")], tmp_path, capsys)
    assert code == 0 and "扫描页：第1页（置信度" in err
    assert "扫描页：第1页（置信度" in (tmp_path / "s.md").read_text(encoding="utf-8")


@pytest.mark.integration
@pytest.mark.usefixtures("fast_cli_env")
def test_rest_scanned_tender_states_ocr_pages(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assistant.api import create_app
    from assistant.config import Settings

    settings = Settings(_env_file=None, data_dir=tmp_path / "data", include_china_law=False,  # type: ignore[call-arg]
                        embedding={"backend": "fake"}, llm={"backend": "none"})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        resp = client.post("/api/v1/review", data={"format": "md"},
                           files={"file": ("扫描件.pdf", SCANNED.read_bytes(), "application/pdf")})
    assert resp.status_code == 200, resp.text
    assert "扫描页：第1页（置信度" in resp.text and "第3页" in resp.text


# --------------------------------------------------------------------------- real tender

@pytest.mark.integration
def test_real_tender_checklist_and_no_false_absences(reviewer: Reviewer) -> None:
    if not REAL_TENDER.exists():
        pytest.skip("../shared/corpus is not present")
    report = reviewer.review(REAL_TENDER)
    _assert_complete(report)
    assert not [f for f in report.findings if f.location.get("absent")], "false alarms on the real tender"
    by_id = {i.rule_id: i for i in report.checklist}
    assert by_id["T45"].status == "发现问题"
    assert by_id["T01"].status == "未发现问题" and "投标截止时间" in by_id["T01"].facts
    # no count, but 「评标委员会根据政府采购有关规定……进行组建」: the composition is the law's
    assert by_id["T44"].status == "未发现问题" and "评标委员会依照有关规定组建" in by_id["T44"].facts
    assert {by_id[a].status for a in ("A01", "A02", "A03", "A04", "A05", "A07")} == {"未发现问题"}
    # the clause shown is the one a tender agent would check, not the first mention of a word:
    # the 15-day clarification rule (not 「本表是对投标人须知的具体补充和修改」), the committee clause the
    # facts came from (not a 演示视频 row), the sale period, and a sentence rather than a bare heading
    assert "15日前" in (by_id["T03"].clause or "")
    assert "评标委员会" in (by_id["T44"].clause or "") and "演示视频" not in (by_id["T44"].clause or "")
    assert "2022年11月4日" in (by_id["T02"].clause or "")
    assert all(len(by_id[a].clause or "") >= 12 for a in ("A01", "A04", "A05"))


def test_committee_left_to_the_rules_is_clear_and_silence_is_unknown(reviewer: Reviewer) -> None:
    size = "2. 评标委员会由5人组成，其中技术、经济专家4人。"
    by_rules = TENDER_WITHOUT_DEADLINE.replace(size, "2. 评标委员会依照招标投标法律法规的有关规定组建，负责评标活动。")
    silent = TENDER_WITHOUT_DEADLINE.replace(size, "2. 评标委员会负责评标活动，独立履行职责。")
    assert by_rules != TENDER_WITHOUT_DEADLINE and silent != TENDER_WITHOUT_DEADLINE

    def t44(text: str) -> str:
        return next(i for i in reviewer.review_document(document_from_text(text, "t.txt")).checklist if i.rule_id == "T44").status

    assert t44(by_rules) == "未发现问题"
    assert t44(silent) == "无法判断"


def test_waived_bid_bond_is_not_applicable(reviewer: Reviewer) -> None:
    text = TENDER_WITHOUT_DEADLINE.replace("四、投标保证金：人民币5万元，以电汇或银行保函形式提交。", "四、本项目不收取投标保证金。")
    t08 = next(i for i in reviewer.review_document(document_from_text(text, "免保证金.txt")).checklist if i.rule_id == "T08")
    assert t08.status == "不适用" and "不收取投标保证金" in (t08.clause or "")
