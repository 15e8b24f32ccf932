"""The shipped regulations: manifest <-> files <-> provenance headers, and PDF/Markdown identity."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import CORPUS, require_shared

from assistant.config import PROJECT_ROOT
from assistant.ingest.chunker import chunk_document
from assistant.ingest.loaders import load_file
from assistant.kb.convert import HEADER_FIELDS, tidy
from assistant.schema import DocumentMeta

KB_DIR = PROJECT_ROOT / "knowledge_base"
MANIFEST: list[dict[str, Any]] = yaml.safe_load((KB_DIR / "manifest.yaml").read_text(encoding="utf-8"))["documents"]
CONVERTED = [e for e in MANIFEST if e.get("converted_from")]

#: What practitioners cite (issue #11): each must ship as a regulation file.
REQUIRED_TITLES = {
    "中华人民共和国招标投标法实施条例", "中华人民共和国政府采购法实施条例", "政府采购货物和服务招标投标管理办法",
    "政府采购非招标采购方式管理办法", "政府采购质疑和投诉办法", "政府采购促进中小企业发展管理办法",
    "招标投标领域公平竞争审查规则", "公平竞争审查条例", "浙江省招标投标条例", "必须招标的工程项目规定",
    "必须招标的基础设施和公用事业项目范围规定", "建设工程质量管理条例", "政府投资条例", "优化营商环境条例",
    "保障中小企业款项支付条例", "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",
}


def _front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), f"{path.name}: no provenance header"
    header = yaml.safe_load(text.split("---\n", 2)[1])
    assert isinstance(header, dict)
    return header


def _articles(path: Path) -> dict[int, str]:
    doc = load_file(path)
    meta = DocumentMeta(doc_id="x", title=doc.title, structure="articles")
    out: dict[int, list[str]] = {}
    for chunk in chunk_document(doc, meta):
        if chunk.article_no is not None:
            out.setdefault(chunk.article_no, []).append("\n".join(tidy(x) for x in chunk.text.split("\n")))
    return {no: "\n".join(parts) for no, parts in out.items()}


def test_every_required_regulation_ships() -> None:
    shipped = {e["title"] for e in MANIFEST if str(e.get("file", "")).startswith("regulations/")}
    assert shipped >= REQUIRED_TITLES, REQUIRED_TITLES - shipped


def test_manifest_and_regulation_files_agree() -> None:
    listed = {e["file"] for e in MANIFEST if e.get("kind", "file") == "file"}
    on_disk = {f"regulations/{p.name}" for p in (KB_DIR / "regulations").glob("*.md")}
    assert on_disk <= listed, f"files not in the manifest: {on_disk - listed}"
    doc_ids = [e["doc_id"] for e in MANIFEST]
    assert len(doc_ids) == len(set(doc_ids))
    for entry in CONVERTED:
        path = KB_DIR / entry["file"]
        assert path.is_file(), entry["file"]
        header = _front_matter(path)
        for key in HEADER_FIELDS:
            if entry.get(key) not in (None, ""):
                assert str(header.get(key)) == str(entry[key]), f"{entry['file']}: header {key} differs from the manifest"
        for key in ("issuer", "doc_type", "publish_date", "version", "status", "origin", "conversion"):
            assert entry.get(key), f"{entry['doc_id']}: manifest lacks {key}"
        # a 文号 for everything but a local regulation (whose 公告 number is not recorded here)
        assert entry.get("doc_number") or (entry["doc_type"] == "地方性法规" and entry.get("status_note"))


def test_the_recorded_date_in_force_is_the_one_the_text_gives() -> None:
    """The effective date a document's record gives (shown in the knowledge-base list and in answers to 「……还有效吗」)
    is the one its own in-force article states: 浙江省招标投标条例第五十九条 says 2006年4月1日, the record said 3月1日."""
    import re

    for entry in CONVERTED:
        text = (KB_DIR / entry["file"]).read_text(encoding="utf-8")
        dated = re.findall(r"自(\d{4})年(\d{1,2})月(\d{1,2})日起施行", text)
        if dated:
            y, m, d = (int(x) for x in dated[-1])
            assert entry["effective_date"] == f"{y:04d}-{m:02d}-{d:02d}", entry["doc_id"]
        elif re.search(r"自(发布|公布)之日起施行", text):
            assert entry["effective_date"] == entry["publish_date"], entry["doc_id"]


def test_shipped_markdown_has_every_article_in_sequence() -> None:
    for entry in CONVERTED:
        numbers = sorted(_articles(KB_DIR / entry["file"]))
        assert numbers == list(range(1, len(numbers) + 1)), f"{entry['file']}: articles {numbers[:3]}..."
        assert len(numbers) >= 3


@pytest.mark.integration
@pytest.mark.parametrize("entry", CONVERTED, ids=[e["doc_id"] for e in CONVERTED])
def test_source_and_shipped_markdown_give_the_same_articles(entry: dict[str, Any]) -> None:
    """The corpus original (PDF or Markdown) and the shipped file: same article numbers, same text."""
    source = require_shared(CORPUS / entry["converted_from"])
    original, shipped = _articles(source), _articles(KB_DIR / entry["file"])
    assert sorted(original) == sorted(shipped)
    for no, text in original.items():
        assert shipped[no] == text, f"{entry['file']} 第{no}条 differs from {source.name}"


def test_key_articles_read_as_the_official_text() -> None:
    """Spot checks against the official wording (not only against our own conversion)."""
    ssd = _articles(KB_DIR / "regulations/中华人民共和国招标投标法实施条例.md")
    assert "依法必须进行招标的项目，招标人应当自收到评标报告之日起3日内公示中标候选人，公示期不得少于3日。" in ssd[54]
    ling87 = _articles(KB_DIR / "regulations/政府采购货物和服务招标投标管理办法.md")
    assert ling87[1].startswith("第一条 为了规范政府采购当事人的采购行为")
    assert "人民" in ling87[1] and "⼈" not in "".join(ling87.values())  # Kangxi radicals restored


def test_one_title_table_without_conflicts() -> None:
    """Every short name / 文号 in the manifest and aliases.yaml points to exactly one title."""
    from assistant.text_zh import normalize
    from assistant.titles import title_facts

    owner: dict[str, str] = {}
    for facts in title_facts(KB_DIR):
        for name in (facts.title, *facts.aliases, facts.doc_number or ""):
            if not name:
                continue
            name = normalize(name)
            assert owner.setdefault(name, facts.title) == facts.title, f"{name} names two documents"
    aliases_yaml = yaml.safe_load((KB_DIR / "aliases.yaml").read_text(encoding="utf-8"))
    shipped = {e["title"] for e in MANIFEST}
    assert not shipped & set(aliases_yaml.get("titles") or {}), "aliases.yaml repeats a manifest title"


def test_review_sources_take_their_names_from_the_manifest() -> None:
    from assistant.review.catalogue import load_catalogue
    from assistant.titles import static_aliases

    table = static_aliases(KB_DIR)
    cat = load_catalogue(KB_DIR / "review_rules.yaml")
    for key, src in cat.sources.items():
        assert src.title in table, f"source {key}: {src.title} is in neither manifest.yaml nor aliases.yaml"
    ling87 = next(b for r in cat.rules for b in r.basis if b.src == "ling87")
    assert "87号令" in ling87.aliases and "财政部令第87号" in ling87.aliases
