"""Collusion check: text every bid shares, product literature, and misspellings found with the dictionary."""

from __future__ import annotations

from pathlib import Path

from assistant.collusion.data import CollusionData
from assistant.collusion.models import CollusionReport
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.reader import DocMeta, ParsedDoc, Unit
from assistant.collusion.text_signals import is_product_literature, paragraph_of
from assistant.collusion.typos import candidates
from assistant.config import PROJECT_ROOT
from tests.conftest import docx_file

DATA = CollusionData.load(PROJECT_ROOT / "knowledge_base" / "collusion")
PROJECT = "全国司法加密网专线传输项目"
AGENCY = "中钢招标有限责任公司"
# The tender's own text: its forms have blanks; 「提供」 is one of its common words.
TENDER = [f"{PROJECT}招标文件", f"采购代理机构：{AGENCY}", "投标函", "致：（采购代理机构名称）",
          "我方已仔细研究了（项目名称）招标文件的全部内容，愿意以投标总报价承担本项目的全部工作。",
          "我方承诺在投标有效期内不修改、撤销投标文件。", "法定代表人授权委托书", "本授权委托书声明：我（姓名）系（投标人名称）的授权代表。",
          *[f"供应商应提供第{n}项服务的响应说明，并提供相应的证明材料。" for n in range(1, 8)]]
# What every honest bidder writes when it fills the forms in: not in the tender (the blanks are filled).
COVER = [f"{PROJECT}投标文件", "投标函", f"致：{AGENCY}",
         f"我方已仔细研究了{PROJECT}招标文件的全部内容，愿意以投标总报价承担本项目的全部工作。",
         "我方承诺在投标有效期内不修改、撤销投标文件。", "法定代表人授权委托书"]
OWN = [  # each bidder's own technical text
    ["采用运营商政企专网承载，省端与各市端均配置双上联，核心汇聚层设备冗余，链路可用率承诺不低于百分之九十九点九九。",
     "先行搭建测试环境模拟业务流量，经压力测试合格后分地市逐步割接，每个地市割接窗口不超过一小时。"],
    ["我公司拟利用自有城域传输网，在司法厅机房新装一台传输设备，通过两条不同局向的光缆实现双路由保护。",
     "新链路开通后与原链路并行运行两周，经用户确认业务稳定后，在周末业务低谷时段逐条迁移，迁移过程全程录像。"],
    ["本方案采用双归属环网架构，在省司法厅核心节点部署两台设备，分别经由东、西两条互不交叉的物理光缆路由接入骨干网。",
     "我司在金华设立全天候值守的网络运维中心，配备光功率计等仪表，故障响应时间不超过三十分钟，到场时间不超过两小时。"],
    ["项目实施分为勘察、设计、安装、调测、试运行五个阶段，每个阶段结束前由监理单位组织阶段验收并出具书面意见。",
     "售后服务期内每半年开展一次全网健康检查，检查报告在十个工作日内书面提交用户，发现隐患限期整改闭环。"],
]
BROCHURE = ("OptiX OSN 1800 II是华为推出的新一代多业务光传送平台，支持SDH、PKT和OTN统一交换，单子架提供最大1.6T的交叉容量，"
            "支持1+1线路保护和SNCP子网连接保护，保护倒换时间小于50ms，支持-48V/-60V直流和220V交流供电，设备高度仅2U。")
COPIED = ("针对本项目割接窗口短的特点，项目组拟投入十二名工程师，分三个批次组织割接，每批次割接前四十八小时完成配置核查，"
          "割接后由驻场工程师逐端口核对业务，核对记录经用户签字后归档，任何批次出现异常立即按回退流程恢复原有链路。"
          "割接期间设立临时指挥小组，每三十分钟向用户通报一次进度，全部割接完成后连续观察七十二小时再撤场。")


def _bid(n: int, extra: list[str]) -> list[str]:
    name = ["甲", "乙", "丙", "丁"][n]
    return [*COVER, f"本授权委托书声明：我{['王建国', '陈静', '赵磊', '孙强'][n]}系{name}通信有限公司的授权代表，"
            f"联系电话：1390000000{n}。", f"投标人名称：{name}通信有限公司", *OWN[n], *extra]


def _analyze(tmp_path: Path, extras: list[list[str]]) -> CollusionReport:
    tender = docx_file(tmp_path / "招标文件.docx", TENDER, "招标代理")
    bids = [docx_file(tmp_path / f"投标文件_{n}.docx", _bid(n, extra), f"作者{n}") for n, extra in enumerate(extras)]
    return CollusionAnalyzer(DATA).analyze(tender, bids)


def _pair(report: CollusionReport, a: int, b: int):
    names = {f"投标文件_{a}.docx", f"投标文件_{b}.docx"}
    return next((p for p in report.pairs if {p.a, p.b} == names), None)


def _signal(pair, kind: str):
    return next((s for s in pair.signals if s.kind == kind), None) if pair else None


# --------------------------------------------------------------------------- text all bids share
def test_form_text_every_bid_fills_in_is_neither_counted_nor_listed(tmp_path: Path) -> None:
    report = _analyze(tmp_path, [[], [], []])
    assert not [s for p in report.pairs for s in p.signals if s.kind == "shared_text"]
    assert not [g for g in report.groups if g.kind == "common_text"]  # short fill-in joins: no group finding either


def test_all_bid_text_is_dropped_from_a_pair_that_shares_more(tmp_path: Path) -> None:
    """The pair's evidence lists only what the two share beyond the common forms, and says so truthfully."""
    report = _analyze(tmp_path, [[COPIED], [COPIED], []])
    sig = _signal(_pair(report, 0, 1), "shared_text")
    assert sig is not None and sig.tier in ("中", "强")
    assert all("另有" not in e.description for e in sig.evidence)
    assert all(PROJECT not in (e.value or "") for e in sig.evidence)
    assert any("全部 3 份投标文件都有的文字不计入" in c for c in sig.innocent_explanations_checked)


def test_a_ring_of_every_bidder_is_reported_as_a_group(tmp_path: Path) -> None:
    """All three bids copy one long proposal: no pair stands out, but the group finding names all of them."""
    report = _analyze(tmp_path, [[COPIED], [COPIED], [COPIED]])
    groups = [g for g in report.groups if g.kind == "common_text"]
    assert len(groups) == 1
    assert len(groups[0].members) == 3 and groups[0].evidence
    assert "全部 3 份投标文件" in groups[0].description


def test_a_ring_of_all_but_one_bid_still_counts_per_pair(tmp_path: Path) -> None:
    """Three of four bids share the passage (陪标 with one honest bidder): every ring pair keeps it as evidence
    (weighted by the number of bids holding it, as before: a run in three bids counts half per pair)."""
    report = _analyze(tmp_path, [[COPIED], [COPIED], [COPIED], []])
    for a, b in ((0, 1), (0, 2), (1, 2)):
        sig = _signal(_pair(report, a, b), "shared_text")
        assert sig is not None, (a, b)
        assert any(len(e.value or "") >= 100 for e in sig.evidence)
    assert _pair(report, 0, 3) is None


# --------------------------------------------------------------------------- product literature
def test_product_literature_is_recognised_by_its_model_numbers_and_parameters() -> None:
    assert is_product_literature(BROCHURE)
    assert not is_product_literature(COPIED)
    assert not is_product_literature(OWN[0][0])


def test_a_shared_brochure_paragraph_alone_is_only_a_weak_labelled_signal(tmp_path: Path) -> None:
    report = _analyze(tmp_path, [[BROCHURE], [BROCHURE], []])
    pair = _pair(report, 0, 1)
    assert pair is None or pair.risk == "low"
    sig = _signal(pair, "shared_text")
    if sig is not None:
        assert sig.tier == "弱"
        assert any("产品资料" in e.description for e in sig.evidence)


# --------------------------------------------------------------------------- misspellings
TYPO_LINE = "割接当日分三批次切换业务，回退预案提共完整的配置备份与十五分钟内恢复能力。"


def _typos(report: CollusionReport, a: int, b: int) -> list[str]:
    sig = _signal(_pair(report, a, b), "shared_errors")
    return [e.value or "" for e in sig.evidence] if sig else []


def test_a_misspelling_only_two_bids_share_is_reported(tmp_path: Path) -> None:
    # the third bid writes 「预案提供完整」: the correction is confirmed in the same phrase (the tender alone never
    # writes 提供 next to 预案 or 完整, and then no correction is printed: see test_collusion_followups_fix5)
    report = _analyze(tmp_path, [[TYPO_LINE], ["我方承诺回退预案提共完整的数据备份，并在割接前完成演练。"],
                                 ["回退预案提供完整的恢复步骤。"]])
    assert _typos(report, 0, 1) == ["提共"]
    sig = _signal(_pair(report, 0, 1), "shared_errors")
    assert "应为“提供”" in sig.evidence[0].description
    assert _pair(report, 0, 2) is None or not _typos(report, 0, 2)


def test_a_misspelling_in_every_bid_or_in_the_tender_is_not_reported(tmp_path: Path) -> None:
    report = _analyze(tmp_path, [[TYPO_LINE], [TYPO_LINE], [TYPO_LINE]])
    assert not any(s.kind == "shared_errors" for p in report.pairs for s in p.signals)
    (tmp_path / "t").mkdir()
    TENDER.append("回退预案提共完整的配置备份。")
    try:
        report = _analyze(tmp_path / "t", [[TYPO_LINE], [TYPO_LINE], []])
    finally:
        TENDER.pop()
    assert not _typos(report, 0, 1)


def test_names_terms_and_model_numbers_are_not_misspellings(tmp_path: Path) -> None:
    """A shared rare name, a technical term the dictionary lacks and a model number: none is a typo."""
    lines = ["技术负责人：冯提共，负责现场协调。", "运维团队每月巡检一次。", "设备型号OSN1800提供冗余电源。"]
    report = _analyze(tmp_path, [lines, lines, []])
    assert _typos(report, 0, 1) == []


def test_a_negation_before_a_verb_is_not_a_misspelling(tmp_path: Path) -> None:
    """「未作规定」 quoted from a regulation by two bids: 「未作」 is a phrase (negation + verb), although 「工作」,
    one character away, is a word the tender uses often (a false alarm found on real regulations)."""
    assert candidates("本办法未作规定的，按照有关规定执行。") == set()
    assert candidates("非属本项目范围的事项") == set()
    assert candidates("回退预案提共完整的配置备份。") == {"提共"}  # an ordinary misspelling still is one
    quoted = "合同未作约定的事项，双方协商解决；协商不成的，按照本办法未作规定的处理原则执行。"
    TENDER.extend(f"第{n}项工作由供应商负责，工作成果须经采购人确认。" for n in range(1, 7))
    try:
        report = _analyze(tmp_path, [[quoted], [quoted], []])
    finally:
        del TENDER[-6:]
    assert "未作" not in _typos(report, 0, 1)


def test_zero_width_characters_do_not_hide_a_shared_misspelling(tmp_path: Path) -> None:
    """The check reads the text as shown: a slip with zero-width characters inside is the same slip (the reader
    removes them from files; the check must not depend on that)."""
    hidden = "\u200b".join(TYPO_LINE)
    assert candidates(hidden) == candidates(TYPO_LINE) and "提共" in candidates(hidden)
    tender = docx_file(tmp_path / "招标文件.docx", TENDER, "招标代理")
    bids = [docx_file(tmp_path / f"投标文件_{n}.docx", _bid(n, [TYPO_LINE] if n < 2 else []), f"作者{n}") for n in range(3)]
    analyzer = CollusionAnalyzer(DATA)
    docs = [analyzer.read(p) for p in bids]
    docs = [d.model_copy(update={"units": [u.model_copy(update={"text": "\u200b".join(u.text)}) for u in d.units]})
            for d in docs]
    report = analyzer.analyze_docs(analyzer.read(tender), docs)
    assert _typos(report, 0, 1) == ["提共"]


def _as_pdf_lines(doc: ParsedDoc, width: int = 46) -> ParsedDoc:
    """The bid as a PDF's text layer gives it: every paragraph broken into lines of `width` characters."""
    lines = [Unit(text=u.text[k:k + width], location="第1页") for u in doc.units for k in range(0, len(u.text), width)]
    return doc.model_copy(update={"format": "pdf", "units": lines})


def test_a_brochure_broken_into_pdf_lines_is_still_product_literature(tmp_path: Path) -> None:
    """No single line of the brochure has enough model numbers to look like one; the wrapped paragraph does."""
    tender = docx_file(tmp_path / "招标文件.docx", TENDER, "招标代理")
    bids = [docx_file(tmp_path / f"投标文件_{n}.docx", _bid(n, [BROCHURE] if n < 2 else []), f"作者{n}") for n in range(3)]
    analyzer = CollusionAnalyzer(DATA)
    docs = [analyzer.read(p) for p in bids]
    docs[1] = _as_pdf_lines(docs[1])
    assert not any(is_product_literature(u.text) for u in docs[1].units)
    report = analyzer.analyze_docs(analyzer.read(tender), docs)
    pair = _pair(report, 0, 1)
    assert pair is None or pair.risk == "low"
    sig = _signal(pair, "shared_text")
    assert sig is None or (sig.tier == "弱" and any("产品资料" in e.description for e in sig.evidence))


def test_pdf_lines_join_into_paragraphs_only_when_wrapped() -> None:
    """A full line without a sentence end runs on; a short field line, a sentence end and a table row do not."""
    units = [Unit(text="甲" * 40, location="第1页"), Unit(text="乙" * 10 + "。", location="第1页"),
             Unit(text="法定代表人：王伟", location="第1页"), Unit(text="丙" * 40, location="第1页"),
             Unit(text="01 土方开挖 m3 12.00", location="第1页", cells=["01", "土方开挖", "m3", "12.00"]),
             Unit(text="丁" * 40, location="第1页")]
    doc = ParsedDoc(file="x.pdf", format="pdf", units=units, meta=DocMeta())
    assert paragraph_of(doc) == [0, 0, 2, 3, 4, 5]
    assert paragraph_of(doc.model_copy(update={"format": "docx"})) == [0, 1, 2, 3, 4, 5]
