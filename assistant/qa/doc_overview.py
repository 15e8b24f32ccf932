"""Questions about what a document contains (「87号令的主要内容是什么」「介绍一下婺区政发〔2025〕8号」).

Such a question names a document and asks nothing else. Retrieval cannot answer it: the article that holds the
question's words (招标投标法第十九条 says what a tender file's 主要内容 are) is not the answer, and a 文号 cut into
tokens leaves nothing to search for. The answer is read off the knowledge base's own text of the document: its
chapters with the articles each holds (for a regulation), or its headings (for a policy text such as the district's
reform plan), and its opening provisions quoted as citations: the purpose and scope articles, or the first section.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from assistant.format_zh import date_zh
from assistant.qa.doc_status import (
    NAMES_ARTICLE,
    OWN_TYPES,
    DocumentAnswer,
    KBView,
    body,
    book,
    cite,
    document_names,
)
from assistant.qa.understanding import Lexicon
from assistant.schema import Chunk, Citation, DocumentMeta
from assistant.text_zh import ARTICLE_NO_PATTERN, cn_to_int, int_to_cn, split_sentences

if TYPE_CHECKING:
    from assistant.article_notes import Note

#: a question naming a chapter asks about that chapter (「招标投标法第五章是什么内容」 was answered with 第五条)
_CHAPTER_ASKED = re.compile(rf"第\s*({ARTICLE_NO_PATTERN})\s*章")
#: what may stand around the document's name and the overview word: nothing that says what is asked about
_FILLER = re.compile(
    r"(?:请问|请|麻烦|帮忙|帮我|给我|一下|简单|简要|大致|大概|具体|主要|到底|一共|总共|共|都|这个|这份|这部|该|本|文件|全文|"
    r"里面|里|中|内容|规定|的|了|是|有|吗|呢|吧|么|什么|哪些|呀|啊|[《》“”「」〈〉？?！!。，,、：:\s])*")
#: a part of a code above its chapters (「第三编 合同」): the knowledge base may hold only some parts
_PART = re.compile(rf"^第(?:{ARTICLE_NO_PATTERN})编")
#: quoted whole up to this length; a longer provision by its first sentence
_QUOTE_MAX = 200
#: the chapter level of a section path (「第三编 合同 / 第一章 一般规定」 -> 「第一章 一般规定」)
_CHAPTER = re.compile(rf"^第(?:{ARTICLE_NO_PATTERN})章")
#: the name a policy text gives its attachment (「附件：婺城区招投标领域突出问题专项整治工作方案」)
_ATTACHMENT = re.compile(r"附件\s*\d*\s*[：:]\s*([^\n：:]{4,60})")
#: how a question names the attachment of a policy text, and the first part of its sections' heading paths
_ATTACHMENT_WORD = "附件"
#: the preamble of a policy text (the 通知 that 印发 it), not a part of it
_PREAMBLE = "说明"
CLOSING = "（以上根据知识库所收文件的文本整理；具体规定请直接提问，例如「{name}关于……是怎么规定的？」。）"


def asked_overview(question: str, names: Mapping[str, str], overview_words: Sequence[str]) -> str | None:
    """The name (as the question writes it) of the one document whose contents the question asks about, or None.

    The question must be the name, one overview word and filler only (「87号令的主要内容是什么？」): a question that
    says anything more (「87号令对投标保证金有哪些规定」) asks about a provision, and goes to retrieval.
    """
    if not overview_words or NAMES_ARTICLE.search(question):  # a question naming an article asks about that article
        return None
    for name in sorted(names, key=len, reverse=True):
        if name not in question:
            continue
        rest = _CHAPTER_ASKED.sub(" ", question.replace(name, " ", 1), count=1)
        if any(other in rest for other in names if len(other) >= 2):
            return None  # two documents named: not one document's contents
        return name if _only_filler_besides(rest, overview_words) else None
    return None


def names_no_document(question: str, overview_words: Sequence[str]) -> bool:
    """The question asks what a document contains and says nothing of which (「这个文件的主要内容是什么」): no document to
    read, and retrieval would quote any article that lists 主要内容 (87号令第二十一条, on a prequalification file)."""
    return _only_filler_besides(question, overview_words)


def _only_filler_besides(text: str, overview_words: Sequence[str]) -> bool:
    """``text`` says an overview word (longest first) and nothing else but filler."""
    said = [w for w in overview_words if w in text]
    for word in said:
        text = text.replace(word, " ")
    return bool(said) and _FILLER.fullmatch(text) is not None


def answer_overview(question: str, kb: KBView, aliases: Mapping[str, str], lexicon: Lexicon,
                    topics: Sequence[Note] = ()) -> DocumentAnswer | None:
    """The overview of the document (or of the chapter of it) the question asks about, or None when the question is
    no such question. ``topics``: the article notes, whose 条旨 describe a chapter's articles."""
    if not any(w in question for w in lexicon.overview_words):
        return None  # most questions: nothing to look up
    names = document_names(aliases)
    name = asked_overview(question, names, lexicon.overview_words)
    if name is None:
        return None
    meta = kb.resolve_title(names[name])
    if meta is None or meta.doc_type in OWN_TYPES:
        return None
    chunks = kb.doc_chunks(meta.doc_id)
    if (asked := _CHAPTER_ASKED.search(question)) is not None:
        return _chapter_of(meta, chunks, name, asked.group(1), kb, topics)
    if any(c.article for c in chunks):
        return _regulation(meta, chunks, name)
    return _policy_text(meta, chunks, name)


#: a policy text's section heading: its number and its name (「二、重点任务」)
_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、\s*(\S{4,20})$")
#: what may stand around a section's name besides the document's own words: a request for its parts
_LIST_FILLER = re.compile(r"(?:包括|包含|分为|分成|哪几项|哪几个|哪几条|哪几|几项|几个|几方面|方面|具体|主要|都|有|是|的|了|哪些|什么|"
                          r"内容|吗|呢|[《》“”「」？?！!。，,、：:\s])*")


def answer_section(question: str, kb: KBView, aliases: Mapping[str, str]) -> DocumentAnswer | None:
    """「改革方案有哪些重点任务」: the parts of the policy text's section the question names (「二、重点任务」, in the plan
    and in its attachment), each cited with its opening, or None when the question is no such question.

    The question must say the section's name, words of the document's own names (改革, 方案, 婺城区) and a request for
    its parts only: 「重点任务中对评标专家有什么要求」 asks about a provision, and goes to retrieval. A section without
    parts (「一、总体要求」) is left to retrieval too, which quotes its sentence."""
    from assistant.text_zh import tokenize  # late: the tokenizer loads its dictionary on first use

    names = document_names(aliases)
    for meta in kb.list_documents(include_superseded=False):
        if meta.doc_type in OWN_TYPES:
            continue
        chunks = kb.doc_chunks(meta.doc_id)
        if not chunks or any(c.article for c in chunks):
            continue
        sections = _sections(chunks)
        asked = [key for key in sections if _section_name(key) in question]
        if not asked:
            continue
        label = _section_name(asked[0])
        own = [n for n, title in names.items() if title == meta.title]
        attachment = next((m.group(1).strip() for c in chunks if (m := _ATTACHMENT.search(c.text))), "")
        rest = question.replace(label, " ")
        for name in sorted(own, key=len, reverse=True):
            rest = rest.replace(name, " ")
        said = "".join((meta.title, *own, attachment))
        rest = "".join(t for t in tokenize(rest) if len(t) < 2 or t not in said)
        # 「附件有哪些重点任务」: the attachment's section only
        if _ATTACHMENT_WORD in rest and (attached := [k for k in asked if k[0] == _ATTACHMENT_WORD]):
            asked, rest = attached, rest.replace(_ATTACHMENT_WORD, "")
        if _LIST_FILLER.fullmatch(rest) is None:
            return None
        called = max((n for n in own if n in question), key=len, default=meta.doc_number or meta.title)
        return _section_parts(meta, asked, sections, attachment, called)
    return None


def _section_name(key: tuple[str, ...]) -> str:
    """The name of the section a heading path ends in, without its number (「二、重点任务」 -> 「重点任务」)."""
    m = _SECTION.match(key[-1])
    assert m is not None  # _sections keys only numbered sections
    return m.group(1)


def _sections(chunks: Sequence[Chunk]) -> dict[tuple[str, ...], list[tuple[str, Chunk]]]:
    """Each numbered section of a policy text (by its heading path) -> its parts: each part's heading and first chunk."""
    out: dict[tuple[str, ...], list[tuple[str, Chunk]]] = {}
    for chunk in chunks:
        path = [p.strip() for p in (chunk.heading or "").split(" / ") if p.strip()]
        for depth, part in enumerate(path[:-1]):
            if _SECTION.match(part):
                parts = out.setdefault(tuple(path[:depth + 1]), [])
                if all(label != path[depth + 1] for label, _ in parts):
                    parts.append((path[depth + 1], chunk))
    return out


def _section_parts(meta: DocumentMeta, asked: Sequence[tuple[str, ...]],
                   sections: Mapping[tuple[str, ...], Sequence[tuple[str, Chunk]]], attachment: str,
                   name: str) -> DocumentAnswer:
    """「答：《…》「二、重点任务」分为以下几项：」, each part with its citation, for each section asked (the plan's and its
    attachment's)."""
    lines: list[str] = []
    cites: list[Citation] = []
    for key in asked:
        where = f"{_ATTACHMENT_WORD}《{attachment}》" if key[0] == _ATTACHMENT_WORD and attachment else book(meta)
        lines += [f"{'答：' if not lines else ''}{where}「{key[-1]}」分为以下{int_to_cn(len(sections[key]))}项：", ""]
        for label, chunk in sections[key]:
            cites.append(cite(chunk, _opening(chunk), len(cites) + 1))
            lines.append(f"- {label} [{len(cites)}]")
        lines.append("")
    lines.append(CLOSING.format(name=name))
    return DocumentAnswer("\n".join(lines), cites)


def _note(meta: DocumentMeta) -> list[str]:
    """The record's note on its text (the reform plan's scraped copy lost a few characters)."""
    return [f"说明：{meta.status_note}"] if meta.status_note else []


def _in_force(meta: DocumentMeta) -> str:
    since = f"，自{date_zh(meta.effective_date)}起施行" if meta.effective_date else ""
    return f"{meta.status or '现行有效'}{since}"


def _chapter(chunk: Chunk) -> str | None:
    """The chapter an article stands in (「第二章 招标」), or None for a document without chapters."""
    parts = [p.strip() for p in (chunk.location.section or "").split(" / ") if p.strip()]
    return next((p for p in parts if _CHAPTER.match(p)), parts[0] if parts else None)


def _regulation(meta: DocumentMeta, chunks: Sequence[Chunk], name: str) -> DocumentAnswer:
    """「答：知识库收录的《…》共八章八十八条……」, each chapter with its articles, and its first two articles quoted."""
    articles = [c for c in chunks if c.article]
    groups: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        label = _chapter(chunk)
        if label is not None:
            groups.setdefault(label, []).append(chunk)
    chapters = [label for label in groups if _CHAPTER.match(label)]
    size = (f"共{int_to_cn(len(chapters))}章{int_to_cn(len(articles))}条" if chapters
            else f"共{int_to_cn(len(articles))}条，不分章")
    parts = list(dict.fromkeys(p.strip() for c in articles for p in (c.location.section or "").split(" / ")
                               if _PART.match(p.strip())))
    held = f"了{book(meta)}的部分内容（{'、'.join(parts)}等），" if parts else f"的{book(meta)}"
    lines = [f"答：知识库收录{held}{size}，{_in_force(meta)}。", *_note(meta)]
    if groups:  # blank lines around the list: a Markdown list takes the line after it as its last item's
        lines += ["", "各章及其条文：" if chapters else "另有："]
        for label, members in groups.items():
            numbered = [c for c in members if c.article]
            span = (f"（{numbered[0].article}）" if len(numbered) == 1
                    else f"（{numbered[0].article}至{numbered[-1].article}）" if numbered else "")
            lines.append(f"- {label}{span}")
    lines.append("")
    cites: list[Citation] = []
    for chunk in articles[:2]:
        sentence = _opening(chunk)
        cites.append(cite(chunk, sentence, len(cites) + 1))
        lines.append(f"《{meta.title}》{chunk.article}：“{sentence}”[{len(cites)}]")
    lines += ["", CLOSING.format(name=name)]
    return DocumentAnswer("\n".join(lines), cites)


def _chapter_of(meta: DocumentMeta, chunks: Sequence[Chunk], name: str, number: str, kb: KBView,
                topics: Sequence[Note]) -> DocumentAnswer:
    """「答：知识库收录的《…》第五章 法律责任，共十六条（第四十九条至第六十四条）：」, each article with its 条旨 (or its opening words),
    all of them cited; a chapter the document does not have is said so."""
    n = cn_to_int(number)
    label = f"第{int_to_cn(n)}章" if n else f"第{number}章"
    chapters = list(dict.fromkeys(c for c in (_chapter(x) for x in chunks if x.article) if c and _CHAPTER.match(c)))
    wanted = next((c for c in chapters if c.split()[0] == label), None)
    if wanted is None:
        have = f"共{int_to_cn(len(chapters))}章" if chapters else "不分章"
        return DocumentAnswer(f"答：知识库收录的{book(meta)}{have}，没有{label}。\n\n"
                              f"（可以问「{name}的主要内容是什么？」了解它的结构。）", [])
    articles = [c for c in chunks if c.article and _chapter(c) == wanted]
    # each notes file names its document once (a title or an alias): resolved once per name, not once per note
    ours = {d for d in {x.document for x in topics} if d == meta.title or kb.title_of(d) == meta.title}
    said = {x.article_no: x.topic for x in topics if x.topic and x.document in ours}
    span = f"{articles[0].article}至{articles[-1].article}" if len(articles) > 1 else articles[0].article
    lines = [f"答：知识库收录的{book(meta)}{wanted}，共{int_to_cn(len(articles))}条（{span}）：", ""]
    cites: list[Citation] = []
    for chunk in articles:
        opening = _opening(chunk)
        cites.append(cite(chunk, opening, len(cites) + 1))
        what = said.get(chunk.article_no or 0) or (opening if len(opening) <= 40 else opening[:38] + "……")
        lines.append(f"- {chunk.article}：{what} [{len(cites)}]")
    if any(c.article_no in said for c in articles):
        lines += ["", "（各条后为本系统所拟的条旨，条文原文见引用；具体规定请直接提问。）"]
    return DocumentAnswer("\n".join(lines), cites)


def _policy_text(meta: DocumentMeta, chunks: Sequence[Chunk], name: str) -> DocumentAnswer:
    """「答：知识库收录的《…》由以下部分组成：」, its headings as a nested list, and its first section quoted."""
    parts = [c for c in chunks if (c.heading or "") != _PREAMBLE]
    lines = [f"答：知识库收录的{book(meta)}{_in_force(meta)}。", *_note(meta), "", "全文由以下部分组成："]
    seen: set[tuple[str, ...]] = set()
    for chunk in parts:
        path = tuple(p.strip() for p in (chunk.heading or "").split(" / ") if p.strip())
        for depth in range(len(path)):
            key = path[:depth + 1]
            if key in seen:
                continue
            seen.add(key)
            label = key[-1]
            if label == _ATTACHMENT_WORD and (m := _ATTACHMENT.search(chunk.text)):
                label = f"附件：{m.group(1).strip()}"
            lines.append(f"{'  ' * depth}- {label}")
    lines.append("")
    cites: list[Citation] = []
    if parts:
        sentence = _opening(parts[0])
        cites.append(cite(parts[0], sentence, 1))
        lines.append(f"{parts[0].heading}：“{sentence}”[1]")
    lines += ["", CLOSING.format(name=name)]
    return DocumentAnswer("\n".join(lines), cites)


def _opening(chunk: Chunk) -> str:
    """What to quote of the chunk's body (without its article number or its heading line): its first paragraph, with
    the items that follow when it introduces a list (「……的项目包括：」), whole if short, else its first sentence."""
    text = body(chunk)
    heading = (chunk.heading or "").split(" / ")[-1].strip()
    if heading and text.startswith(heading):
        text = text[len(heading):]
    paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
    if not paragraphs:
        return text.strip()
    quoted = paragraphs[0]
    for more in paragraphs[1:]:
        if not quoted.endswith(("：", ":")) and not re.match(r"[（(][一二三四五六七八九十\d]+[）)]", more):
            break
        quoted += more
    if len(quoted) <= _QUOTE_MAX:
        return quoted
    sentences = [s.strip() for s in split_sentences(paragraphs[0]) if s.strip()]
    return sentences[0] if sentences else paragraphs[0]
