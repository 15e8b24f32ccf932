"""Collusion check, QA report 5a: totals in the 开标一览表 layout, a foreign tender, citations by regime,
point-by-point responses to the tender, and the wording of the evidence."""

from __future__ import annotations

from pathlib import Path

import docx

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.data import CollusionData
from assistant.collusion.models import CollusionReport
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.price_signals import price_signals
from assistant.collusion.prices import read_prices
from assistant.collusion.reader import DocMeta, ParsedDoc, Unit
from assistant.collusion.report import render_docx, render_markdown, summary_line
from assistant.config import PROJECT_ROOT

DATA = CollusionData.load(PROJECT_ROOT / "knowledge_base" / "collusion")
PROJECT = "全国司法加密网专线传输项目"
COMPANIES = ["浙江甲信通信技术有限公司", "金华乙联网络科技有限公司", "杭州丙达信息工程有限公司", "浙江丁网通信服务有限公司"]
UPPER = {2980000: "人民币贰佰玖拾捌万元整", 3010000: "人民币叁佰零壹万元整", 3040000: "人民币叁佰零肆万元整",
         3070000: "人民币叁佰零柒万元整", 2650000: "人民币贰佰陆拾伍万元整"}
OWN = ["采用运营商政企专网承载，省端与各市端均配置双上联，核心汇聚层设备冗余，链路可用率承诺不低于百分之九十九点九九。",
       "我公司拟利用自有城域传输网，在司法厅机房新装一台传输设备，通过两条不同局向的光缆实现双路由保护。",
       "本方案采用双归属环网架构，在省司法厅核心节点部署两台设备，分别经由东、西两条互不交叉的物理光缆路由接入骨干网。",
       "项目实施分为勘察、设计、安装、调测、试运行五个阶段，每个阶段结束前由监理单位组织阶段验收并出具书面意见。"]
TENDER = [f"{PROJECT}招标文件", "采购人：某省司法厅", "采购代理机构：中钢招标有限责任公司", "政府采购项目，供应商须按格式填写开标一览表。"]


def _kaibiao(d: docx.document.Document, company: str | None, total: int | None) -> None:
    """The tender's own 开标一览表 layout: merged header 「投标报价（元/年）」 over 「大写 | 小写」."""
    t = d.add_table(rows=3, cols=4)
    h, sub, row = t.rows
    h.cells[0].text, h.cells[1].text = "包号", "投标人名称"
    merged = h.cells[2].merge(h.cells[3])
    merged.text = "投标报价（元/年）"
    sub.cells[0].text, sub.cells[1].text, sub.cells[2].text, sub.cells[3].text = "包号", "投标人名称", "大写", "小写"
    if company is not None and total is not None:
        row.cells[0].text, row.cells[1].text = "01", company
        row.cells[2].text, row.cells[3].text = UPPER[total], f"{total:.2f}"


def _doc(path: Path, paragraphs: list[str], company: str | None = None, total: int | None = None,
         author: str = "") -> Path:
    d = docx.Document()
    d.core_properties.author = author
    for p in paragraphs:
        d.add_paragraph(p)
    _kaibiao(d, company, total)
    d.save(str(path))
    return path


def _bids(tmp_path: Path, totals: list[int | None], extra: list[list[str]] | None = None) -> list[Path]:
    out = []
    for n, total in enumerate(totals):
        company = COMPANIES[n]
        paras = [f"{PROJECT}投标文件", f"投标人名称：{company}", OWN[n], *(extra[n] if extra else [])]
        out.append(_doc(tmp_path / f"{'ABCD'[n]}_{company}.docx", paras, company if total else None, total, f"作者{n}"))
    return out


def _analyze(tmp_path: Path, bids: list[Path], tender_lines: list[str] | None = None) -> CollusionReport:
    tender = _doc(tmp_path / "招标文件.docx", tender_lines or TENDER)
    return CollusionAnalyzer(DATA).analyze(tender, bids)


# --------------------------------------------------------------------------- D3: 开标一览表 totals
def _units(rows: list[list[str]]) -> ParsedDoc:
    return ParsedDoc(file="x.docx", format="docx", meta=DocMeta(),
                     units=[Unit(text=" ".join(c for c in r if c), location=f"表1第{n}行", cells=r)
                            for n, r in enumerate(rows, start=1)])


def test_the_total_is_read_from_the_small_figures_column_of_the_bid_opening_form() -> None:
    doc = _units([["包号", "投标人名称", "投标报价(元/年)"], ["包号", "投标人名称", "大写", "小写"],
                  ["01", COMPANIES[0], "人民币贰佰玖拾捌万元整", "2980000.00"]])
    table = read_prices(doc, [])
    assert (table.total, table.upper) == (2980000.0, 2980000.0)


def test_a_scoring_table_naming_the_bid_price_is_not_a_total() -> None:
    doc = _units([["评分因素", "分值", "投标报价"], ["价格分", "30分", "满足招标文件要求且投标价格最低的为评标基准价"],
                  ["序号", "内容", "说明"], ["1", "付款", "30"]])
    assert read_prices(doc, []).total is None


def test_a_price_progression_in_the_bid_opening_form_is_found(tmp_path: Path) -> None:
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 3040000, 3070000]))
    assert all(b.total_price for b in report.bids)
    assert any(g.kind == "price_progression" for g in report.groups)
    assert "未读取到" not in summary_line(report) and not any("未读取到" in w for w in report.warnings)


def test_missing_totals_are_said_in_warnings_conclusion_and_limitations(tmp_path: Path) -> None:
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, None, 3040000, None]))
    assert "未读取到 2 家的投标总价，总价规律未核对" in summary_line(report)
    assert any("未读取到 2 家的投标总价" in w for w in report.warnings)
    ran = report.limitations[0]
    assert ran.startswith("已运行的检查") and "投标总价" not in ran
    assert "未读取到 2 家的投标总价" in render_markdown(report)


# --------------------------------------------------------------------------- D4: a foreign tender
OTHER_TENDER = ["某县乌程路改建工程施工招标文件", "项目编号：WC-2025-017", "招标人：某县交通运输局", "投标人须按工程量清单报价。"]


def _foreign_values(report: CollusionReport) -> list[str]:
    return [e.value or "" for p in report.pairs for s in p.signals if s.kind == "shared_errors" for e in s.evidence
            if "不属于本项目" in e.description]


def test_a_project_number_every_bid_shares_is_a_wrong_tender_warning_not_pair_evidence(tmp_path: Path) -> None:
    line = f"我方已仔细研究了{PROJECT}（项目编号：2241STC73616）招标文件的全部内容。"
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 2650000], [[line], [line], [line], [line]])
    report = _analyze(tmp_path, bids, OTHER_TENDER)
    assert _foreign_values(report) == []
    assert any("2241STC73616" in w and "招标文件可能不属于" in w for w in report.warnings)


def test_a_foreign_project_number_two_bids_share_counts_once_without_its_bracket(tmp_path: Path) -> None:
    line = f"我方已仔细研究了{PROJECT}（项目编号：2241STC73616）招标文件的全部内容。"
    left = "项目编号：SX2023-0098（另一项目遗留）"
    left2 = "本投标文件原用于（项目编号：SX2023-0098）。"
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 2650000], [[line, left], [line, left2], [line], [line]])
    report = _analyze(tmp_path, bids, [*TENDER, "项目编号：2241STC73616"])
    assert _foreign_values(report) == ["SX2023-0098"]
    assert not any("招标文件可能不属于" in w for w in report.warnings)


# --------------------------------------------------------------------------- D8: the progression's citation
def _progression(report: CollusionReport):
    return next(g for g in report.groups if g.kind == "price_progression")


def test_a_price_progression_cites_order_87_in_government_procurement_with_the_totals_as_evidence(tmp_path: Path) -> None:
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 3040000, 3070000]))
    group = _progression(report)
    assert report.regime == "政府采购"
    assert "《政府采购货物和服务招标投标管理办法》（财政部令第87号）第三十七条第（四）项" in group.description
    assert "实施条例" not in group.description
    assert [e.value for e in group.evidence] == ["2,980,000.00 元", "3,010,000.00 元", "3,040,000.00 元", "3,070,000.00 元"]
    assert all(e.a and e.a.highlight == f"{v:.2f}" for e, v in zip(group.evidence, [2980000, 3010000, 3040000, 3070000],
                                                                    strict=True))
    assert "3010000.00" in render_markdown(report).split("## 关联组")[1]


def test_a_price_progression_in_a_works_tender_cites_the_bidding_law_regulation_by_its_full_name(tmp_path: Path) -> None:
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 3040000, 3070000]),
                      ["某县乌程路改建工程施工招标文件", "招标人：某县交通运输局", "施工单位须按工程量清单报价，建设工程监理另行招标。"])
    assert report.regime == "工程"
    assert "《中华人民共和国招标投标法实施条例》第四十条第（四）项" in _progression(report).description


# --------------------------------------------------------------------------- D10: point-by-point responses
REQUIREMENTS = [
    "要求投标方提供的电路具有自愈保护功能，在光纤损坏、光接口损坏情况下，租用的电路可用率达到百分之九十九点九。",
    "（二）采用的接入设备要求：",
    "要求全网采用全光纤的接入方式，核心点必须具备两条不同物理路由的光缆资源，安装大容量光端机设备，实现双物理路由的传输保护。",
    "（三）扩展性要求：",
    "投标方提供的网络必须具备可扩展能力，能够适应招标方网络结构的变化，具有灵活的带宽伸缩能力，满足业务发展的需要。",
    "（四）网管要求：",
    "投标方实现接入链路的端到端全程监控管理，充分保障用户电路的安全可靠性，及电路开通和调配的及时性和灵活性。",
    "（五）运行服务要求：",
    "投标人应提供详细的运行维护方案，包括故障申报流程、故障处理时限、定期巡检安排以及实施小组成员情况。",
]
OUTSIDE = [  # a long text no tender or 范本 has: shared by every bid it is a group finding
    "本项目运维团队由项目经理统一调度，设立一线值守、二线专家和三线厂商三级支撑体系，一线值守人员全天候在岗。",
    "二线专家在接到升级工单后三十分钟内远程介入，三线厂商在四小时内到场处理，所有工单在运维平台闭环归档备查。",
    "每季度由项目经理组织一次应急演练，演练脚本、签到记录和总结报告在演练结束后五个工作日内报送用户信息中心。",
    "割接前七十二小时冻结全部配置变更，割接窗口内每十五分钟通报一次进度，出现异常立即按照回退预案恢复原有链路。",
]


def _point_by_point(paragraphs: list[str]) -> list[str]:
    return [line for p in paragraphs for line in (p, "响应：满足。")]


def _common_groups(report: CollusionReport) -> list[str]:
    return [g.description for g in report.groups if g.kind == "common_text"]


def test_requirements_copied_from_the_tender_with_stock_answers_are_tender_text(tmp_path: Path) -> None:
    response = _point_by_point(REQUIREMENTS)
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 2650000], [response] * 3),
                      [*TENDER, "第三章 采购需求", *REQUIREMENTS])
    assert _common_groups(report) == []
    assert not any(s.kind == "shared_text" for p in report.pairs for s in p.signals)


def test_outside_text_interleaved_with_stock_answers_is_still_a_group_finding(tmp_path: Path) -> None:
    response = _point_by_point(OUTSIDE)
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 2650000], [response] * 3), TENDER)
    assert len(_common_groups(report)) == 1


# --------------------------------------------------------------------------- D9: wording of the evidence
def _typo_lines(report: CollusionReport) -> list[str]:
    return [e.description.split("，")[0] for p in report.pairs for s in p.signals if s.kind == "shared_errors"
            for e in s.evidence if e.description.startswith("相同错别字")]


def test_a_misspelling_with_two_likely_corrections_prints_none(tmp_path: Path) -> None:
    tender = [*TENDER, *[f"第{n}项资料按投标文件格式编制。" for n in range(20)], *[f"第{n}项以书面形式提交。" for n in range(15)],
              *[f"第{n}条链路开通前完成测试。" for n in range(10)], *[f"第{n}项服务须保证质量。" for n in range(30)]]
    slip = ["施工完成后立即进行业务开通测式，确保按期开通。", "技术服务保章：设立全天候网管中心。"]
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 2650000], [slip, slip, []]), tender)
    # 保证 is the only common word one character from 保章 here, but the tender never writes 「服务保证」: no guess
    assert sorted(_typo_lines(report)) == ["相同错别字“保章”", "相同错别字“测式”"]


def _priced(name: str, prices: list[float]) -> BidFacts:
    rows = [["序号", "分项名称", "单价(元)", "数量", "合价(元)"]]
    rows += [[str(n), f"第{n}项专线服务", f"{p:.2f}", "2", f"{2 * p:.2f}"] for n, p in enumerate(prices, start=1)]
    doc = _units(rows).model_copy(update={"file": name})
    return BidFacts.build(doc, [])


def test_each_side_of_a_price_evidence_highlights_its_own_price_as_written() -> None:
    a = _priced("A.docx", [57737.50, 119200.00, 19866.67, 149000.00, 208600.00])
    b = _priced("B.docx", [round(p / 0.99, 2) for p in [57737.50, 119200.00, 19866.67, 149000.00, 208600.00]])
    sig = next(s for s in price_signals(a, b, None, set(a.prices.rows)) if s.kind == "price_pattern")
    for e in sig.evidence:
        assert e.a and e.b and e.a.highlight != e.b.highlight
        assert f" {e.a.highlight} " in f" {e.a.text} " and f" {e.b.highlight} " in f" {e.b.text} "
    assert sig.evidence[0].a and sig.evidence[0].a.highlight == "57737.50"


def test_mixed_bid_evidence_names_the_bidders_by_company(tmp_path: Path) -> None:
    bids = _bids(tmp_path, [2980000, 3010000, 2650000], [[], [], [f"投标人：{COMPANIES[1]}（盖章）"]])
    report = _analyze(tmp_path, bids)
    mixed = [e.description for p in report.pairs for s in p.signals if s.kind == "mixed" for e in s.evidence]
    assert mixed == [f"{COMPANIES[2]}的投标文件中出现另一投标人“{COMPANIES[1]}”的名称或代码"]


SPEC = "接入设备技术规格：支持SDH STM-1/STM-4光接口，符合ITU-T G.707与G.783标准，支持1+1线性复用段保护，倒换时间小于50ms。"
COPIED = ["我公司将在合同签订后二十个日历天内完成链路接入施工，施工完成后立即进行设备安装调试和业务开通测试，确保按期开通全部业务。",
          "技术服务保障：设立全天候网管中心，故障申告后三十分钟内响应，两小时内到达现场，四小时内恢复业务，每月提交运行分析报告。"]


def test_shared_text_evidence_leaves_out_a_paragraph_every_bid_has(tmp_path: Path) -> None:
    report = _analyze(tmp_path, _bids(tmp_path, [2980000, 3010000, 2650000], [[*COPIED, SPEC], [*COPIED, SPEC], [SPEC]]))
    pair = next(p for p in report.pairs if {p.a[0], p.b[0]} == {"A", "B"})
    ev = next(s for s in pair.signals if s.kind == "shared_text").evidence
    assert ev and all(e.a and "ITU-T" not in e.a.text and e.b and "ITU-T" not in e.b.text for e in ev)
    assert any(e.a and "（共 2 段）" in e.a.location for e in ev)


def test_price_checks_in_government_procurement_use_no_construction_wording() -> None:
    base = [57737.50, 119200.00, 19866.67, 149000.00, 208600.00]
    a, b = _priced("A.docx", base), _priced("B.docx", [round(p / 0.99, 2) for p in base])
    gov = next(s for s in price_signals(a, b, None, set(a.prices.rows), "政府采购") if s.kind == "price_pattern")
    text = gov.label + "".join(gov.innocent_explanations_checked)
    assert not any(w in text for w in ("安全文明施工费", "规费", "工程量", "清单", "定额", "信息价"))
    works = next(s for s in price_signals(a, b, None, set(a.prices.rows), "工程") if s.kind == "price_pattern")
    assert "工程量由招标文件给定，未比较" in works.innocent_explanations_checked


def test_the_score_scale_and_technical_terms_are_explained_in_markdown_and_docx(tmp_path: Path) -> None:
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 3070000], [[], [], [f"投标人：{COMPANIES[1]}（盖章）"], []])
    report = _analyze(tmp_path, bids)
    md = render_markdown(report).split("## 术语说明")[1].split("## 检查方法与局限")[0]
    assert "得分只用于排序" in md and "相对距离（RDNOR）：" in md and "变异系数：" in md
    assert "Producer" not in md  # only the terms the report uses
    text = "\n".join(p.text for p in docx.Document(str(render_docx(report, tmp_path / "r.docx"))).paragraphs)
    assert "得分只用于排序" in text and "相对距离（RDNOR）：" in text
