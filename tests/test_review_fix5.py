"""Fixes from exploratory report 5a: regime of a 政府采购工程 (D5), budget labels (D11)."""

from __future__ import annotations

import pytest

from assistant.config import PROJECT_ROOT
from assistant.review.pipeline import Reviewer
from assistant.review.reader import document_from_text
from assistant.review.report import render_markdown
from assistant.schema import ReviewReport

DEV = PROJECT_ROOT / "tests" / "data" / "tenders_dev"
REAL_TENDER = PROJECT_ROOT.parent / "shared" / "corpus" / "tenders" / "政府采购项目公开招标文件.docx"

GOV_WORKS = """某区实验小学教学楼维修改造工程施工招标文件
第一章 招标公告
1. 招标条件：本项目为政府采购工程项目，采购人为某区实验小学，资金来源为财政资金，已列入政府采购预算。{method}
2. 项目概况：建设地点某区；预算金额：600万元；最高投标限价：600万元；计划工期：90日历天。
3. 投标人资格要求：投标人须具备建筑工程施工总承包三级及以上资质。
4. 招标文件获取：2026年4月1日至2026年4月7日。
5. 投标截止时间：2026年4月28日9时30分。
第二章 投标人须知
投标保证金：人民币18万元。
投标有效期：90日历天。
质疑：供应商认为招标文件使自己的权益受到损害的，可以在知道其权益受到损害之日起7个工作日内向采购人提出质疑。
第三章 评标办法
评标办法：综合评估法。价格分30分，技术分60分，商务分10分。
"""
TENDERED = "现对该项目的施工进行公开招标。"
NEGOTIATED = "本项目采用竞争性磋商方式采购。"


def _review(reviewer: Reviewer, text: str) -> ReviewReport:
    return reviewer.review_document(document_from_text(text, "gov_works.txt"))


def _never_goods_and_services(report: ReviewReport) -> None:
    """A works project is never called 「政府采购货物和服务项目」 in a checklist note."""
    assert not [i.rule_id for i in report.checklist if "本项目为政府采购货物和服务项目" in i.note]


def test_government_works_tendered_follows_the_tendering_law(reviewer: Reviewer) -> None:
    report = _review(reviewer, GOV_WORKS.format(method=TENDERED))
    assert report.summary["regime"] == "工程" and report.summary["subject"] == "工程"
    reason = report.facts["regime_reason"]
    assert "政府采购法实施条例第七条" in reason and "招标投标法及其实施条例" in reason
    bond = [f for f in report.findings if f.category.startswith("投标保证金")]
    assert bond and {(b.title, b.article) for b in bond[0].basis} == {("中华人民共和国招标投标法实施条例", "第二十六条")}
    _never_goods_and_services(report)
    assert f"适用法律体系：依法必须招标的工程建设项目（招标投标法体系）；{reason}" in render_markdown(report)


def test_government_works_by_negotiation_stays_government_procurement(reviewer: Reviewer) -> None:
    report = _review(reviewer, GOV_WORKS.format(method=NEGOTIATED))
    assert report.summary["regime"] == "政府采购" and report.summary["subject"] == "工程"
    assert "regime_reason" not in report.facts
    _never_goods_and_services(report)
    assert any("政府采购工程项目（适用政府采购法）" in i.note for i in report.checklist if i.status == "不适用")


def test_plain_works_tender_keeps_its_regime_without_a_reason(reviewer: Reviewer) -> None:
    report = reviewer.review(DEV / "A_works_compliant.docx")
    assert report.summary["regime"] == "工程" and "regime_reason" not in report.facts


@pytest.mark.skipif(not REAL_TENDER.exists(), reason="../shared corpus absent")
def test_real_government_service_tender_keeps_its_regime(reviewer: Reviewer) -> None:
    report = reviewer.review(REAL_TENDER)
    assert report.summary["regime"] == "政府采购" and report.summary["subject"] == "服务"
    assert "regime_reason" not in report.facts


SERVICE = """某市政务专线租用服务项目公开招标文件
第一章 投标邀请
本项目为政府采购服务项目，采购人为某市大数据中心，采用公开招标方式采购。
项目预算金额：300万元/年。
本项目的采购年限为3年、概算总金额为900万元。
投标截止时间：2026年5月20日9时30分。
第二章 投标人须知
投标保证金：人民币10万元。
{years}
"""


def test_annual_budget_is_labelled_per_year_and_no_estimate_in_procurement(reviewer: Reviewer) -> None:
    report = _review(reviewer, SERVICE.format(years=""))
    bond = [f for f in report.findings if f.category.startswith("投标保证金")]
    assert bond and "预算金额（每年）300万元，占3.33%" in bond[0].explanation
    assert "按服务期合计" not in bond[0].explanation
    labels = report.facts["labels"]
    assert labels["budget"] == "预算金额（元/年）" and labels["estimate"] == "服务期预算合计（元）"
    md = render_markdown(report)
    assert "估算价" not in md and "| 服务期预算合计 | 9,000,000 元（900 万元） |" in md


def test_annual_budget_times_the_service_years_is_the_stated_total(reviewer: Reviewer) -> None:
    # lawful near miss: 10万元 is 1.1% of the 3-year total, which the ratio is taken of when the years are stated
    report = _review(reviewer, SERVICE.format(years="服务期限为3年。"))
    assert not [f for f in report.findings if f.category.startswith("投标保证金")]
    report = _review(reviewer, SERVICE.format(years="服务期限为3年。").replace("人民币10万元", "人民币20万元"))
    bond = [f for f in report.findings if f.category.startswith("投标保证金")]
    assert bond and "服务期预算合计（3年）900万元" in bond[0].explanation


def test_works_tender_keeps_the_estimate_label(reviewer: Reviewer) -> None:
    report = reviewer.review(DEV / "A_works_compliant.docx")
    assert report.facts["labels"]["estimate"] == "估算价（元）"


# 政府采购法实施条例第七条第三款: a 政府采购工程 carries out 政府采购政策 however it is procured
SME_NOT_RESERVED = "本项目不专门面向中小企业采购。"


def _checklist(report: ReviewReport) -> dict[str, str]:
    return {i.rule_id: i.status for i in report.checklist}


@pytest.mark.parametrize("method", [TENDERED, NEGOTIATED])
def test_government_works_carries_out_the_sme_policy(reviewer: Reviewer, method: str) -> None:
    report = _review(reviewer, GOV_WORKS.format(method=method) + SME_NOT_RESERVED)
    status = _checklist(report)
    assert status["T46"] != "不适用" and status["A05"] != "不适用"
    t45 = [f for f in report.findings if f.rule_id == "T45"]
    assert t45, status["T45"]  # 600万元 works: over 400万, not reserved, no reason given
    assert ("政府采购促进中小企业发展管理办法", "第八条") in {(b.title, b.article) for b in t45[0].basis}


@pytest.mark.parametrize(("rate", "flagged"), [("4%", False), ("3%", False), ("10%", True), ("2%", True)])
def test_government_works_price_deduction_is_three_to_five_percent(reviewer: Reviewer, rate: str, flagged: bool) -> None:
    text = GOV_WORKS.format(method=TENDERED) + f"本项目预留40%的预算份额面向中小企业采购。对小微企业报价给予{rate}的扣除，用扣除后的价格参加评审。"
    assert any(f.rule_id == "T46" for f in _review(reviewer, text).findings) is flagged


def test_a_government_works_project_named_in_the_first_lines_is_works(reviewer: Reviewer) -> None:
    text = "采购方式：竞争性磋商\n采购标的：政府采购工程（学校操场改造），预算金额360万元；面向大、中、小、微型企业采购\n"
    report = _review(reviewer, text)
    assert report.summary["subject"] == "工程" and any(f.rule_id == "T45" for f in report.findings)
    goods = _review(reviewer, "本项目为政府采购项目（货物类）。本项目不属于政府采购工程。\n预算金额：300万元。\n")
    assert goods.summary["subject"] == "货物"
