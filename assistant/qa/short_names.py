"""Articles named by a document kind alone: 「条例第三十四条」「实施条例第七条是怎么规定的」.

Officials say 「条例」 or 「实施条例」 for the regulation they work with; the knowledge base holds several
(招标投标法实施条例, 政府采购法实施条例, 优化营商环境条例 …). Left alone, such a question was answered
from whichever 条例 ranked first (「条例第三十四条」 -> 优化营商环境条例). Here the documents of that kind
holding the article are found: the question's regime (政府采购 / 工程招标) narrows them when it names one;
one left is quoted as the named article (saying which document was taken), several are all quoted and none
is stated as the answer (the user is asked which is meant).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from assistant.citations import short_name_refs
from assistant.qa.understanding import Lexicon, detect_regime, regime_titles
from assistant.retrieval import to_hit
from assistant.schema import DOC_TYPE_RANK, Hit

if TYPE_CHECKING:
    from assistant.kb import KnowledgeBase


@dataclass
class ShortNamed:
    """The articles a question names by a document kind alone, and what to tell the user about them."""

    hits: list[Hit] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    #: several documents hold the article, or none does: no article is stated as the answer
    ambiguous: bool = False


def resolve(question: str, kb: KnowledgeBase, lexicon: Lexicon | None, aliases: Mapping[str, str] | None,
            include_superseded: bool = False) -> ShortNamed:
    refs = short_name_refs(question, aliases)
    out = ShortNamed()
    if not refs:
        return out
    docs = kb.list_documents(include_superseded=include_superseded)
    regime = detect_regime(question, lexicon)[0] if lexicon is not None else None
    own = set(regime_titles(lexicon, kb.title_of).get(regime, [])) if lexicon is not None and regime else set()
    for ref in refs:
        kinds = [d for d in docs if d.title.endswith(ref.raw_title)]
        if own and any(d.title in own for d in kinds):
            kinds = [d for d in kinds if d.title in own]
        # 「条例」 in procurement practice is usually an 实施条例; then by rank (行政法规 before local rules)
        kinds.sort(key=lambda d: (not d.title.endswith("实施条例"), DOC_TYPE_RANK.get(d.doc_type, 99), d.title))
        found = []
        for d in kinds:
            chunk = kb.get_article(d.title, ref.article_no, include_superseded=include_superseded)
            if chunk is not None and all(h.chunk_id != chunk.chunk_id for h in out.hits):
                found.append((d.title, chunk))
        named = f"「{ref.raw_title}{ref.article}」"
        if not found:
            # 「条例第九千九百九十九条」: no such article; nothing is stated (a 第七十九条 ranked first otherwise)
            out.ambiguous = True
            out.lines.append(f"知识库中的{ref.raw_title}都没有{ref.article}，以下条文仅供参考，请核对条号。")
            continue
        out.hits += [to_hit(chunk, score=1.0, via=["direct"]) for _, chunk in found]
        if len(found) == 1:
            out.lines.append(f"{named}没有写明是哪一部法规，以下按《{found[0][0]}》{ref.article}回答。")
        else:
            out.ambiguous = True
            listed = "、".join(f"《{t}》{ref.article}" for t, _ in found)
            out.lines.append(f"{named}没有写明是哪一部法规，知识库中有 {len(found)} 条：{listed}，以下一并列出，请确认所指。")
    return out
