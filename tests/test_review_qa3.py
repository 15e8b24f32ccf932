"""Review defects of QA report 3 (D2, D4–D6, D14–D16, D19, D20): one regression test each."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.review.pipeline import Reviewer
from assistant.schema import ReviewReport

DATA = Path(__file__).resolve().parent / "data" / "review_qa3"
GOODS_HEAD = "本项目为政府采购项目（货物类），采购人：某单位。预算金额：200万元。\n"
WORKS_HEAD = "本项目为依法必须招标的工程建设项目，施工招标，招标人：某建设公司。\n"


def _item(report: ReviewReport, rule_id: str):  # type: ignore[no-untyped-def]
    return next(i for i in report.checklist if i.rule_id == rule_id)


def _serious(reviewer: Reviewer, text: str) -> set[str]:
    return {f.rule_id for f in reviewer.review_text(text, use_llm=False).findings if f.severity in ("high", "medium")}


# ------------------------------------------------------------------ D15: method from the standard template


def test_standard_template_method_sentence_clears_t47(reviewer: Reviewer) -> None:
    report = reviewer.review(DATA / "eng_clean.txt")
    assert report.facts.get("procurement_method") == "公开招标"
    assert _item(report, "T47").status == "未发现问题"
    assert not any(i.status == "无法判断" and i.severity == "high" for i in report.checklist)


@pytest.mark.parametrize(("sentence", "method"), [
    ("项目已具备招标条件，现对该项目的施工进行公开招标。", "公开招标"),
    ("本项目采用公开招标方式确定施工单位。", "公开招标"),
    ("经批准，本项目采用邀请招标方式。", "邀请招标"),
    ("现对该项目的施工进行邀请招标。", "邀请招标"),
])
def test_method_read_from_template_sentences(reviewer: Reviewer, sentence: str, method: str) -> None:
    report = reviewer.review_text(WORKS_HEAD + "工程估算价：1200万元。\n" + sentence, use_llm=False)
    assert report.facts.get("procurement_method") == method


def test_quoted_duty_is_not_the_method(reviewer: Reviewer) -> None:
    report = reviewer.review_text(WORKS_HEAD + "依法必须进行公开招标的项目，应当依照本办法执行。\n", use_llm=False)
    assert "procurement_method" not in report.facts


def test_unknown_note_names_only_what_is_missing(reviewer: Reviewer) -> None:
    report = reviewer.review_text(WORKS_HEAD + "工程估算价：1200万元。\n投标人须具备市政公用工程施工总承包二级资质。", use_llm=False)
    item = _item(report, "T47")
    assert item.status == "无法判断"
    assert "招标方式" in item.note and "估算价" not in item.note


# ------------------------------------------------------------------ D4: the score column by its header


def _scoring_tender(path: Path, header: list[str], rows: list[tuple[str, ...]], subject_line: str) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("某单位办公设备采购项目公开招标文件", 0)
    for p in ["采购人：某单位（政府采购项目）。", "第一章 招标公告", "采购方式：公开招标；项目预算金额：200万元。", subject_line,
              "投标截止时间：2026年6月1日9时30分。", "第四章 评标方法和评分标准", "评标方法：综合评分法。"]:
        d.add_paragraph(p)
    t = d.add_table(rows=1, cols=len(header))
    for i, h in enumerate(header):
        t.rows[0].cells[i].text = h
    for r in rows:
        cells = t.add_row().cells
        for i, v in enumerate(r):
            cells[i].text = v
    d.save(str(path))
    return path


@pytest.mark.parametrize(("header", "rows"), [
    (["序号", "评分因素", "分值", "评分标准"], [("1", "价格分", "20分", "价格分=（评标基准价/投标报价）×20"),
                                        ("2", "技术部分", "80分", "完全满足得80分")]),
    (["评分因素", "权重", "评分标准"], [("价格", "20%", "评标基准价/投标报价×20"), ("技术", "80%", "完全满足得80分")]),
    (["评分项目", "分值", "评分标准"], [("价格分", "20", "价格分=（评标基准价/投标报价）×20"), ("技术方案", "80", "酌情")]),
])
def test_price_weight_from_the_score_column(reviewer: Reviewer, tmp_path: Path, header: list[str],
                                             rows: list[tuple[str, ...]]) -> None:
    path = _scoring_tender(tmp_path / "s.docx", header, rows, "采购标的：交互式智能平板、教师用计算机等货物。")
    report = reviewer.review(path)
    assert report.facts.get("price_weight") == pytest.approx(0.2)
    assert "T40" in {f.rule_id for f in report.findings}


def test_lawful_price_weight_with_index_column_passes(reviewer: Reviewer, tmp_path: Path) -> None:
    rows = [("1", "价格分", "30分", "价格分=（评标基准价/投标报价）×30"), ("2", "技术部分", "70分", "完全满足得70分")]
    path = _scoring_tender(tmp_path / "ok.docx", ["序号", "评分因素", "分值", "评分标准"], rows, "本项目为货物采购。")
    report = reviewer.review(path)
    assert report.facts.get("price_weight") == pytest.approx(0.3)
    assert "T40" not in {f.rule_id for f in report.findings}


# ------------------------------------------------------------------ D5: excluding SMEs


@pytest.mark.parametrize("clause", ["本项目不接受中小企业投标。", "投标人须为小型或微型企业以外的大中型企业。"])
def test_excluding_smes_is_a_high_finding_with_sme_basis(reviewer: Reviewer, clause: str) -> None:
    findings = [f for f in reviewer.review_text(GOODS_HEAD + clause, use_llm=False).findings
                if f.rule_id == "T24" and f.source == "rule"]
    assert findings and findings[0].severity == "high"
    cited = {(b.title, b.article) for b in findings[0].basis}
    assert ("政府采购促进中小企业发展管理办法", "第五条") in cited
    assert ("中华人民共和国政府采购法实施条例", "第二十条") in cited


def test_protecting_smes_is_not_flagged(reviewer: Reviewer) -> None:
    assert "T24" not in _serious(reviewer, GOODS_HEAD + "采购人不得限制或者排斥中小企业参加政府采购活动。")


# ------------------------------------------------------------------ D6: brand by structure, both word orders of 原装进口


@pytest.mark.parametrize("clause", ["交互式智能平板须为希沃（seewo）品牌原装产品。", "交互式智能平板：希沃品牌。",
                                    "所投产品须为进口原装产品。", "所投产品须为原装进口产品。"])
def test_brand_or_import_requirement_is_flagged(reviewer: Reviewer, clause: str) -> None:
    assert "T34" in _serious(reviewer, GOODS_HEAD + clause)


@pytest.mark.parametrize("clause", ["交互式智能平板：品牌不限，须提供产品彩页。", "品牌：投标人自报；型号：投标人自报。",
                                    "交换机参考品牌：华为、新华三、锐捷或同等及以上品牌。", "标识标牌：不锈钢标牌。"])
def test_brand_look_alikes_stay_quiet(reviewer: Reviewer, clause: str) -> None:
    assert "T34" not in _serious(reviewer, GOODS_HEAD + clause)


# ------------------------------------------------------------------ D14: payment terms in days, months and years


@pytest.mark.parametrize("clause", ["付款期限为验收后360日。", "验收合格后一年内付清。", "验收合格满12个月后支付合同价款。",
                                    "验收合格之日起半年内支付合同款。"])
def test_long_payment_terms_in_any_unit(reviewer: Reviewer, clause: str) -> None:
    assert "T17" in _serious(reviewer, GOODS_HEAD + clause)


def test_warranty_year_next_to_a_short_payment_term_is_quiet(reviewer: Reviewer) -> None:
    text = GOODS_HEAD + "验收合格后一年内如出现质量问题，供应商应免费维修，采购人验收合格后30日内支付货款。"
    assert "T17" not in _serious(reviewer, text)


# ------------------------------------------------------------------ D16: 备选库 direct award, compulsory site visit


def test_reserve_list_with_direct_award_is_flagged(reviewer: Reviewer) -> None:
    assert "T29" in _serious(reviewer, GOODS_HEAD + "投标人中标后纳入采购人备选供应商库，三年内同类项目直接委托。")
    assert "T29" not in _serious(reviewer, GOODS_HEAD + "本项目合同履行期满后，后续同类项目由采购人依法重新组织采购。")


def test_compulsory_site_visit_is_flagged(reviewer: Reviewer) -> None:
    assert "T52" in _serious(reviewer, GOODS_HEAD + "供应商须于开标前到采购人处进行现场踏勘，未踏勘的投标无效。")
    assert "T52" not in _serious(reviewer, GOODS_HEAD + "投标人可自行踏勘现场，未踏勘不影响投标。")


# ------------------------------------------------------------------ D19: a finding on a numbered title goes to the sentence under it


def test_finding_on_a_title_line_is_anchored_to_the_operative_sentence(reviewer: Reviewer) -> None:
    report = reviewer.review(DATA / "eng.txt")
    t07 = [f for f in report.findings if f.rule_id == "T07"]
    assert t07 and all(f.clause.startswith("7.1 ") for f in t07)


# ------------------------------------------------------------------ D2: the 6%-10% of 46号文第九条 is the superseded rate


def test_sme_deduction_finding_explains_the_2022_rate_change(reviewer: Reviewer) -> None:
    report = reviewer.review_text(GOODS_HEAD + "对小微企业报价给予6%的扣除，用扣除后的价格参加评审。", use_llm=False)
    [t46] = [f for f in report.findings if f.rule_id == "T46"]
    text = t46.explanation
    assert "财库〔2022〕19号" in text and "6%—10%" in text and "10%—20%" in text and "未收录于知识库" in text
    assert "第九条" in text


def test_sme_deduction_within_the_current_range_is_quiet(reviewer: Reviewer) -> None:
    assert "T46" not in _serious(reviewer, GOODS_HEAD + "对小微企业报价给予10%的扣除，用扣除后的价格参加评审。")


# ------------------------------------------------------------------ D20: 招标投标领域 rules against a 政府采购 tender


def test_tendering_regime_rules_are_not_high_confidence_in_government_procurement(reviewer: Reviewer) -> None:
    report = reviewer.review_text(GOODS_HEAD + "投标人须为在金华市行政区域内注册的企业。", use_llm=False)
    cited = [b for f in report.findings if f.rule_id == "T21" for b in f.basis if "公平竞争审查规则" in b.title]
    assert cited and all(b.confidence == "med" for b in cited)
    works = reviewer.review_text(WORKS_HEAD + "工程估算价：1000万元。\n投标人须为在金华市行政区域内注册的企业。", use_llm=False)
    cited = [b for f in works.findings if f.rule_id == "T21" for b in f.basis if "公平竞争审查规则" in b.title]
    assert cited and all(b.confidence == "high" for b in cited)


# ------------------------------------------------------------------ D20: each shared article printed once, in an appendix


def test_shared_article_text_is_printed_once(reviewer: Reviewer, tmp_path: Path) -> None:
    from assistant.review.report import render_markdown
    from assistant.schema import Basis, Finding

    text = "第二十条 采购人或者采购代理机构有下列情形之一的，属于以不合理的条件对供应商实行差别待遇或者歧视待遇：……"
    basis = Basis(title="中华人民共和国政府采购法实施条例", article="第二十条", text=text, confidence="high",
                  in_knowledge_base=True)
    report = reviewer.review_text(GOODS_HEAD + "投标人须为在金华市行政区域内注册的企业。", use_llm=False)
    one = report.findings[0]
    report.findings = [Finding(**{**one.model_dump(), "basis": [basis]}) for _ in range(3)]
    md = render_markdown(report)
    assert md.count("属于以不合理的条件对供应商实行差别待遇") == 1
    assert "附录：引用条文" in md and md.count("条文见附录「引用条文」第1项") == 3
