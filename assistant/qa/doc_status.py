"""Questions about a document itself: is it in force, since when, which version (「87号令现在还有效吗」).

Such a question is answered from the document's own record in the knowledge base (its status, dates and the
note on its versions) and the article that puts it into force, quoted as the citation; a repealed document the
lexicon knows (``refusal.repealed_documents``: 财政部令第18号 -> 87号令), or whose repeal an article of the knowledge
base states (「《中华人民共和国担保法》……同时废止」, 民法典第一千二百六十条), is answered with its successor and, when the
successor says so, the article that repealed it (87号令第八十八条). Retrieval cannot answer these: no article
says 「本办法现行有效」, and the one that says when it took effect shares no words with the question.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.format_zh import date_zh
from assistant.qa.refusal import named_documents
from assistant.qa.understanding import Lexicon
from assistant.schema import Chunk, Citation, DocumentMeta
from assistant.text_zh import split_sentences, strip_article_label
from assistant.titles import PRC

#: a question naming an article asks about that article, not about the document (「87号令第十条还有效吗」)
NAMES_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
#: between a document's name and the status word: a few characters of one clause (「现在还」「最新是哪一年」)
_GAP = 8
_CLAUSE_END = re.compile(r"[，,。；;？?！!\s]")
#: the sentence that puts a document into force (「本办法自2017年10月1日起施行。」)
_IN_FORCE = re.compile(r"[^。；]*自\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|(?:发布|公布|印发)之日)起(?:施行|实施|生效)[^。；]*[。；]?")
_REPEALS = ("废止", "失效")
#: what the record can and cannot tell
_CAVEAT = "（以上根据知识库所收文件的版本记录作答；文件此后如有修订或废止，请以发布机关公布的最新文本为准。）"
#: documents that are the product's own (the review checklist), not regulations to ask about
OWN_TYPES = ("审查要点",)


#: a sentence that repeals documents (「……（财政部令第18号）同时废止。」「……予以废止」)
_REPEAL_SENTENCE = re.compile(r"(?:同时|予以|一并)废止")
#: a document named in it, with the number that may follow its title (「《…》（财库〔2011〕181号）」)
_QUOTED = re.compile(r"《([^《》]+)》(?:[（(]([^（）()]*?号)[）)])?")
#: the title a 通知 印发 (「《…关于印发〈政府采购促进中小企业发展暂行办法〉的通知》」)
_INNER = re.compile(r"〈([^〈〉]+)〉")


class KBView(Protocol):
    def resolve_title(self, name: str) -> DocumentMeta | None: ...
    def title_of(self, name: str) -> str | None: ...
    def doc_chunks(self, doc_id: str) -> list[Chunk]: ...
    def list_documents(self, include_superseded: bool = True) -> list[DocumentMeta]: ...


@dataclass(frozen=True)
class DocumentAnswer:
    """The answer to a question about a document itself (its status, its contents): its text and the articles it quotes."""

    text: str
    citations: list[Citation]


def document_names(aliases: Mapping[str, str]) -> dict[str, str]:
    """Every name a document of the knowledge base goes by (each alias and each title) -> its title."""
    return {**aliases, **{t: t for t in aliases.values()}}


def asked_document(question: str, names: Mapping[str, str], status_words: Sequence[str],
                   others: Sequence[str] = ()) -> str | None:
    """The name (as the question writes it) of the one document whose status the question asks about, or None.

    ``names`` maps every name a document goes by (title, alias, 文号, a repealed document's name) to a key; the
    longest name at each place counts, the question names one document, and a status word follows a name of it
    within one clause. ``others``: the names of documents the question names that are none of these (劳动合同法):
    no name inside one of them counts (its 合同法 is not the repealed 合同法).
    """
    # a document the knowledge base does not know is named: no record answers for it
    if not status_words or NAMES_ARTICLE.search(question) or any(o in question for o in others):
        return None
    found: list[tuple[int, int, str]] = []
    for name in sorted(names, key=len, reverse=True):
        for m in re.finditer(re.escape(name), question):
            if not any(s <= m.start() < e or s < m.end() <= e for s, e, _ in found):
                found.append((m.start(), m.end(), name))
    # one document named (「87号令和招标投标法实施条例还有效吗」 asks about two: left to retrieval)
    if len({names[name] for _, _, name in found}) != 1:
        return None
    return next((name for _, end, name in sorted(found) if _status_follows(question, end, status_words)), None)


#: what may stand around the status words of a question that names no document (「这个还有效吗」「《》是否现行有效？」)
_NO_SUBJECT = re.compile(r"[这那该此本其个份部项件文规定办法条例还是否已经仍然现在目前吗呢吧么了的？?！!。，,《》“”\s]*")


def names_no_document(question: str, status_words: Sequence[str]) -> bool:
    """The question asks whether something is in force and says nothing of what (「还有效吗」): no document to look
    up, and no article to answer from (retrieval would quote any article that says 有效)."""
    rest = question
    for w in status_words:
        rest = rest.replace(w, " ")
    return rest != question and _NO_SUBJECT.fullmatch(rest) is not None


def _status_follows(question: str, end: int, status_words: Sequence[str]) -> bool:
    after = question[end:end + _GAP + max(len(w) for w in status_words)]
    stop = _CLAUSE_END.search(after)
    clause = after[:stop.start()] if stop else after
    return any(0 <= (i := clause.find(w)) <= _GAP and not clause[i + len(w):].startswith("于") for w in status_words)


def answer_status(question: str, kb: KBView, aliases: Mapping[str, str], lexicon: Lexicon) -> DocumentAnswer | None:
    """The answer to a question about a document's status, or None when the question is no such question."""
    if not any(w in question for w in lexicon.status_words):
        return None  # most questions: nothing to look up
    repealed = {**repealed_in_kb(kb, aliases), **lexicon.refusal_words.repealed_documents}
    names = {**document_names(aliases), **{r: r for r in repealed}}
    others = [n for n in named_documents(question, lexicon.refusal_words) if n not in names and kb.resolve_title(n) is None]
    name = asked_document(question, names, lexicon.status_words, others)
    if name is None:
        return None
    if name in repealed and (successor := kb.resolve_title(repealed[name])) is not None:
        return _repealed(name, successor, kb)
    meta = kb.resolve_title(names[name])
    if meta is None or meta.doc_type in OWN_TYPES:
        return None
    return _current(meta, kb)


def repealed_in_kb(kb: KBView, aliases: Mapping[str, str]) -> dict[str, str]:
    """The documents whose repeal an article of a document in force states: every name the article gives one by
    (its title, the title without 中华人民共和国, the title a 通知 印发, its number) -> the repealing document's title.
    A name of a document the knowledge base holds is left out (87号令第八十八条 repeals the 2004 rule of the same
    title: only 「财政部令第18号」 names that one)."""
    held = set(aliases) | set(aliases.values())
    out: dict[str, str] = {}
    for meta in kb.list_documents(include_superseded=False):
        if not meta.is_current or meta.doc_type in OWN_TYPES:
            continue
        for chunk in kb.doc_chunks(meta.doc_id):
            if not chunk.article or "废止" not in chunk.text:
                continue
            for sentence in split_sentences(body(chunk)):
                if not _REPEAL_SENTENCE.search(sentence):
                    continue
                for m in _QUOTED.finditer(sentence):
                    title, number = m.group(1), m.group(2)
                    found = [title, title.removeprefix(PRC), *_INNER.findall(title), number or ""]
                    for name in found:
                        if len(name) >= 3 and name not in held:
                            out.setdefault(name, meta.title)
    return out


def _current(meta: DocumentMeta, kb: KBView) -> DocumentAnswer:
    """「答：《…》（文号）现行有效，自…起施行，知识库收录的是…的版本。」, quoting the article that puts it into force; a
    document with no such article (a 通知 that 印发 a plan) is told by its record's dates only."""
    named = book(meta)
    basis = _in_force_article(meta, kb)
    status = meta.status or "现行有效"
    version = f"，知识库收录的是{date_zh(meta.version)}的版本" if meta.version else ""
    if basis:
        since = _date_in(basis[1]) or date_zh(meta.effective_date or meta.publish_date)
        lines = [f"答：{named}{status}，自{since}起施行{version}。[1]",
                 f"依据：《{meta.title}》{basis[0].article or ''}：“{basis[1]}”[1]"]
    else:
        issued = f"，发布日期为{date_zh(meta.publish_date)}" if meta.publish_date else ""
        lines = [f"答：据知识库的文件记录，{named}{status}{issued}{version}。"]
    if meta.status_note:
        lines.append(f"说明：{meta.status_note}")
    lines.append(_CAVEAT)
    cites = [cite(basis[0], basis[1], 1)] if basis else []
    return DocumentAnswer("\n".join(lines), cites)


def _date_in(sentence: str) -> str:
    m = re.search(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", sentence)
    return m.group(0) if m else ""


def _repealed(name: str, successor: DocumentMeta, kb: KBView) -> DocumentAnswer:
    """「答：财政部18号令已被废止，现行规定见《…》。」 with the successor's article that repealed it, if it has one."""
    old = name if re.fullmatch(r"[^《》]*(?:号|令)", name) else f"《{name}》"
    repeal = _repealing_article(name, successor, kb)
    marker = "[1]" if repeal else ""
    lines = [f"答：{old}已被废止，现行规定见{book(successor)}，条号与原文件不同。{marker}"]
    if repeal:
        lines.append(f"依据：《{successor.title}》{repeal[0].article or ''}：“{repeal[1]}”{marker}")
    since = f"，自{date_zh(successor.effective_date)}起施行" if successor.effective_date else ""
    lines.append(f"{book(successor)}{successor.status or '现行有效'}{since}。")
    lines.append(_CAVEAT)
    cites = [cite(repeal[0], repeal[1], 1)] if repeal else []
    return DocumentAnswer("\n".join(lines), cites)


def book(meta: DocumentMeta) -> str:
    return f"《{meta.title}》" + (f"（{meta.doc_number}）" if meta.doc_number else "")


def _in_force_article(meta: DocumentMeta, kb: KBView) -> tuple[Chunk, str] | None:
    """The last article saying from when the document is in force, and that sentence."""
    for chunk in reversed(kb.doc_chunks(meta.doc_id)):
        if chunk.article and (m := _IN_FORCE.search(body(chunk))):
            return chunk, m.group(0).strip()
    return None


def _repealing_article(name: str, successor: DocumentMeta, kb: KBView) -> tuple[Chunk, str] | None:
    """The successor's article that repeals ``name`` (by name, or by its order number: 财政部18号令 is written
    「财政部令第18号」), and the sentence that does."""
    number = re.search(r"(\d+)号", name)
    for chunk in reversed(kb.doc_chunks(successor.doc_id)):
        for sentence in split_sentences(body(chunk)):
            named = name in sentence or (number is not None and f"第{number.group(1)}号" in sentence)
            if named and any(w in sentence for w in _REPEALS):
                return chunk, sentence.strip()
    return None


def body(chunk: Chunk) -> str:
    """The article's text without its number (「第八十八条 本办法自……」 -> 「本办法自……」)."""
    return strip_article_label(chunk.text, chunk.article or "").strip()


def cite(chunk: Chunk, sentence: str, n: int) -> Citation:
    from assistant.retrieval import to_hit

    hit = to_hit(chunk, score=1.0, via=["document_status"])
    return Citation(**hit.model_dump(), n=n, key_sentence=sentence)
