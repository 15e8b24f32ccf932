"""Chunker (articles / headings / plain) and metadata inference; the `integration` part chunks
every real file in ../shared/corpus and compares PDF/DOCX against the Markdown versions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CORPUS, FORMAT_SAMPLES, REGULATIONS, require_shared

from assistant.ingest.chunker import chunk_document
from assistant.ingest.loaders import load_bytes, load_file
from assistant.ingest.metadata import doc_id_for, find_doc_number, infer_doc_type, infer_metadata
from assistant.schema import Block, DocumentMeta, LoadedDocument, Location

DATA = Path(__file__).parent / "data" / "ingest"


def doc_from_lines(lines: list[str], name: str = "x.md", kinds: dict[int, str] | None = None) -> LoadedDocument:
    kinds = kinds or {}
    blocks = [
        Block(text=t, kind=kinds.get(i, "paragraph"), location=Location(paragraph=i))  # type: ignore[arg-type]
        for i, t in enumerate(lines)
    ]
    return LoadedDocument(path=name, format="md", title="示范", blocks=blocks)


def meta(**kw: object) -> DocumentMeta:
    base: dict[str, object] = {"doc_id": "demo", "title": "示范条例", "doc_type": "行政法规"}
    base.update(kw)
    return DocumentMeta(**base)  # type: ignore[arg-type]


REGULATION = [
    "示范条例",
    "（2020年1月1日通过 2021年2月2日修正）",
    "目录",
    "第一编 总则",  # TOC lines look like headings
    "第二编 合同",
    "第一编 总则",
    "第一章 一般规定",
    "第一条 为了示范，制定本条例。",
    "第二条 采购人应当遵守下列规定：",
    "（一）公开；",
    "（二）公平。",
    "违反前款规定的，依照本条例第十二条处理。",
    "第二编 合同",
    "第一分编 通则",
    "第一章 一般规定",
    "第一节 订立",
    "第3条 合同的订立，依照本条例第二条和",
    "第十二条规定执行。",  # a cross-reference that starts a line
    "第二条规定的情形除外。",  # a lower number at a line start: never a new article
    "第四条　招  标人不得限制竞争。",
]


def test_articles_sections_and_labels() -> None:
    chunks = chunk_document(doc_from_lines(REGULATION), meta())
    arts = [c for c in chunks if c.article_no]
    assert [c.article_no for c in arts] == [1, 2, 3, 4]
    assert [c.article for c in arts] == ["第一条", "第二条", "第三条", "第四条"]
    assert arts[0].location.section == "第一编 总则 / 第一章 一般规定"
    assert arts[2].location.section == "第二编 合同 / 第一分编 通则 / 第一章 一般规定 / 第一节 订立"
    # 款/项 stay in the article; label canonical and first
    assert arts[1].text == "第二条 采购人应当遵守下列规定：\n（一）公开；\n（二）公平。\n违反前款规定的，依照本条例第十二条处理。"
    assert arts[2].text.startswith("第三条 合同的订立")
    assert "第十二条规定执行。" in arts[2].text and "第二条规定的情形除外。" in arts[2].text
    assert arts[3].text == "第四条 招  标人不得限制竞争。"
    assert [c.chunk_id for c in arts] == ["demo#a1", "demo#a2", "demo#a3", "demo#a4"]
    pre = chunks[0]
    assert pre.heading == "说明" and pre.article is None and "目录" not in pre.text
    assert "修正" in pre.text
    # metadata copied
    assert all(c.doc_type == "行政法规" and c.title == "示范条例" and c.is_current for c in chunks)


def test_chunk_ids_are_stable() -> None:
    a = chunk_document(doc_from_lines(REGULATION), meta())
    b = chunk_document(doc_from_lines(REGULATION), meta())
    assert [(c.chunk_id, c.text) for c in a] == [(c.chunk_id, c.text) for c in b]


def test_long_article_split_at_sentences_keeps_article() -> None:
    sentence = "采购人应当根据采购项目的特点和需要编制采购文件，并在采购文件中载明全部实质性要求和条件。"
    lines = ["第一条 总则。", "第二条 " + sentence * 40, "第三条 附则。"]
    chunks = chunk_document(doc_from_lines(lines), meta())
    parts = [c for c in chunks if c.article_no == 2]
    assert len(parts) >= 2
    assert [c.chunk_id for c in parts][:2] == ["demo#a2", "demo#a2-p2"]
    assert all(c.article == "第二条" for c in parts)
    assert parts[0].text.startswith("第二条 ")
    assert parts[1].text.startswith("第二条（续）")
    assert all(len(c.text) <= 1300 for c in parts)
    assert all(c.text.endswith("。") for c in parts)  # cut at sentence ends
    body = "".join(c.text.replace("第二条（续）", "") for c in parts).replace("\n", "")
    assert body == "第二条 " + sentence * 40


def test_appendix_after_last_article_is_not_in_the_article() -> None:
    lines = ["第一条 甲。", "第二条 本办法自2021年1月1日起施行。", "附件：1.声明函", "声明函正文"]
    chunks = chunk_document(doc_from_lines(lines), meta())
    art2 = next(c for c in chunks if c.article_no == 2)
    assert "声明函" not in art2.text
    extra = [c for c in chunks if c.article_no is None]
    assert extra and "声明函正文" in extra[-1].text


POLICY = [
    "关于印发示范方案的通知",
    "各单位：现将方案印发给你们，请认真贯彻执行。",
    "一、总体要求",
    "坚持问题导向，推动招投标领域治理改革各项任务落地落实，维护公平竞争的市场秩序，助力营商环境优化。" * 2,
    "二、重点任务",
    "（一）统一交易平台。推动全区工程招投标项目进入统一交易平台，实现全流程电子化交易和全过程留痕。" * 2,
    "（二）加强信用监管。落实信用评价办法，实施联合惩戒，对串通投标、弄虚作假等行为依法处理。" * 2,
    "附件",
    "一、总体要求",
    "以问题为导向，集中整治招投标领域突出问题，形成长效机制，持续净化招投标市场环境。" * 2,
]


def test_policy_document_splits_on_headings() -> None:
    chunks = chunk_document(doc_from_lines(POLICY), meta(title="示范方案", doc_type="规范性文件"))
    heads = [c.heading for c in chunks]
    assert "一、总体要求" in heads
    assert "二、重点任务 / （一）统一交易平台" in heads  # the bare "二、重点任务" merged into its first item
    assert "二、重点任务 / （二）加强信用监管" in heads
    assert "附件 / 一、总体要求" in heads
    assert all(c.article is None for c in chunks)
    assert all(c.location.section == c.heading for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    merged = next(c for c in chunks if c.heading == "二、重点任务 / （一）统一交易平台")
    assert merged.text.startswith("二、重点任务\n（一）统一交易平台")


def test_plain_text_windows_and_explicit_structure() -> None:
    para = "这是一段没有任何结构的说明文字，用于测试按段落窗口切分。" * 8
    lines = [para] * 6
    chunks = chunk_document(doc_from_lines(lines), meta())
    assert len(chunks) >= 3
    assert all(c.chunk_id == f"demo#c{i + 1}" for i, c in enumerate(chunks))
    assert all(len(c.text) <= 900 for c in chunks)
    # an explicit structure wins over auto-detection
    chunks = chunk_document(doc_from_lines(REGULATION), meta(structure="plain"))
    assert all(c.article is None for c in chunks)


def test_articles_requested_but_absent_falls_back() -> None:
    chunks = chunk_document(doc_from_lines(POLICY), meta(structure="articles"))
    assert any(c.heading == "一、总体要求" for c in chunks)


def test_sample_pdf_chunks() -> None:
    doc = load_file(DATA / "sample_regulation.pdf")
    m = infer_metadata(doc)
    assert m.title == "示范市政府采购示范办法" and m.structure == "articles"
    chunks = chunk_document(doc, m)
    arts = [c for c in chunks if c.article_no]
    assert [c.article_no for c in arts] == list(range(1, 9))
    assert arts[4].location.page == 2 and arts[4].location.section == "第二章 采购程序"
    assert arts[6].location.section == "第三章 附则"


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize(
    ("title", "doc_number", "expected"),
    [
        ("中华人民共和国招标投标法", None, "法律"),
        ("中华人民共和国招标投标法实施条例", None, "行政法规"),
        ("保障中小企业款项支付条例", "国务院令第728号", "行政法规"),
        ("浙江省招标投标条例", None, "地方性法规"),
        ("政府采购货物和服务招标投标管理办法", "财政部令第87号", "部门规章"),
        ("最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）", None, "司法解释"),
        ("关于进一步优化营商环境的意见", None, "政策文件"),
        ("婺城区招标投标领域治理改革方案", "婺区政发〔2025〕8号", "规范性文件"),
    ],
)
def test_infer_doc_type(title: str, doc_number: str | None, expected: str) -> None:
    assert infer_doc_type(title, "", doc_number) == expected


def test_find_doc_number() -> None:
    assert find_doc_number("中华人民共和国财政部令\n第 87 号\n财政部对…") == "财政部令第87号"
    assert find_doc_number("2011年12月20日中华人民共和国国务院令第613号公布") == "国务院令第613号"
    assert find_doc_number("关于印发《办法》的通知（财库〔2020〕46号）") == "财库〔2020〕46号"
    assert find_doc_number("没有文号") is None


def test_infer_metadata_from_file_name_heading_and_front_matter(tmp_path: Path) -> None:
    md = "# 中华人民共和国招标投标法\n\n2017年12月27日 修正\n\n## 第一章 总则\n\n第一条 为了规范，制定本法。\n"
    doc = load_bytes(md.encode(), "招标投标法(2017-12-27).md")
    m = infer_metadata(doc)
    assert m.title == "中华人民共和国招标投标法"
    assert m.version == "2017-12-27" and m.doc_type == "法律"
    assert "招标投标法" in m.aliases
    assert m.doc_id == doc_id_for("中华人民共和国招标投标法", "2017-12-27")
    assert re.fullmatch(r"[a-z0-9-]+", m.doc_id)
    assert m.status == "现行有效" and m.structure == "articles"

    fm = "---\ntitle: 示范方案\ndoc_number: 示政发〔2025〕3号\ndoc_type: 规范性文件\nstatus: 已废止\n---\n一、要求\n正文。\n"
    m2 = infer_metadata(load_bytes(fm.encode(), "plan.md"))
    assert (m2.title, m2.doc_number, m2.doc_type, m2.status) == ("示范方案", "示政发〔2025〕3号", "规范性文件", "已废止")
    assert "示政发[2025]3号" in m2.aliases


def test_known_aliases_87() -> None:
    doc = load_bytes("第一条 为了规范。\n第二条 适用。".encode(), "政府采购货物和服务招标投标管理办法.txt")
    m = infer_metadata(doc)
    assert {"87号令", "财政部87号令", "财政部令第87号"} <= set(m.aliases)
    assert m.doc_number == "财政部令第87号" and m.doc_type == "部门规章"


# --------------------------------------------------------------------------- real corpus

LAW_PAIRS = [
    ("招标投标法(2017-12-27).md", "中华人民共和国招标投标法.pdf"),
    ("招标投标法实施条例(2019-03-02).md", "中华人民共和国招标投标法实施条例.docx"),
    ("政府采购法(2014-08-31).md", "中华人民共和国政府采购法.docx"),
    ("政府采购法实施条例(2015-01-30).md", "中华人民共和国政府采购法实施条例.docx"),
]
# article counts checked by hand against the official texts
EXPECTED_ARTICLES = {
    "招标投标法(2017-12-27).md": 68, "招标投标法实施条例(2019-03-02).md": 84,
    "政府采购法(2014-08-31).md": 88, "政府采购法实施条例(2015-01-30).md": 79,
    "政府采购货物和服务招标投标管理办法.pdf": 88, "政府采购非招标采购方式管理办法.pdf": 62,
    "政府采购质疑和投诉办法.pdf": 45, "政府采购促进中小企业发展管理办法.pdf": 25,
    "招标投标领域公平竞争审查规则.pdf": 22,
    "必须招标的工程项目规定.md": 6, "必须招标的基础设施和公用事业项目范围规定.md": 3,
}
_KANGXI = re.compile("[\u2e80-\u2fdf]")


def _chunks(path: Path) -> list:
    doc = load_file(path)
    return chunk_document(doc, infer_metadata(doc))


def _articles(path: Path) -> dict[int, str]:
    return {c.article_no: c.text for c in _chunks(path) if c.article_no and "-p" not in c.chunk_id}


@pytest.mark.integration
def test_every_regulation_chunks_cleanly() -> None:
    require_shared(REGULATIONS)
    files = sorted(p for d in (REGULATIONS, FORMAT_SAMPLES) for p in d.iterdir() if p.is_file())
    assert len(files) >= 20
    table = []
    for path in files:
        chunks = _chunks(path)
        nos = [c.article_no for c in chunks if c.article_no and "-p" not in c.chunk_id]
        table.append((path.name, len(nos), len(chunks)))
        assert len(nos) >= (EXPECTED_ARTICLES.get(path.name) or 20), path.name  # short rules have their count listed
        assert nos == list(range(1, len(nos) + 1)), path.name  # complete, increasing
        if path.name in EXPECTED_ARTICLES:
            assert len(nos) == EXPECTED_ARTICLES[path.name], path.name
        for c in chunks:
            assert not re.search(r"^[—－-]\s*\d+\s*[—－-]$", c.text, re.M), (path.name, c.chunk_id)
            assert not _KANGXI.search(c.text), (path.name, c.chunk_id)
            assert "INFO END" not in c.text
            if c.article_no:
                assert c.text.startswith(c.article), (path.name, c.chunk_id)
                assert not re.search(r"第[一二三四五六七八九十百]+条第[一二三四五六七八九十百]+条", c.text[:20])
        assert len({c.chunk_id for c in chunks}) == len(chunks)
    print("\n" + "\n".join(f"{n:<70} articles={a:>3} chunks={c:>3}" for n, a, c in table))


@pytest.mark.integration
@pytest.mark.parametrize(("md", "other"), LAW_PAIRS, ids=[p[1] for p in LAW_PAIRS])
def test_format_samples_match_markdown_articles(md: str, other: str) -> None:
    require_shared(FORMAT_SAMPLES)
    a, b = _articles(REGULATIONS / md), _articles(FORMAT_SAMPLES / other)
    assert list(a) == list(b)
    key = lambda t: re.sub(r"[\W_]", "", t)  # noqa: E731 - compare text, not punctuation
    same = sum(key(a[n]) == key(b[n]) for n in a)
    if other.endswith(".docx"):
        assert same == len(a)  # the DOCX samples are the same versions as the Markdown
    else:
        # the PDF is the 1999 text; the 2017 amendment changed articles 13, 14, 50 (and wording of 44, 53)
        assert same >= len(a) - 5


@pytest.mark.integration
def test_sections_of_real_files() -> None:
    require_shared(REGULATIONS)
    arts = {c.article_no: c for c in _chunks(REGULATIONS / "政府采购货物和服务招标投标管理办法.pdf") if c.article_no}
    assert arts[1].text.startswith("第一条 为了规范政府采购当事人的采购行为")
    assert arts[1].location.section == "第一章 总则" and arts[1].location.page == 1
    assert arts[9].location.section == "第二章 招标"
    assert arts[88].text.startswith("第八十八条 本办法自2017年10月1日起施行。")
    zb = {c.article_no: c for c in _chunks(REGULATIONS / "招标投标法(2017-12-27).md") if c.article_no}
    assert zb[24].text.startswith("第二十四条 招标人应当确定投标人编制投标文件所需要的合理时间")
    assert zb[24].location.section == "第二章 招标"


@pytest.mark.integration
def test_reform_plan_splits_into_headed_sections() -> None:
    require_shared(CORPUS)
    path = CORPUS / "reform" / "婺城区招标投标领域治理改革方案(2025-2027年).md"
    doc = load_file(path)
    m = infer_metadata(doc)
    assert m.structure == "headings" and m.doc_number == "婺区政发〔2025〕8号"
    chunks = chunk_document(doc, m)
    heads = [c.heading for c in chunks]
    assert "一、总体要求" in heads
    assert any(h and h.startswith("二、重点任务 / （一）") for h in heads)
    assert any(h and h.startswith("附件") for h in heads)
    assert all(c.article is None for c in chunks)
    assert len(chunks) >= 8
