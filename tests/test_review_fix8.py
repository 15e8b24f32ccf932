"""Review, task RV8: the SME share shown as a percentage, one severity/confidence vocabulary for the
rule catalogue, T55 询价 for services, and dev-probe misses. Each risky clause is paired with a lawful
near-miss that stays unflagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant import format_zh
from assistant.review.pipeline import Reviewer
from assistant.review.report import render_docx, render_markdown

GOV = "本项目为政府采购项目，采购方式：公开招标。\n"


def _rules(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in reviewer.review_text(GOV + text, use_llm=False).findings}


# --------------------------------------------------------------------------- 1. the SME share is a percentage


def test_sme_share_is_a_fraction_shown_as_a_percentage() -> None:
    assert format_zh.fact_text("sme_share", 0.2) == "20%"
    assert format_zh.fact_text("sme_share", 0.35) == "35%"


def test_the_reserved_share_is_listed_among_the_facts_as_a_percentage(reviewer: Reviewer, tmp_path: Path) -> None:
    report = reviewer.review_text(GOV + "本项目预算金额600万元（办公家具采购），预留其中40%的份额通过分包方式面向中小企业。",
                                  use_llm=False)
    assert report.facts["sme_share"] == pytest.approx(0.4)  # the machine value stays a fraction (JSON, API)
    rows = dict(format_zh.fact_rows(report.facts))
    assert rows["预留面向中小企业的份额（占预算）"] == "40%"
    md = render_markdown(report)
    assert "预留面向中小企业的份额（占预算）" in md and "40%" in md and "0.4" not in md
    from docx import Document

    path = render_docx(report, tmp_path / "r.docx")
    cells = [c.text for t in Document(str(path)).tables for row in t.rows for c in row.cells]
    assert "40%" in cells


# --------------------------------------------------------------------------- 2. one severity/confidence vocabulary


def test_catalogue_text_uses_the_one_severity_and_confidence_vocabulary() -> None:
    from assistant.review.catalogue import _rule_text, load_catalogue
    from assistant.schema import CONFIDENCE_ZH, SEVERITY_ZH

    rules = load_catalogue().rules
    assert {r.severity for r in rules} >= {"high", "medium"}
    for rule in rules:
        text = _rule_text(rule)
        assert f"风险等级：{SEVERITY_ZH[rule.severity]}。" in text
        for b in rule.basis:
            assert f"置信度{CONFIDENCE_ZH[b.confidence]}）" in text
        assert "med" not in text and "medium" not in text


# --------------------------------------------------------------------------- 3. T55: 询价 is for goods only

# 政府采购法第三十二条 (goods of uniform specification, in stock, stable price) and 74号令第三条 (「采购货物的，
# 还可以采用询价采购方式」): a service bought by 询价 is flagged; goods are not, nor is a market price enquiry
@pytest.mark.parametrize(("text", "flagged"), [
    ("本项目为物业管理服务，采用询价方式采购。", True),
    ("某单位2025年度保安服务采购项目，预算80万元，以询价方式确定成交供应商。", True),
    ("××学校食堂物业管理服务项目询价采购公告：采购方式：询价。", True),
    ("本项目为办公用品采购（货物），采用询价方式采购。", False),
    ("本项目为打印纸、硒鼓等办公耗材采购，采用询价方式，供应商须提供送货上门服务。", False),
    ("本项目为物业管理服务项目，采购人通过市场询价确定最高限价。", False),
    ("本项目为物业管理服务项目，采用竞争性磋商方式采购。", False),
    ("本项目为物业管理服务项目，询价采购方式不适用于本项目。", False),
])
def test_inquiry_for_services_is_flagged_with_the_goods_only_articles(reviewer: Reviewer, text: str, flagged: bool) -> None:
    report = reviewer.review_text(GOV + text, use_llm=False)
    t55 = [f for f in report.findings if f.rule_id == "T55"]
    assert bool(t55) is flagged
    if flagged:
        assert t55[0].severity == "high"
        assert [(b.title, b.article) for b in t55[0].basis] == [
            ("中华人民共和国政府采购法", "第三十二条"), ("政府采购非招标采购方式管理办法", "第三条")]


def test_inquiry_for_goods_in_a_goods_tender_is_quiet(reviewer: Reviewer) -> None:
    head = "本项目为政府采购项目（货物类），采购方式：询价。\n"
    text = "本项目采购复印纸、硒鼓等办公耗材，规格统一、现货充足，采用询价方式确定成交供应商，中标后提供送货服务。"
    assert "T55" not in {f.rule_id for f in reviewer.review_text(head + text, use_llm=False).findings}


def test_inquiry_for_government_works_still_cites_the_works_article(reviewer: Reviewer) -> None:
    text = "本项目为政府采购工程（道路修缮，预算150万元，依法不进行招标），采用询价方式确定成交供应商。"
    t55 = [f for f in reviewer.review_text(GOV + text, use_llm=False).findings if f.rule_id == "T55"]
    assert [(b.title, b.article) for b in t55[0].basis] == [
        ("中华人民共和国政府采购法实施条例", "第二十五条"), ("政府采购非招标采购方式管理办法", "第三条")]


# --------------------------------------------------------------------------- 4. dev-probe misses

WORKS = "本项目为依法必须招标的工程建设项目，施工招标。\n"


def _works(reviewer: Reviewer, text: str) -> dict[str, str]:
    return {f.rule_id: f.severity for f in reviewer.review_text(WORKS + text, use_llm=False).findings}


# T16: an advance below 10% is not excused by its repayment stated apart; a rate of repayment is not the advance
@pytest.mark.parametrize(("text", "flagged"), [
    ("工程预付款为合同价款（扣除暂列金额）的5%，在第一次进度款中一次扣回。", True),
    ("本工程预付款为签约合同价的5%，在首次进度款中全额扣回。", True),
    ("预付款为合同价的20%，在进度款累计达到合同价的60%时起扣，每次扣回当期进度款的25%。", False),
    ("预付款为合同价的10%，在支付进度款时按每期进度款的40%扣回，扣完为止。", False),
    ("预付款在进度款累计达到合同价款的50%后开始扣回。", False),
])
def test_advance_payment_rate_and_its_repayment(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T16" in _works(reviewer, text)) is flagged


def test_a_low_progress_payment_is_still_flagged_beside_a_repayment(reviewer: Reviewer) -> None:
    assert _works(reviewer, "进度款按已完成工程价款的60%支付，预付款在进度款中扣回。").get("T16") == "medium"


# T36 in a works tender: one named testing body with every other refused (实施条例第三十二条第二款第（二）项, med)
@pytest.mark.parametrize(("text", "flagged"), [
    ("主要材料须提供国家建筑工程质量监督检验中心（北京）出具的检测报告，其他CMA资质机构出具的不予采信。", True),
    ("投标人须提供由××市建设工程质量检测中心出具的主要材料检测报告，其他机构出具的不予认可。", True),
    ("主要材料进场后由建设单位委托具有相应资质的检测机构进行见证取样检测。", False),
    ("投标人提供的检测报告须由具有CMA资质的检测机构出具，其他机构出具的不予认可。", False),
])
def test_works_tender_refusing_other_testing_bodies(reviewer: Reviewer, text: str, flagged: bool) -> None:
    report = reviewer.review_text(WORKS + text, use_llm=False)
    t36 = [f for f in report.findings if f.rule_id == "T36"]
    assert bool(t36) is flagged
    if flagged:
        assert [(b.title, b.article, b.confidence) for b in t36[0].basis] == [
            ("中华人民共和国招标投标法实施条例", "第三十二条", "med")]


def test_procurement_refusing_other_testing_bodies_in_other_words(reviewer: Reviewer) -> None:
    text = "投标产品须提供××省产品质量监督检验院出具的检测报告，其他CMA资质机构出具的不予采信。"
    assert "T36" in _rules(reviewer, text)


# T35: three exact data-sheet figures required at once, or a dimension pinned to a millimetre tolerance
@pytest.mark.parametrize(("text", "flagged"), [
    ("显示屏亮度须为352cd/㎡，对比度须为1080:1，整机重量须为6.35kg", True),
    ("超声探头中心频率须为3.47MHz，扫描深度须为312mm，主机重量须为7.8kg", True),
    ("★主机外形尺寸：1986mm×785mm×1620mm（允许偏差±1mm）", True),
    ("外形尺寸：1986mm×785mm×1620mm（允许偏差±5%）", False),
    ("外形尺寸：600mm×600mm×2000mm（标准机柜）。", False),
    ("输入电压须为220V，频率须为50Hz，输出功率须不低于300W。", False),
    ("显示屏亮度须为≥350cd/㎡，对比度须为≥1000:1，整机重量须为≤7kg", False),
])
def test_parameters_copied_from_one_data_sheet(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T35" in _rules(reviewer, text)) is flagged


# T49: a new building of ten storeys or more in under 180 days is a low hint (建设工程质量管理条例第十条)
@pytest.mark.parametrize(("text", "flagged"), [
    ("合同工期：75日历天。（本项目为18层框架剪力墙结构住宅楼新建工程）", True),
    ("本工程为18层住宅楼主体及装修，合同工期90日历天，投标工期超过90日历天的否决投标。", True),
    ("本工程为18层住宅楼新建工程，合同工期720日历天。", False),
    ("本工程为18层住宅楼外墙保温及涂料翻新，合同工期90日历天。", False),
    ("本工程为3层框架结构新建食堂，合同工期150日历天。", False),
    ("本工程为12层办公楼新建工程，地下室工期节点：开工后90日历天完成。", False),
])
def test_a_high_rise_built_in_a_few_months(reviewer: Reviewer, text: str, flagged: bool) -> None:
    found = [f for f in reviewer.review_text(WORKS + text, use_llm=False).findings if f.rule_id == "T49"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].severity == "low" and "工期定额" in found[0].explanation


# T34: the brand of the purchaser's existing equipment; T35: compatible with the same brand's other products
@pytest.mark.parametrize(("text", "rule", "flagged"), [
    ("交换机须与采购人现有华为设备同品牌，以保证统一网管。", "T34", True),
    ("交换机须与采购人现有网管平台兼容，支持SNMP v3协议。", "T34", False),
    ("▲2.兼容性：可兼容同品牌胃肠镜、超声内镜、支气管镜、十二指肠镜等，提供拓展诊疗平台。", "T35", True),
    ("图像处理器须兼容同品牌及其他品牌的内镜。", "T35", False),
])
def test_brand_of_existing_equipment_and_same_brand_compatibility(reviewer: Reviewer, text: str, rule: str,
                                                                    flagged: bool) -> None:
    assert (rule in _rules(reviewer, text)) is flagged


# T36: samples of every item, or judged on the committee's overall impression (87号令第二十二条)
@pytest.mark.parametrize(("text", "flagged"), [
    ("所有投标人须提供全部采购清单产品的样品（共计38项），样品由评标委员会综合打分。", True),
    ("投标人须提供课桌椅样品1套，样品评审标准：符合GB/T 3976的得3分，不符合的得0分。", False),
])
def test_samples_of_every_item_scored_without_a_standard(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T36" in _rules(reviewer, text)) is flagged


# T38: a software copyright scored in a manual service is a low hint; an IT or platform service is quiet
@pytest.mark.parametrize(("text", "flagged"), [
    ("本项目为办公楼保洁服务，投标人每拥有一项计算机软件著作权得1分，最高得3分", True),
    ("本项目为智慧物业管理服务，投标人具有物业管理平台软件著作权的得1分。", False),
    ("本项目为信息系统运维服务，投标人每拥有一项软件著作权得1分。", False),
])
def test_software_copyright_scored_in_a_cleaning_service(reviewer: Reviewer, text: str, flagged: bool) -> None:
    found = [f for f in reviewer.review_text(GOV + text, use_llm=False).findings if f.rule_id == "T38"]
    assert bool(found) is flagged
    if flagged:
        assert found[0].severity == "low"


# T06: a bond validity set to run past the bid validity (招标投标法实施条例第二十六条: the two are one period)
@pytest.mark.parametrize(("text", "flagged"), [
    ("投标保证金有效期应当超出投标有效期30天，以保函形式提交的，保函有效期不足的按未提交保证金处理。", True),
    ("投标保证金有效期为投标有效期满后28日。", True),
    ("投标保证金有效期与投标有效期一致。", False),
    ("投标保证金有效期不得超出投标有效期。", False),
])
def test_bond_validity_longer_than_bid_validity(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T06" in _works(reviewer, text)) is flagged


def test_bond_validity_longer_than_bid_validity_is_quiet_in_government_procurement(reviewer: Reviewer) -> None:
    """No 政府采购 rule sets the bond's validity (87号令第二十三条 is about the bid validity): works only."""
    text = "投标保证金有效期应当超出投标有效期30天。"
    assert "T06" not in {f.rule_id for f in reviewer.review_text(GOV + text, use_llm=False).findings}


# T22: an honour awarded by one place's association (实施条例第三十二条第二款第（三）项)
@pytest.mark.parametrize(("text", "flagged"), [
    ("投标人获得过××市建筑业协会颁发的“安全文明标准化工地”称号的，每项加0.5分，最多加2分。", True),
    ("投标人获得过中国建筑业协会颁发的“鲁班奖”的，每项加1分。", False),
])
def test_honour_awarded_by_a_local_association(reviewer: Reviewer, text: str, flagged: bool) -> None:
    assert ("T22" in _works(reviewer, text)) is flagged


def test_explanation_sentences_run_together_without_spaces(reviewer: Reviewer) -> None:
    """A detail and the rule's explanation are Chinese sentences: no space between them, a full stop where missing."""
    from assistant.format_zh import sentences

    assert sentences("未说明理由（理由）。", "采购限额标准以上。") == "未说明理由（理由）。采购限额标准以上。"
    assert sentences("预算超过200万元", "", "应预留份额。") == "预算超过200万元。应预留份额。"
    report = reviewer.review_text(GOV + "采购预算：300万元。\n本项目不专门面向中小企业预留采购份额。", use_llm=False)
    t45 = [f for f in report.findings if f.rule_id == "T45"]
    assert t45 and "。 " not in t45[0].explanation and "。采购限额标准以上" in t45[0].explanation
