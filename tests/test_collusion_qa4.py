"""QA round 4 (D13): a duplicate upload or two files of one bidder are no collusion pair between two bidders."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import docx
import pytest

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.data import CollusionData
from assistant.collusion.duplicates import MIN_IDENTICAL_CHARS, screen
from assistant.collusion.entities import valid_uscc
from assistant.collusion.normalize import match_key
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.reader import DocMeta, ParsedDoc, Unit, read_path
from assistant.collusion.report import render_docx, render_json, render_markdown
from assistant.config import PROJECT_ROOT
from assistant.evaluation.collusion_suite import load_generator

GEN = load_generator(PROJECT_ROOT / "eval")
DATA = CollusionData.load(PROJECT_ROOT / "knowledge_base" / "collusion")


@pytest.fixture(scope="module")
def ring_set(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("ring")
    truth = GEN.generate(folder, seed=11, level="none", n_bids=6, collusion=True)
    return folder, truth


def _analyze(folder: Path, truth, bids: list[Path]):
    return CollusionAnalyzer(DATA).analyze(folder / truth.tender_file, bids)


def _scores(report) -> dict[tuple[str, str], float]:
    return {(p.a, p.b): p.score for p in report.pairs}


def test_a_byte_identical_copy_is_analysed_once_with_a_warning_in_every_format(ring_set, tmp_path: Path) -> None:
    folder, truth = ring_set
    bids = [folder / f for f in truth.bid_files]
    base = _analyze(folder, truth, bids)
    copy = tmp_path / f"{Path(truth.bid_files[0]).stem}_副本.docx"  # sorts after the original: the one analysed
    shutil.copy(bids[0], copy)
    report = _analyze(folder, truth, [*bids, copy])
    assert not [p for p in report.pairs if copy.name in (p.a, p.b)]
    assert _scores(report) == _scores(base)
    assert [b.file for b in report.bids] == [b.file for b in base.bids]
    warning = report.warnings[0]
    assert truth.bid_files[0] in warning and copy.name in warning and "内容完全相同" in warning
    assert warning in json.loads(render_json(report))["warnings"]
    md = render_markdown(report)
    assert warning in md and md.index(warning) < md.index("## 投标文件")
    assert f"{len(base.bids)} 份（另有 1 份重复上传，未重复分析）" in md and report.checks["repeated_uploads"] == [copy.name]
    texts = [p.text for p in docx.Document(str(render_docx(report, tmp_path / "r.docx"))).paragraphs]
    assert any(warning in t for t in texts)
    assert "分别由两家投标人递交" in warning  # a copy between two bidders is the strongest signal: not dismissed
    from assistant.ui.collusion_tab import summary_html

    assert html.escape(warning) in summary_html(report)  # the web page shows it too


def test_two_uploads_of_one_file_leave_nothing_to_compare(ring_set, tmp_path: Path) -> None:
    folder, truth = ring_set
    copy = tmp_path / "A_copy.docx"
    shutil.copy(folder / truth.bid_files[0], copy)
    report = _analyze(folder, truth, [folder / truth.bid_files[0], copy])
    assert report.pairs == [] and report.groups == []
    assert "内容完全相同" in report.warnings[0] and "只剩一家投标人" in report.warnings[-1]


def _second_version(src: Path, out: Path) -> Path:
    """The same bidder's file with a few paragraphs revised (different bytes and text, same 投标人名称)."""
    d = docx.Document(str(src))
    long_paragraphs = [p for p in d.paragraphs if len(p.text) > 30]
    for p in long_paragraphs[-3:]:
        p.text = p.text + "（修订版：本段已按澄清要求更新。）"
    d.save(str(out))
    return out


def test_two_files_of_one_bidder_are_not_paired_and_each_meets_the_others(ring_set, tmp_path: Path) -> None:
    folder, truth = ring_set
    bids = [folder / f for f in truth.bid_files]
    base = _analyze(folder, truth, bids)
    ring_a, ring_b = truth.rings[0][:2]
    second = _second_version(folder / ring_a, tmp_path / f"第二版_{ring_a}")
    report = _analyze(folder, truth, [*bids, second])
    bidder = next(b.bidder for b in report.bids if b.file == ring_a)
    assert bidder
    assert not [p for p in report.pairs if {p.a, p.b} == {ring_a, second.name}]
    assert any(second.name in w and ring_a in w and f"同一投标人（{bidder}）" in w for w in report.warnings)
    # the pairs between different bidders keep their scores; the second file meets the ring partner as the first does
    after = _scores(report)
    assert {k: v for k, v in after.items() if second.name not in k} == _scores(base)
    partner = [p for p in report.pairs if {p.a, p.b} == {second.name, ring_b}]
    assert partner and partner[0].risk == "high"
    strong = [g for g in report.groups if g.kind == "strong_link" and second.name in g.members]
    assert all(g.description.startswith(f"{len(g.members) - 1} 家") for g in strong)


def _facts(text: str, name: str) -> BidFacts:
    doc = ParsedDoc(file=name, format="docx", units=[Unit(text=line, location=f"第{n}段")
                                                     for n, line in enumerate(text.splitlines(), 1)], meta=DocMeta())
    return BidFacts.build(doc, [])


def test_unknown_or_placeholder_bidder_names_merge_nothing() -> None:
    body = "我方承诺按招标文件要求完成供货安装调试并提供三年质保服务。"
    unnamed = [_facts(f"{body}第{n}号方案。", f"{n}.docx") for n in range(3)]
    assert all(b.entities.bidder is None for b in unnamed)
    s = screen(unnamed, "")
    assert s.party == [0, 1, 2] and s.warnings == []
    # a name the tender itself carries (its form's placeholder or the agency) is no bidder's name
    placeholder = [_facts(f"投标人名称：某某科技有限公司\n{body}{n}", f"{n}.docx") for n in range(2)]
    assert placeholder[0].entities.bidder == "某某科技有限公司"
    assert screen(placeholder, match_key("投标人名称：某某科技有限公司（盖章）")).party == [0, 1]
    assert screen(placeholder, "").party == [0, 0]
    # the same printed name with different 统一社会信用代码 is two entities (a copied file is a finding, not a repeat)
    codes = ["91330701MA28D1234H", "91330702MA28D56784"]
    assert all(valid_uscc(c) for c in codes)
    entities = [_facts(f"投标人名称：某某科技有限公司\n统一社会信用代码：{c}\n{body}", f"{n}.docx") for n, c in enumerate(codes)]
    assert screen(entities, "").party == [0, 1]


def test_identical_text_counts_only_when_long(ring_set) -> None:
    folder, truth = ring_set
    doc = read_path(folder / truth.bid_files[0])
    resaved = doc.model_copy(update={"file": "另存.docx", "digest": "other"})
    assert len(screen([BidFacts.build(doc, []), BidFacts.build(resaved, [])], "").bids) == 1
    short = "投标函" * (MIN_IDENTICAL_CHARS // 6)
    assert len(screen([_facts(short, "a.pdf"), _facts(short, "b.pdf")], "").bids) == 2


@pytest.mark.parametrize("seed,collusion", [(100_003, False), (23, True)])
def test_generated_duplicate_uploads_warn_and_are_never_a_pair(tmp_path: Path, seed: int, collusion: bool) -> None:
    """The evaluation generator's duplicate case: a repeated upload and a bidder's revised second file."""
    truth = GEN.generate(tmp_path, seed=seed, level="none", collusion=collusion)
    base = _analyze(tmp_path, truth, [tmp_path / f for f in truth.bid_files])
    case = GEN.add_duplicates(tmp_path, truth, seed)
    added = [*case.identical, *case.same_bidder]
    report = _analyze(tmp_path, truth, [tmp_path / f for f in [*truth.bid_files, *(new for _, new in added)]])
    for original, new in added:
        assert not [p for p in report.pairs if {p.a, p.b} == {original, new}]
        assert any(original in w and new in w for w in report.warnings), report.warnings
    assert not [p for p in report.pairs if case.identical[0][1] in (p.a, p.b)]
    assert {k: v for k, v in _scores(report).items() if not set(k) & {new for _, new in added}} == _scores(base)
    if not collusion:
        assert not [p for p in report.pairs if p.risk == "high"]
    else:
        versions = {new: original for original, new in case.same_bidder}
        top = report.pairs[0]
        assert any({versions.get(top.a, top.a), versions.get(top.b, top.b)} <= set(ring) for ring in truth.rings)


def _price_table(path: Path) -> docx.table.Table:
    return next(t for t in docx.Document(str(path)).tables if "综合单价" in t.rows[0].cells[4].text)


def _copy_prices(src: Path, dst: Path, rows: slice) -> None:
    """Give `dst` the unit prices and amounts of `src` on the item rows `rows` (1 = first item row)."""
    prices = [[c.text for c in r.cells] for r in _price_table(src).rows]
    d = docx.Document(str(dst))
    table = next(t for t in d.tables if "综合单价" in t.rows[0].cells[4].text)
    for n in range(len(table.rows))[rows]:
        for c in (4, 5):
            table.rows[n].cells[c].text = prices[n][c]
    d.save(str(dst))


def _without_price_table(src: Path, out: Path) -> Path:
    """The bidder's second file without the 报价表 (a 技术标 handed in separately, same 投标人名称)."""
    d = docx.Document(str(src))
    for t in d.tables:
        t._element.getparent().remove(t._element)
    d.save(str(out))
    return out


def _identical_price_pairs(report) -> set[frozenset[str]]:
    return {frozenset((p.a, p.b)) for p in report.pairs for s in p.signals
            if s.kind == "price_identical" and "单价完全相同" in s.label}


def test_item_prices_of_two_bidders_are_compared_when_one_hands_in_two_files(tmp_path: Path) -> None:
    """Two bidders price every row alike; one of them also hands in a revised second file. Rows priced alike by
    every bidder are only a template with three bidders or more: two bidders with three files are two, not three."""
    truth = GEN.generate(tmp_path, seed=3, level="none", n_bids=2, collusion=False)
    a, b = (tmp_path / f for f in truth.bid_files)
    assert a.suffix == b.suffix == ".docx"
    _copy_prices(a, b, slice(1, None))
    alone = _analyze(tmp_path, truth, [a, b])
    assert _identical_price_pairs(alone) == {frozenset((a.name, b.name))}
    second = _second_version(a, tmp_path / f"第二版_{a.name}")
    report = _analyze(tmp_path, truth, [a, b, second])
    assert any("同一投标人" in w for w in report.warnings)
    assert _identical_price_pairs(report) == {frozenset((a.name, b.name)), frozenset((second.name, b.name))}


def test_rows_every_bidder_prices_alike_stay_excluded_when_one_bidder_hands_in_two_files(tmp_path: Path) -> None:
    """Three bidders price the first rows alike (a given price, not competition); one bidder's 技术标 comes as a
    second file without prices. The rows are still priced alike by every bidder and are no evidence."""
    truth = GEN.generate(tmp_path, seed=1, level="none", n_bids=3, collusion=False)
    bids = [tmp_path / f for f in truth.bid_files]
    assert all(p.suffix == ".docx" for p in bids)
    items = len(_price_table(bids[0]).rows) - 1
    for other in bids[1:]:
        _copy_prices(bids[0], other, slice(1, items // 2 + 2))
    assert _identical_price_pairs(_analyze(tmp_path, truth, bids)) == set()
    tech = _without_price_table(bids[0], tmp_path / f"技术标_{bids[0].name}")
    report = _analyze(tmp_path, truth, [*bids, tech])
    assert any("同一投标人" in w and tech.name in w for w in report.warnings)
    assert _identical_price_pairs(report) == set()
