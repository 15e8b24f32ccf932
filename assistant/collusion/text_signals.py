"""T1 shared passages and T2 shared errors, after subtracting the tender and the 范本 library."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import combinations

from assistant.collusion.bidfacts import BidFacts, value_evidence
from assistant.collusion.exemptions import Exemptions, K
from assistant.collusion.models import Evidence, Excerpt, Signal, Tier

MIN_SPAN = 20  # shortest shared run counted (characters after normalisation)
# weighted characters: a run shared by d bids counts 1/(d-1) per character (common phrasing weighs little)
STRONG_CHARS, MEDIUM_CHARS, WEAK_CHARS = 300, 120, 40
# Labels that may follow a project name on the same line: the name ends there (or at whitespace).
_NEXT_LABELS = ("包号", "包件", "标包", "标段", "采购包", "合同包", "分标", "项目编号", "采购编号", "招标编号",
                "标段编号", "项目代码", "采购计划编号")


def _label(*words: str) -> str:
    """Alternation of label words that tolerates spaces between characters (「项 目 名 称」)."""
    return "|".join(r"\s*".join(w) for w in words)


# Matched on readable text (whitespace collapsed, not removed): whitespace separates fields on one line.
_PROJECT_NAME = re.compile(rf"(?:{_label('采购项目名称', '项目名称', '工程名称')})\s*[：:]\s*"
                           rf"([^\s：:，,。；;]{{4,40}}?)(?=$|[\s：:，,。；;]|{'|'.join(_NEXT_LABELS)})")
_PROJECT_NO = re.compile(rf"(?:{_label('项目编号', '招标编号', '采购编号', '标段编号')})\s*[：:]\s*"
                         r"([A-Za-z0-9\-－〔〕\[\]（）()]{4,30})")


class SharedIndex:
    """k-grams of every bid minus the exemptions: which bids hold each one."""

    def __init__(self, bids: list[BidFacts], ex: Exemptions, k: int = K) -> None:  # noqa: C901 - collusion module, split pending
        self.k = k
        owners: dict[str, set[int]] = defaultdict(set)
        for i, b in enumerate(bids):
            s = b.match.chars
            for g in {s[p:p + k] for p in range(len(s) - k + 1)}:
                owners[g].add(i)
        n = len(bids)
        self.dropped_common = 0
        self.owners: dict[str, frozenset[int]] = {}
        for g, who in owners.items():
            if len(who) < 2 or g in ex.kgrams:
                continue
            if n >= 5 and len(who) == n:  # in every bid of a larger tender: common boilerplate, not a ring
                self.dropped_common += 1
                continue
            self.owners[g] = frozenset(who)
        self.pair_positions: dict[tuple[int, int], list[int]] = defaultdict(list)
        for i, b in enumerate(bids):
            s = b.match.chars
            for p in range(len(s) - k + 1):
                holders = self.owners.get(s[p:p + k])
                if holders is None:
                    continue
                for j in holders:
                    if j > i:
                        self.pair_positions[(i, j)].append(p)


def _runs(positions: list[int], k: int) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    start = prev = positions[0]
    for p in positions[1:]:
        if p > prev + 1:
            runs.append((start, prev + k))
            start = p
        prev = p
    runs.append((start, prev + k))
    return runs


def _near_brand(b: BidFacts, unit: int, brands: set[str]) -> bool:
    """Inside manufacturer material: the shared brand is named in this unit or the few before it."""
    lo = max(0, unit - 6)
    window = " ".join(u.text for u in b.doc.units[lo:unit + 2])
    return any(br in window for br in brands)


def shared_passages(i: int, j: int, a: BidFacts, b: BidFacts, index: SharedIndex, n_bids: int) -> Signal | None:
    positions = index.pair_positions.get((i, j))
    if not positions:
        return None
    k = index.k
    brands = a.entities.brands & b.entities.brands
    covered = 0.0
    brand_chars = 0
    spans: list[tuple[int, str, int, int]] = []  # length, span, unit in A, bids sharing it
    for start, end in _runs(positions, k):
        length = end - start
        if length < MIN_SPAN:
            continue
        span = a.match.chars[start:end]
        ua = a.match.unit_of[start]
        if brands and _near_brand(a, ua, brands):
            brand_chars += length
            continue
        shared_by = max(2, min(len(index.owners.get(span[p:p + k], frozenset())) for p in range(0, length - k + 1, k)))
        covered += length / (shared_by - 1)
        spans.append((length, span, ua, shared_by))
    if covered < WEAK_CHARS:
        return None
    tier: Tier = "强" if covered >= STRONG_CHARS else "中" if covered >= MEDIUM_CHARS else "弱"
    spans.sort(key=lambda t: (-t[0], t[1]))
    evidence: list[Evidence] = []
    pair = frozenset((i, j))
    for length, span, _ua, shared_by in spans[:8]:  # excerpts only for what is shown
        pa = a.match.chars.find(span)
        pb = b.match.chars.find(span)
        note = f"（另有 {shared_by - 2} 份投标文件也含此段）" if shared_by > 2 else ""
        evidence.append(Evidence(description=f"相同段落 {length} 字，招标文件与范本库中均无{note}", value=span,
                                 a=_side_excerpt(a, max(pa, 0), span, index, pair),
                                 b=_side_excerpt(b, max(pb, 0), span, index, pair)))
    checked = ["已扣除招标文件全文（含投标文件格式）", f"已扣除范本库（{n_bids} 份投标文件共同使用的文字不计入）"]
    if brands:
        checked.append(f"两家均报同一品牌（{'、'.join(sorted(brands))}），该品牌产品资料中的相同文字 {brand_chars} 字未计入"
                       "（政府采购货物和服务招标投标管理办法第三十一条：同品牌投标）")
    total = sum(t[0] for t in spans)
    return Signal(kind="shared_text", label=f"非招标文件、非范本的相同文字共 {total} 字", tier=tier,
                  evidence=evidence, innocent_explanations_checked=checked)


_PART_WIDTH, _MAX_PARTS = 60, 8  # a span over several paragraphs: each shown up to 60 characters, at most 8


def _short(text: str, width: int = _PART_WIDTH) -> str:
    return text if len(text) <= width else text[:width] + "…"


def _pair_only_kgrams(b: BidFacts, unit: int, index: SharedIndex, pair: frozenset[int]) -> int:
    """How many of the unit's k-grams only this pair holds: the paragraph's weight as evidence."""
    key = b.match.key_of(unit)
    k = index.k
    return sum(index.owners.get(key[p:p + k]) == pair for p in range(len(key) - k + 1))


def _side_excerpt(b: BidFacts, start: int, span: str, index: SharedIndex, pair: frozenset[int]) -> Excerpt:
    """One side of a shared span: its paragraph, or a list of every paragraph the span runs through."""
    units = sorted(set(b.match.unit_of[start:start + len(span)])) or [0]
    if len(units) == 1:
        return _excerpt(b, units[0], span)
    weight = {u: _pair_only_kgrams(b, u, index, pair) for u in units}
    keep = set(sorted(units, key=lambda u: (-weight[u], u))[:_MAX_PARTS])  # the distinctive paragraphs first
    shown = [u for u in units if u in keep]
    parts = [f"〔{b.doc.units[u].location}〕{_short(b.doc.units[u].verbatim)}" for u in shown]
    if len(units) > len(shown):
        parts.append(f"……另有 {len(units) - len(shown)} 段")
    best = max(shown, key=lambda u: (weight[u], -u))
    first, last = b.doc.units[units[0]].location, b.doc.units[units[-1]].location
    return Excerpt(file=b.file, location=f"{first}至{last}（共 {len(units)} 段）", text=" ／ ".join(parts),
                   highlight=_short(b.doc.units[best].verbatim))


def _excerpt(b: BidFacts, unit: int, span: str) -> Excerpt:
    """The unit's readable text; the highlight is the readable counterpart of the shared span when found."""
    from assistant.collusion.normalize import match_key

    text = b.doc.units[unit].text if b.doc.units else ""
    # map the normalised span back onto the readable text: take the shortest readable slice whose key matches
    key = match_key(text)
    hl = ""
    if span[:12] in key:
        start_key = key.find(span[:12])
        # walk readable chars to find start/end positions corresponding to key offsets
        idx = [p for p, ch in enumerate(text) if ch.isalnum()]  # text is already NFKC-clean (reader)
        end_key = min(len(idx), start_key + len(span))
        if start_key < len(idx):
            hl = text[idx[start_key]:idx[end_key - 1] + 1]
    ex = b.excerpt(unit, hl, width=240)
    return ex


def shared_errors(a: BidFacts, b: BidFacts, ex: Exemptions, typos: list[str], tender_project: set[str]) -> Signal | None:
    items: list[Evidence] = []
    ta = a.doc.text.replace(" ", "")
    tb = b.doc.text.replace(" ", "")
    for typo in typos:
        if typo in ta and typo in tb and not ex.in_tender_text(typo):
            ua = next((n for n, u in enumerate(a.doc.units) if typo in u.text.replace(" ", "")), 0)
            ub = next((n for n, u in enumerate(b.doc.units) if typo in u.text.replace(" ", "")), 0)
            items.append(value_evidence(f"相同错别字“{typo}”，招标文件中没有", typo, a, ua, b, ub))
    items += _foreign_project_values(a, b, ex, tender_project)
    if not items:
        return None
    tier: Tier = "强" if len(items) >= 2 else "中"
    return Signal(kind="shared_errors", label=f"相同错误或遗留的其他项目信息 {len(items)} 处", tier=tier, evidence=items,
                  innocent_explanations_checked=["错误或名称不在招标文件中出现", "常见错别字表之外的写法未计入"])


def _project_values(texts: list[str]) -> dict[tuple[str, str], int]:
    """(项目名称|项目编号, value) written after its label, with the unit it was first found in."""
    found: dict[tuple[str, str], int] = {}
    for n, text in enumerate(texts):
        for pat, what in ((_PROJECT_NAME, "项目名称"), (_PROJECT_NO, "项目编号")):
            for m in pat.finditer(text):
                found.setdefault((what, m.group(1)), n)
    return found


def _foreign_project_values(a: BidFacts, b: BidFacts, ex: Exemptions, tender_project: set[str]) -> list[Evidence]:
    """T2: the same project name/number in both bids that the tender does not contain (left from another bid)."""
    va = _project_values([u.text for u in a.doc.units])
    vb = _project_values([u.text for u in b.doc.units])
    items: list[Evidence] = []
    for what, v in sorted(set(va) & set(vb)):
        if v in tender_project or ex.in_tender_text(v):
            continue
        items.append(value_evidence(f"两份投标文件都写了不属于本项目的{what}“{v}”（招标文件中没有）", v,
                                    a, va[(what, v)], b, vb[(what, v)]))
    return items


def tender_project_values(tender_text: str) -> set[str]:
    return {v for _, v in _project_values(tender_text.split("\n"))}


def pairs(n: int) -> list[tuple[int, int]]:
    return list(combinations(range(n), 2))
