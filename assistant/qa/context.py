"""The numbered context given to the model: `[1] 《title》第N条（法律，现行有效）text`.

Numbers are 1-based positions in the context; the model cites them as `[n]` and citing.py
maps them back to the hits.
"""

from __future__ import annotations

from dataclasses import dataclass

from assistant.schema import DOC_TYPE_RANK, DRAFT_STATUS, Hit
from assistant.text_zh import flatten_ws

#: Long articles are cut in the prompt (the full text is still shown with the citation).
MAX_ITEM_CHARS = 600


@dataclass(frozen=True)
class ContextItem:
    n: int
    hit: Hit

    @property
    def label(self) -> str:
        return cite_label(self.hit)


def cite_label(hit: Hit) -> str:
    """How a hit is cited in prose: 《title》第N条, or 《title》「heading」 for policy texts."""
    if hit.article:
        return f"《{hit.title}》{hit.article}"
    if hit.heading:
        return f"《{hit.title}》「{hit.heading}」"
    return f"《{hit.title}》"


def status_label(hit: Hit) -> str:
    status = hit.status if hit.is_current or hit.status != "现行有效" else "旧版本"
    return f"{hit.doc_type}，{status}"


def build_context(hits: list[Hit]) -> list[ContextItem]:
    return [ContextItem(n=i, hit=h) for i, h in enumerate(hits, start=1)]


def render_context(items: list[ContextItem], max_chars: int = MAX_ITEM_CHARS) -> str:
    """One line per item; newlines inside the text are flattened so each item is one block."""
    lines = []
    for item in items:
        text = flatten_ws(item.hit.text)
        if len(text) > max_chars:
            text = text[:max_chars] + "……"
        lines.append(f"[{item.n}] {item.label}（{status_label(item.hit)}）{text}")
    return "\n".join(lines)


def is_lower_rank(hit: Hit) -> bool:
    """Documents below regulations (规范性文件, 政策文件, 审查要点 ...) get a remark."""
    return DOC_TYPE_RANK.get(hit.doc_type, 0) < DOC_TYPE_RANK["地方性法规"]


def is_superseded(hit: Hit) -> bool:
    return (not hit.is_current) or hit.status != "现行有效"


def superseded_note(hit: Hit) -> str:
    """The warning under an answer resting on a text not in force (a draft, an old version)."""
    if hit.status == DRAFT_STATUS:
        return f"注意：《{hit.title}》为征求意见稿，不具有法律效力，请以正式公布的现行有效文本为准。"
    status = hit.status if hit.status != "现行有效" else "旧"
    return f"注意：《{hit.title}》为{status}版本，请以现行有效版本为准。"
