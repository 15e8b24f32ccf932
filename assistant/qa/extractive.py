"""The no-LLM answer: the most relevant articles, quoted, grouped by document, key sentence bold.

This is what a fresh machine shows (backend `none`), so it is written for readers: a one-line
lead, then per document (current versions first, stronger document types first) the articles
with their key sentence in **bold** and the citation 《title》第N条, then remarks about
superseded or lower-rank documents. Nothing is generated: every word after the lead is quoted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.qa.citing import key_sentence
from assistant.qa.context import is_lower_rank, is_superseded
from assistant.schema import DOC_TYPE_RANK, Citation, Hit

LEAD = "根据知识库，以下条文与您的问题最相关："
#: At most this many articles are quoted; weaker hits are kept only if close to the best one.
MAX_ARTICLES = 4
#: Relative fused-score floor for hits after the first two.
RELATIVE_SCORE_FLOOR = 0.6
#: Quote at most this many characters per article in the answer (full text stays in the citation).
MAX_QUOTE_CHARS = 320


@dataclass
class Extracted:
    text: str
    citations: list[Citation]
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


def select_hits(hits: list[Hit], named: list[str] | None = None, max_articles: int = MAX_ARTICLES) -> list[Hit]:
    """Named articles first, then the best hits that are close enough to the best one."""
    named = named or []
    first = [h for h in hits if h.chunk_id in named or "direct" in h.via]
    rest = [h for h in hits if h not in first]
    chosen = list(first)
    top = rest[0].score if rest else 0.0
    for i, h in enumerate(rest):
        if len(chosen) >= max_articles:
            break
        if i < 2 or (top > 0 and h.score >= RELATIVE_SCORE_FLOOR * top):
            chosen.append(h)
    return chosen[:max(max_articles, len(first))]


def _group_order(hits: list[Hit]) -> list[tuple[str, list[Hit]]]:
    groups: dict[str, list[Hit]] = {}
    for h in hits:
        groups.setdefault(h.doc_id, []).append(h)
    first_pos = {doc: min(hits.index(h) for h in hs) for doc, hs in groups.items()}

    def key(item: tuple[str, list[Hit]]) -> tuple[int, int, int, int]:
        doc, hs = item
        named_first = 0 if any("direct" in x.via for x in hs) else 1
        return (named_first, int(is_superseded(hs[0])), -DOC_TYPE_RANK.get(hs[0].doc_type, 0), first_pos[doc])

    return sorted(groups.items(), key=key)


def _strip_label(text: str, label: str | None) -> str:
    """「第二十六条 招标人……」 -> 「招标人……」 (the label is already printed before the quote)."""
    if label and text.startswith(label):
        return text[len(label):].lstrip(" 　:：")
    return text


def _quote(text: str, key: str | None, limit: int = MAX_QUOTE_CHARS, label: str | None = None) -> str:
    """The article text, flattened, with the key sentence bold, cut around it when long."""
    flat = _strip_label(" ".join(text.split()), label)
    if key:
        key_flat = _strip_label(" ".join(key.split()), label)
        pos = flat.find(key_flat)
        if pos >= 0:
            if len(flat) > limit:
                start = max(0, min(pos - 60, len(flat) - limit))
                end = max(start + limit, pos + len(key_flat))
                prefix = "……" if start > 0 else ""
                suffix = "……" if end < len(flat) else ""
                flat = prefix + flat[start:end] + suffix
                pos = flat.find(key_flat)
            return flat[:pos] + f"**{key_flat}**" + flat[pos + len(key_flat):]
    return flat if len(flat) <= limit else flat[:limit] + "……"


def build_extractive(question: str, hits: list[Hit], named: list[str] | None = None) -> Extracted:
    """Compose the extractive answer and its citations (numbered in reading order)."""
    chosen = select_hits(hits, named)
    lines = [LEAD, ""]
    citations: list[Citation] = []
    notes: list[str] = []
    flags: list[str] = []
    n = 0
    for _, group in _group_order(chosen):
        head = group[0]
        status = head.status if head.is_current or head.status != "现行有效" else "旧版本"
        lines.append(f"**《{head.title}》**（{head.doc_type}，{status}）")
        for h in group:
            n += 1
            key = key_sentence(h.text, question)
            where = h.article or (f"「{_short_heading(h.heading)}」" if h.heading else "")
            lines.append(f"- {where} [{n}]：{_quote(h.text, key, label=h.article)}")
            citations.append(Citation(**h.model_dump(), n=n, key_sentence=key))
        lines.append("")
        if is_superseded(head):
            flags.append("superseded_basis")
            notes.append(f"注意：《{head.title}》为{status}版本，请以现行有效版本为准。")
        if is_lower_rank(head):
            flags.append("lower_rank_basis")
            if head.doc_type == "审查要点":
                notes.append(f"注意：《{head.title}》是本系统的审查要点目录，不是法规，请以其所引法规原文为准。")
            else:
                notes.append(f"注意：《{head.title}》属于{head.doc_type}，效力层级低于法律、法规，适用时请一并核对上位法。")
    text = "\n".join(lines).rstrip()
    if notes:
        text += "\n\n" + "\n".join(notes)
    text += "\n\n（无模型模式：以上为知识库条文原文摘录，加粗为与问题最相关的句子；请结合具体情况判断。）"
    return Extracted(text=text, citations=citations, notes=notes, flags=list(dict.fromkeys(flags)))


def _short_heading(heading: str, limit: int = 24) -> str:
    """The last part of a heading path, cut: 「（三）强化数字赋能」 rather than the whole path."""
    last = heading.split(" / ")[-1].strip()
    return last if len(last) <= limit else last[:limit] + "…"
