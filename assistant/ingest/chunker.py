"""Split a `LoadedDocument` into citable chunks: one per 条 for regulations, one per headed
section for policy texts, paragraph windows for anything else.

Why articles: every answer and review finding cites 《…》第N条 and shows its text, so a chunk
must be exactly one article (long ones split into parts that keep the article number).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from assistant.schema import Block, Chunk, DocumentMeta, LoadedDocument, Location
from assistant.text_zh import CN_NUM_CHARS, article_label, cn_to_int, compact_cjk, split_sentences

log = logging.getLogger(__name__)

MAX_CHUNK_CHARS = 1200  # longer articles/sections are split at sentence boundaries
TARGET_PART_CHARS = 900
MIN_SECTION_CHARS = 120  # a shorter parent/preamble section merges into the next one
MIN_FRAGMENT_CHARS = 40  # any shorter section merges into the next one
PLAIN_WINDOW_CHARS = 600
_ARTICLE_WINDOW = 20  # a new article number must be in (last, last + window]

_NUM = rf"[{CN_NUM_CHARS}○\d]+"
RE_ARTICLE = re.compile(rf"^第\s*({_NUM})\s*条(?:之([{CN_NUM_CHARS}]+))?\s*")
# words that follow an article *reference* at a line start, never a real article's first word
RE_XREF_TAIL = re.compile(r"^(规定|所称|所列|所述|第|的|之|、|，|,|和|或者|至|项下)")
RE_STRUCT = re.compile(rf"^第\s*({_NUM})\s*(编|分编|章|节)\s*(.*)$")
_STRUCT_RANK = {"编": 0, "分编": 1, "章": 2, "节": 3}
RE_APPENDIX = re.compile(rf"^附(件|表|录)?\s*[{CN_NUM_CHARS}\d]*\s*(：|:|$)|^附\s*\d+")
RE_TOC = re.compile(r"^目\s*录$")

# policy headings, by rank (lower = outer)
_POLICY_PATTERNS: list[tuple[int, re.Pattern[str]]] = [
    (4, re.compile(rf"^[{CN_NUM_CHARS}]+、")),
    (5, re.compile(rf"^（[{CN_NUM_CHARS}]+）")),
    (6, re.compile(r"^\d+[.．、](?!\d)")),
    (7, re.compile(r"^（\d+）")),
]
_TERMINAL = "。；！？"


@dataclass
class _Line:
    text: str
    loc: Location
    kind: str = "paragraph"
    level: int | None = None


@dataclass
class _Article:
    no: int
    label: str
    section: str | None
    loc: Location
    lines: list[str] = field(default_factory=list)


def chunk_document(doc: LoadedDocument, meta: DocumentMeta) -> list[Chunk]:
    """Chunks with stable ids; structure from `meta.structure`, falling back to auto-detection."""
    lines = _lines(doc.blocks)
    requested = meta.structure if "structure" in meta.model_fields_set else None
    structure = requested or detect_structure(lines)
    if structure == "articles" and not _has_articles(lines):
        log.info("%s: no 第X条 lines found although structure=articles; falling back", meta.doc_id)
        structure = detect_structure(lines)
    if structure == "articles":
        chunks = _chunk_articles(lines, meta)
    elif structure == "headings":
        chunks = _chunk_headings(lines, meta)
    else:
        chunks = _chunk_plain(lines, meta)
    log.info("chunked %s (%s): %d chunks", meta.doc_id, structure, len(chunks))
    return chunks


def document_lines(doc: LoadedDocument) -> list[_Line]:
    """The document as non-empty lines with their source locations (for structure detection)."""
    return _lines(doc.blocks)


def _lines(blocks: list[Block]) -> list[_Line]:
    out: list[_Line] = []
    for b in blocks:
        for part in b.text.split("\n"):
            part = part.strip()
            if part:
                out.append(_Line(part, b.location, b.kind, b.level))
    return out


# --------------------------------------------------------------------------- detection


def _article_start(text: str, last_no: int | None) -> tuple[int, str, str] | None:
    """(number, canonical label, body) when `text` begins a new article; guards cross-refs."""
    m = RE_ARTICLE.match(text)
    if not m:
        return None
    no = cn_to_int(m.group(1))
    if no is None or no <= 0:
        return None
    body = text[m.end():]
    gap = m.end() > 0 and text[m.end() - 1] == " "
    if not gap and RE_XREF_TAIL.match(body):
        return None
    if m.group(2):  # 第十条之一: keep in the parent's sequence, label verbatim
        return None
    if last_no is not None and not (last_no < no <= last_no + _ARTICLE_WINDOW):
        return None
    return no, article_label(no), body.lstrip(" ：:")


def _struct_heading(text: str) -> tuple[int, str] | None:
    """(rank, canonical "第二章 招标") for 编/分编/章/节 headings."""
    m = RE_STRUCT.match(text)
    if not m or len(text) > 40 or text.endswith(tuple(_TERMINAL)):
        return None
    rest = compact_cjk(m.group(3).strip())
    gap = text[m.start(3) - 1:m.start(3)] == " "
    if rest and not gap and RE_XREF_TAIL.match(rest):
        return None
    label = f"第{compact_cjk(m.group(1))}{m.group(2)}"
    return _STRUCT_RANK[m.group(2)], (f"{label} {rest}" if rest else label)


def _article_sequence(lines: list[_Line]) -> list[int]:
    seq: list[int] = []
    for ln in lines:
        hit = _article_start(ln.text, seq[-1] if seq else None)
        if hit:
            seq.append(hit[0])
    return seq


def _has_articles(lines: list[_Line]) -> bool:
    return bool(_article_sequence(lines))


def detect_structure(lines: list[_Line]) -> str:
    """"articles" when most text sits in 第X条 articles; "headings" when outline headings exist."""
    seq = _article_sequence(lines)
    if len(seq) >= 2 or (seq and seq[0] == 1):
        # share of the body (after the title/history preamble) that sits inside articles
        in_articles = body = 0
        inside = started = False
        for ln in lines:
            if RE_ARTICLE.match(ln.text):
                inside = started = True
            elif _struct_heading(ln.text) or RE_APPENDIX.match(ln.text):
                inside, started = False, True
            if started:
                body += len(ln.text)
                in_articles += len(ln.text) if inside else 0
        if in_articles >= 0.5 * max(body, 1):
            return "articles"
    headings = sum(1 for ln in lines if _policy_heading(ln) is not None)
    if headings >= 2:
        return "headings"
    return "plain"


# --------------------------------------------------------------------------- articles


def _section_path(stack: dict[int, str]) -> str | None:
    return " / ".join(stack[r] for r in sorted(stack)) or None


_Extra = tuple[str, Location, list[str]]  # (heading, location, lines): 附件 or text between articles


def _push_heading(stack: dict[int, str], rank: int, heading: str) -> None:
    """Enter a section: headings of the same or a lower rank are closed."""
    for r in [r for r in stack if r >= rank]:
        del stack[r]
    stack[rank] = heading


@dataclass
class _ArticleParse:
    """The lines of a 编/章/节/条 document sorted into preamble, articles and extras, line by line."""

    stack: dict[int, str] = field(default_factory=dict)
    preamble: list[_Line] = field(default_factory=list)
    articles: list[_Article] = field(default_factory=list)
    extras: list[_Extra] = field(default_factory=list)  # after articles: 附件, notes under a heading
    current: _Article | None = None
    extra: _Extra | None = None
    last_no: int | None = None

    def feed(self, ln: _Line) -> None:
        text = ln.text
        start = _article_start(text, self.last_no)
        if start:
            self._start_article(ln, *start)
            return
        sh = _struct_heading(text)
        if sh:
            _push_heading(self.stack, *sh)
            self.current = None
            self.extra = None
            return
        if self.articles and (RE_APPENDIX.match(text) or (ln.kind == "heading" and not RE_ARTICLE.match(text))):
            self._start_extra(compact_cjk(text) if len(text) <= 40 else "附件", ln)
            return
        self._add_text(ln)

    def _start_article(self, ln: _Line, no: int, label: str, body: str) -> None:
        self.current = _Article(no, label, _section_path(self.stack), ln.loc, [f"{label} {body}".strip()])
        self.articles.append(self.current)
        self.extra = None
        self.last_no = no

    def _start_extra(self, heading: str, ln: _Line) -> None:
        self.extra = (heading, ln.loc, [ln.text])
        self.extras.append(self.extra)
        self.current = None

    def _add_text(self, ln: _Line) -> None:
        if self.current is not None:
            self.current.lines.append(ln.text)
        elif self.extra is not None:
            self.extra[2].append(ln.text)
        elif not self.articles:
            if not RE_TOC.match(compact_cjk(ln.text)):
                self.preamble.append(ln)
        else:  # text after a chapter heading but before the next article: keep with the section
            self._start_extra(_section_path(self.stack) or "说明", ln)


def _chunk_articles(lines: list[_Line], meta: DocumentMeta) -> list[Chunk]:
    parse = _ArticleParse()
    for ln in lines:
        parse.feed(ln)
    chunks: list[Chunk] = []
    if parse.preamble:
        chunks.append(_make_chunk(
            meta, f"{meta.doc_id}#preamble", "\n".join(p.text for p in parse.preamble),
            heading="说明", loc=parse.preamble[0].loc.model_copy(),
        ))
    return chunks + _article_chunks(parse.articles, meta) + _extra_chunks(parse.extras, meta)


def _article_chunks(articles: list[_Article], meta: DocumentMeta) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for art in articles:
        base = f"{meta.doc_id}#a{art.no}"
        if base in seen:  # cannot happen with increasing numbers; keep ids unique regardless
            base = f"{base}-dup{len(seen)}"
        seen.add(base)
        loc = art.loc.model_copy(update={"section": art.section})
        parts = _split_long("\n".join(art.lines), prefix=f"{art.label}（续）")
        for i, part in enumerate(parts):
            chunks.append(_make_chunk(
                meta, base if i == 0 else f"{base}-p{i + 1}", part,
                article=art.label, article_no=art.no, loc=loc, heading=art.section,
            ))
    return chunks


def _extra_chunks(extras: list[_Extra], meta: DocumentMeta) -> list[Chunk]:
    chunks: list[Chunk] = []
    for n, (heading, loc, extra_lines) in enumerate(extras, start=1):
        extra_text = "\n".join(extra_lines)
        if len(extra_text.strip()) < 2:
            continue
        for i, part in enumerate(_split_long(extra_text, prefix=f"{heading}（续）")):
            cid = f"{meta.doc_id}#x{n}" + ("" if i == 0 else f"-p{i + 1}")
            chunks.append(_make_chunk(meta, cid, part, heading=heading,
                                      loc=loc.model_copy(update={"section": heading})))
    return chunks


# --------------------------------------------------------------------------- headings


def _policy_heading(ln: _Line) -> tuple[int, str] | None:
    """(rank, heading text) for a line that opens a policy-document section."""
    text = ln.text
    if RE_ARTICLE.match(text):
        return None
    sh = _struct_heading(text)
    if sh:
        return sh
    if ln.kind == "heading":
        return (ln.level or 1) - 1 if (ln.level or 1) > 1 else 0, compact_cjk(text)
    for rank, rx in _POLICY_PATTERNS:
        if rx.match(text):
            first = re.split(r"[。；！？]", text, maxsplit=1)[0]
            if rank >= 6 and len(text) > 60 and len(first) > 40:
                return None  # a numbered list item inside prose, not a heading
            return rank, _heading_label(text)
    return None


def _heading_label(text: str) -> str:
    if len(text) <= 40 and not text.endswith(tuple(_TERMINAL)):
        return compact_cjk(text)
    first = re.split(r"[。；！？：]", text, maxsplit=1)[0]
    if len(first) <= 40:
        return first
    comma = re.split(r"[，,]", text, maxsplit=1)[0]
    if len(comma) <= 40:
        return comma
    return text[:24] + "…"


_Section = tuple[str | None, Location, list[str]]  # (heading path, location, lines)


class _SectionParse:
    """The lines of a policy document cut at its headings; an appendix restarts the heading path."""

    def __init__(self, first: Location) -> None:
        self.sections: list[_Section] = []
        self.stack: dict[int, str] = {}
        self.root: str | None = None
        self.body: list[str] = []
        self.path: str | None = None
        self.loc = first

    def close(self) -> None:
        if self.body:
            self.sections.append((self.path, self.loc, list(self.body)))

    def feed(self, ln: _Line) -> None:
        text = ln.text
        if RE_APPENDIX.match(text) and len(text) <= 40 and self.sections:
            self.close()
            self.body, self.stack = [text], {}
            self.root = compact_cjk(re.split(r"[：:]", text)[0]) or "附件"
            self.path, self.loc = self.root, ln.loc
            return
        ph = _policy_heading(ln)
        if ph is None:
            self.body.append(text)
            return
        self.close()
        _push_heading(self.stack, *ph)
        self.path = " / ".join(([self.root] if self.root else []) + [self.stack[r] for r in sorted(self.stack)])
        self.loc = ln.loc
        self.body = [text]


def _chunk_headings(lines: list[_Line], meta: DocumentMeta) -> list[Chunk]:
    parse = _SectionParse(lines[0].loc if lines else Location())
    for ln in lines:
        parse.feed(ln)
    parse.close()
    return _section_chunks(_merge_small_sections(parse.sections), meta)


def _merge_small_sections(sections: list[_Section]) -> list[_Section]:
    """A bare parent heading ("二、重点任务") joins its first child; tiny fragments join the next
    section; a short sibling stays on its own (merging siblings would mislabel them), and so does
    a short numbered item that is a whole sentence (「一、采购意向应当在……前30日公开。」)."""
    merged: list[_Section] = []
    carry: _Section | None = None
    for idx, sec in enumerate(sections):
        own = sec[2]  # the section's own lines, before a carried fragment joins them
        if carry is not None:
            c_path, c_loc, c_body = carry
            s_path = sec[0]
            keep = s_path if (c_path is None or (s_path or "").startswith(c_path)) else c_path
            sec = (keep, c_loc, c_body + sec[2])
            carry = None
        size = len("".join(sec[2]))
        nxt = sections[idx + 1] if idx + 1 < len(sections) else None
        child_next = nxt is not None and sec[0] is not None and (nxt[0] or "").startswith(sec[0] + " / ")
        whole_item = not child_next and _is_whole_item(own)
        if nxt is not None and not whole_item and (
                size < MIN_FRAGMENT_CHARS or (size < MIN_SECTION_CHARS and (child_next or sec[0] is None))):
            carry = sec
            continue
        merged.append(sec)
    return merged


def _is_whole_item(body: list[str]) -> bool:
    """A numbered paragraph that is complete in itself: 「二、公开渠道为浙江政府采购网。」."""
    return (len(body) == 1 and any(rx.match(body[0]) for _, rx in _POLICY_PATTERNS)
            and body[0].endswith(tuple(_TERMINAL)))


def _section_chunks(merged: list[_Section], meta: DocumentMeta) -> list[Chunk]:
    chunks: list[Chunk] = []
    for n, (spath, sloc, sbody) in enumerate(merged, start=1):
        heading = spath or "说明"
        text = "\n".join(sbody)
        for i, part in enumerate(_split_long(text, prefix=f"{heading.split(' / ')[-1]}（续）")):
            cid = f"{meta.doc_id}#s{n}" + ("" if i == 0 else f"-p{i + 1}")
            chunks.append(_make_chunk(meta, cid, part, heading=heading,
                                      loc=sloc.model_copy(update={"section": heading})))
    return chunks


# --------------------------------------------------------------------------- plain


def _chunk_plain(lines: list[_Line], meta: DocumentMeta) -> list[Chunk]:
    chunks: list[Chunk] = []
    buf: list[str] = []
    loc: Location | None = None

    def flush() -> None:
        nonlocal buf, loc
        if buf and loc is not None:
            text = "\n".join(buf)
            for part in _split_long(text, prefix="", limit=int(PLAIN_WINDOW_CHARS * 1.5), target=PLAIN_WINDOW_CHARS):
                chunks.append(_make_chunk(meta, f"{meta.doc_id}#c{len(chunks) + 1}", part, loc=loc.model_copy()))
        buf, loc = [], None

    size = 0
    for ln in lines:
        if buf and size + len(ln.text) > PLAIN_WINDOW_CHARS:
            flush()
            size = 0
        if loc is None:
            loc = ln.loc
        buf.append(ln.text)
        size += len(ln.text)
    flush()
    return chunks


# --------------------------------------------------------------------------- helpers


def _split_long(text: str, prefix: str, limit: int = MAX_CHUNK_CHARS, target: int = TARGET_PART_CHARS) -> list[str]:
    """Split text over `limit` chars at sentence ends into parts of about `target` chars.

    Paragraph breaks are kept; parts after the first start with `prefix` (e.g. "第五条（续）").
    """
    if len(text) <= limit:
        return [text]
    units: list[tuple[str, bool]] = []  # (sentence, starts a paragraph)
    for para in text.split("\n"):
        for i, sent in enumerate(split_sentences(para)):
            while len(sent) > limit:  # a single run-on "sentence": hard cut
                units.append((sent[:target], i == 0))
                sent, i = sent[target:], 1
            units.append((sent, i == 0))
    parts: list[str] = []
    cur = ""
    for sent, new_para in units:
        if cur and len(cur) + len(sent) > target:
            parts.append(cur)
            cur = ""
        if not cur:
            cur = sent
        else:
            cur += ("\n" if new_para else "") + sent
    if cur:
        if parts and len(cur) < target // 4:
            parts[-1] += "\n" + cur
        else:
            parts.append(cur)
    return [parts[0]] + [f"{prefix}{p}" if prefix else p for p in parts[1:]]


def _make_chunk(
    meta: DocumentMeta, chunk_id: str, text: str, *, article: str | None = None,
    article_no: int | None = None, heading: str | None = None, loc: Location | None = None,
) -> Chunk:
    return Chunk(
        chunk_id=chunk_id, doc_id=meta.doc_id, title=meta.title, text=text.strip(),
        article=article, article_no=article_no, heading=heading, location=loc or Location(),
        doc_type=meta.doc_type, status=meta.status, effective_date=meta.effective_date,
        is_current=meta.is_current,
    )
