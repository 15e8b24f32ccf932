"""Collusion check, follow-ups of QA report 5a: the 术语说明 data file, misspelling corrections, tender form text
filled in by every bidder, and the regime when the 招标文件 belongs to another project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_collusion_fix5 import COMPANIES, DATA, TENDER, _bids, _doc

from assistant.collusion.data import CollusionData
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.report import render_markdown
from assistant.config import resource_dir
from assistant.errors import ConfigError


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "collusion"
    shutil.copytree(resource_dir("knowledge_base") / "collusion", folder)
    return folder


def test_the_glossary_is_read_from_its_data_file(tmp_path: Path) -> None:
    folder = _data_copy(tmp_path)
    path = folder / "glossary.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("相对距离（RDNOR）：", "相对距离（RDNOR，改写）："), encoding="utf-8")
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 3070000], [[], [], [f"投标人：{COMPANIES[1]}（盖章）"], []])
    tender = _doc(tmp_path / "招标文件.docx", TENDER)
    report = CollusionAnalyzer(CollusionData.load(folder)).analyze(tender, bids)
    md = render_markdown(report).split("## 术语说明")[1]
    assert "相对距离（RDNOR，改写）：" in md and "每类“强”线索计 100 分" in md
    assert report.glossary == [line[2:] for line in md.split("## ")[0].strip().splitlines()]


@pytest.mark.parametrize("text, where", [
    ("score_scale: 每类计 {强} 分\nterms: [1, 2]\n", "terms"),
    ("score_scale: 每类计 {很强} 分\nterms: {}\n", "score_scale"),
    ("[1, 2]\n", ""),
])
def test_a_malformed_glossary_file_is_a_chinese_configuration_error(tmp_path: Path, text: str, where: str) -> None:
    folder = _data_copy(tmp_path)
    (folder / "glossary.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=f"围标串标分析的术语说明文件格式不正确{f'（{where}' if where else ''}"):
        CollusionData.load(folder)


def test_the_bundled_glossary_loads() -> None:
    assert DATA.glossary.terms and "{强}" in DATA.glossary.score_scale


# --------------------------------------------------------------------------- misspelling corrections
def _typo_lines(report) -> list[str]:
    return [e.description.split("，")[0] for p in report.pairs for s in p.signals if s.kind == "shared_errors"
            for e in s.evidence if e.description.startswith("相同错别字")]


def _slip_report(tmp_path: Path, tender_extra: list[str]):
    tender = _doc(tmp_path / "招标文件.docx", [*TENDER, *tender_extra])
    slip = ["技术服务保章：设立全天候网管中心，故障申告后30分钟内响应。"]
    bids = _bids(tmp_path, [2980000, 3010000, 2650000], [slip, slip, []])
    return CollusionAnalyzer(DATA).analyze(tender, bids)


def test_the_correction_is_the_word_the_tender_writes_in_the_same_phrase(tmp_path: Path) -> None:
    """rd5a: 「技术服务保章」 was printed 「应为“保证”」 because the tender writes 保证 most (in 保证金); it writes
    「服务保障」, the intended word."""
    tender = [*[f"第{n}包投标保证金按规定提交。" for n in range(40)], *[f"第{n}项做好通信服务保障工作。" for n in range(10)],
              *[f"第{n}项资料注意保密。" for n in range(12)]]
    assert _typo_lines(_slip_report(tmp_path, tender)) == ["相同错别字“保章”（应为“保障”）"]


def test_no_correction_is_printed_when_the_tender_never_writes_it_next_to_the_same_words(tmp_path: Path) -> None:
    """One common word is one character away (保证), but nothing says it is the one meant: no 「应为」."""
    tender = [f"第{n}包投标保证金按规定提交。" for n in range(40)]
    assert _typo_lines(_slip_report(tmp_path, tender)) == ["相同错别字“保章”"]


# --------------------------------------------------------------------------- the regime when the tender is another project's
def test_with_another_projects_tender_the_regime_and_citations_follow_the_bids(tmp_path: Path) -> None:
    """The 政府采购 bids of rd5a analysed with a 工程 tender by mistake: no 招标投标法实施条例 citation taken from
    the wrong file, and the warning says the regime could not be confirmed from it."""
    from test_collusion_fix5 import OTHER_TENDER, PROJECT

    lines = [f"致：采购人、采购代理机构。我方已仔细研究了{PROJECT}（项目编号：2241STC73616）招标文件的全部内容，"
             "参加本次政府采购活动。"]
    bids = _bids(tmp_path, [2980000, 3010000, 3040000, 3070000], [lines] * 4)
    tender = _doc(tmp_path / "招标文件.docx", [*OTHER_TENDER, "本工程施工由监理单位监督，建设工程质量按施工合同验收。"])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert report.regime == "政府采购"
    assert any("适用体系无法由招标文件确认" in w and "“政府采购”" in w for w in report.warnings)
    progression = next(g for g in report.groups if g.kind == "price_progression")
    assert "财政部令第87号" in progression.legal_ref and "招标投标法实施条例" not in progression.legal_ref


def test_with_the_right_tender_the_regime_is_the_tenders(tmp_path: Path) -> None:
    lines = ["致：采购人、采购代理机构。参加本次政府采购活动。"] * 2
    bids = _bids(tmp_path, [2980000, 3010000, 3040000], [lines] * 3)
    tender = _doc(tmp_path / "招标文件.docx", ["某县道路改建工程施工招标文件", "招标人：某县交通运输局", "本工程施工由监理单位监督。"])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert report.regime == "工程" and not any("适用体系" in w for w in report.warnings)


# --------------------------------------------------------------------------- a form every bidder fills in
FORM_TENDER = [*TENDER, "项目编号：2241STC73616", "投标书（实质性格式）", "致：（采购人或采购代理机构）",
               "我方参加你方就___________（项目名称，项目编号/包号）组织的招标活动，并对此项目进行投标。",
               "（4）如我方中标，我方将在法律规定的期限内与你方签订合同，按照招标文件要求提交履约保证金，"
               "并在合同约定的期限内完成合同规定的全部义务。", "开标一览表", "包号 投标人名称 投标报价（元/年）"]


def _filled_form(company: str) -> list[str]:
    """rd5a honest bids: the 投标函 of the 范本 library filled in with this project's own name, number and agency."""
    from test_collusion_fix5 import PROJECT

    return ["一、投标函", "致：中钢招标有限责任公司",
            f"我方已仔细研究了{PROJECT}（项目编号：2241STC73616）招标文件的全部内容，愿意以人民币（大写）见开标一览表的"
            "投标总报价，按招标文件要求提供服务。",
            "（1）我方同意在投标有效期内不撤回投标文件；（2）如我方中标，我方将在法律规定的期限内与你方签订合同，"
            "按照招标文件要求提交履约保证金，并在合同约定的期限内完成合同规定的全部义务。",
            f"我方参加你方就{PROJECT}（项目编号：2241STC73616）组织的招标活动，并对此项目进行投标。",
            "二、开标一览表", f"投标人名称：{company}"]


def _common_text(report) -> list[str]:
    return [g.description for g in report.groups if g.kind == "common_text"]


def test_the_tender_form_filled_in_with_the_projects_own_values_is_not_shared_authored_text(tmp_path: Path) -> None:
    tender = _doc(tmp_path / "招标文件.docx", FORM_TENDER)
    bids = _bids(tmp_path, [2980000, 2650000, 3070000], [_filled_form(c) for c in COMPANIES[:3]])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert _common_text(report) == []
    assert not [s for p in report.pairs for s in p.signals if s.kind == "shared_text"]


def test_authored_text_around_the_filled_in_form_is_still_shared_text(tmp_path: Path) -> None:
    """Near miss: a paragraph the bidders wrote themselves, not the form, stays a group finding."""
    from test_collusion_fix5 import OWN

    tender = _doc(tmp_path / "招标文件.docx", FORM_TENDER)
    own = [OWN[0], OWN[2], OWN[3]]
    bids = _bids(tmp_path, [2980000, 2650000, 3070000], [[*_filled_form(c), *own] for c in COMPANIES[:3]])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert len(_common_text(report)) == 1


def test_with_another_projects_tender_the_report_header_says_the_regime_was_read_from_the_bids(tmp_path: Path) -> None:
    """The header's 适用体系 carries the warning's caveat (Markdown, DOCX and the web summary share one label)."""
    from test_collusion_fix5 import OTHER_TENDER, PROJECT

    from assistant.ui.collusion_tab import summary_html

    lines = [f"致：采购人、采购代理机构。我方已仔细研究了{PROJECT}（项目编号：2241STC73616）招标文件的全部内容。"]
    bids = _bids(tmp_path, [2980000, 3010000, 3040000], [lines] * 3)
    tender = _doc(tmp_path / "招标文件.docx", [*OTHER_TENDER, "本工程施工由监理单位监督。"])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert report.regime_from == "bids"
    assert "适用体系：政府采购（招标文件无法确认，按投标文件用语判断）" in render_markdown(report)
    assert "按投标文件用语判断" in summary_html(report)


def test_with_the_right_tender_the_header_names_the_regime_alone(tmp_path: Path) -> None:
    lines = ["致：采购人、采购代理机构。参加本次政府采购活动。"] * 2
    bids = _bids(tmp_path, [2980000, 3010000, 3040000], [lines] * 3)
    tender = _doc(tmp_path / "招标文件.docx", ["某县道路改建工程施工招标文件", "招标人：某县交通运输局", "本工程施工由监理单位监督。"])
    report = CollusionAnalyzer(DATA).analyze(tender, bids)
    assert report.regime_from == "tender" and "适用体系：工程　" in render_markdown(report)
