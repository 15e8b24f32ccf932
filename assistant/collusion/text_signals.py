"""T1 shared passages and T2 shared errors, after subtracting the tender and the 范本 library."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from itertools import combinations

from assistant.collusion.bidfacts import BidFacts, value_evidence
from assistant.collusion.duplicates import count_bidders
from assistant.collusion.exemptions import Exemptions, K
from assistant.collusion.models import Evidence, Excerpt, Group, Signal, Tier
from assistant.collusion.normalize import shown_text
from assistant.collusion.reader import ParsedDoc
from assistant.collusion.typos import SharedTypo, flat

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
    """k-grams of every bid minus the exemptions: which bids hold each one.

    A k-gram that every bid holds (three bids or more) is not pair evidence: it is the bidders'
    common wording (the tender's forms filled in with the same project name and 招标代理, the joins
    between its headings) or, if long, a finding about the whole group (see `common_passages`).
    Text that all but one bid share still counts: a ring of n-1 among n bids (陪标) would vanish.
    Bids are counted by bidder: `party` gives, per bid, its bidder (two files of one bidder count once).
    """

    def __init__(self, bids: list[BidFacts], ex: Exemptions, party: list[int], k: int = K) -> None:
        self.k = k
        self.party = party
        owners = _owners(bids, k)
        n = len(set(self.party))
        self.n = n
        self.common: set[str] = set()  # in every bid (n >= 3): shown as a group finding when long, never per pair
        self.owners: dict[str, frozenset[int]] = {}
        for g, who in owners.items():
            if len(who) < 2 or ex.covers(g):
                continue
            if n >= 3 and len(who) >= n and self.bidders(who) == n:
                self.common.add(g)
                continue
            self.owners[g] = frozenset(who)
        self.dropped_common = len(self.common)
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

    def bidders(self, holders: frozenset[int] | set[int]) -> int:
        """How many bidders hold a k-gram (two files of one bidder count once)."""
        return count_bidders(holders, self.party)


def _owners(bids: list[BidFacts], k: int) -> dict[str, set[int]]:
    owners: dict[str, set[int]] = defaultdict(set)
    for i, b in enumerate(bids):
        s = b.match.chars
        for g in {s[p:p + k] for p in range(len(s) - k + 1)}:
            owners[g].add(i)
    return owners


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


# Product literature: a paragraph dense with model numbers and parameters (「OptiX OSN 1800 II … 50ms …
# -48V/-60V … 2U … 19英寸」). Bidders offering the same product paste the same manufacturer brochure.
_SPEC_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+/\-]*")
SPEC_MIN_TOKENS, SPEC_MIN_LETTERED, SPEC_PER_100 = 6, 3, 5.0
LITERATURE_WEIGHT = 0.25  # a product-literature character counts a quarter


def is_product_literature(text: str) -> bool:
    """Model numbers, acronyms and values with units make up much of the paragraph (counted with spaces and
    invisible characters removed, so that spacing a copied passage out does not make it look like a brochure)."""
    text = "".join(shown_text(text).split())
    tokens = _SPEC_TOKEN.findall(text)
    lettered = sum(1 for t in tokens if any(c.isalpha() for c in t))
    size = sum(1 for ch in text if ch.isalnum())
    return (len(tokens) >= SPEC_MIN_TOKENS and lettered >= SPEC_MIN_LETTERED and size > 0
            and 100 * len(tokens) / size >= SPEC_PER_100)


_SENTENCE_END = tuple("。！？；.!?;")
WRAP_WIDTH_SHARE = 0.5  # a PDF line at least this share of the widest line's width may be a wrapped one


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def paragraph_of(doc: ParsedDoc) -> list[int]:
    """Per unit, the paragraph it belongs to. A DOCX unit is a paragraph; PDF text comes as lines, and a line
    that is no table row, does not end a sentence and fills at least half the widest line runs on into the next
    (a brochure paragraph broken into lines must be judged as the paragraph it is)."""
    units = doc.units
    if doc.format != "pdf" or not units:
        return list(range(len(units)))
    widest = max(_width(u.text) for u in units)
    out: list[int] = []
    current = 0
    for n, u in enumerate(units):
        out.append(current)
        text = u.text.strip()
        runs_on = (not u.cells and not text.endswith(_SENTENCE_END) and _width(text) >= WRAP_WIDTH_SHARE * widest
                   and n + 1 < len(units) and not units[n + 1].cells)
        if not runs_on:
            current = n + 1
    return out


def literature_units(b: BidFacts) -> list[bool]:
    """Per unit: part of a product-literature paragraph (computed once per bid)."""
    if b.literature is None:
        para = paragraph_of(b.doc)
        texts: dict[int, list[str]] = defaultdict(list)
        for n, u in enumerate(b.doc.units):
            texts[para[n]].append(u.text)
        lit = {p: is_product_literature("".join(t)) for p, t in texts.items()}
        b.literature = [lit[p] for p in para]
    return b.literature


def _literature_share(b: BidFacts, start: int, end: int) -> float:
    """Share of the run's characters that sit in product-literature paragraphs of this bid."""
    units = b.match.unit_of[start:end]
    if not units:
        return 0.0
    lit = literature_units(b)
    return sum(lit[u] for u in units) / len(units)


def shared_passages(i: int, j: int, a: BidFacts, b: BidFacts, index: SharedIndex, n_bids: int) -> Signal | None:  # noqa: C901 - collusion module, split pending
    positions = index.pair_positions.get((i, j))
    if not positions:
        return None
    k = index.k
    brands = a.entities.brands & b.entities.brands
    covered = 0.0  # weighted characters outside product literature
    literature = 0.0  # weighted characters inside it (a quarter each)
    brand_chars = lit_chars = 0
    spans: list[tuple[int, str, int, int, bool]] = []  # length, span, unit in A, bids sharing it, product literature
    for start, end in _runs(positions, k):
        length = end - start
        if length < MIN_SPAN:
            continue
        span = a.match.chars[start:end]
        ua = a.match.unit_of[start]
        if brands and _near_brand(a, ua, brands):
            brand_chars += length
            continue
        shared_by = max(2, min(index.bidders(index.owners.get(span[p:p + k], frozenset()))
                               for p in range(0, length - k + 1, k)))
        pb = b.match.chars.find(span)
        lit = _literature_share(a, start, end) > 0.5 and (pb < 0 or _literature_share(b, pb, pb + length) > 0.5)
        if lit:
            literature += LITERATURE_WEIGHT * length / (shared_by - 1)
            lit_chars += length
        else:
            covered += length / (shared_by - 1)
        spans.append((length, span, ua, shared_by, lit))
    total_weight = covered + literature
    if total_weight < WEAK_CHARS:
        return None
    tier: Tier = "强" if total_weight >= STRONG_CHARS else "中" if total_weight >= MEDIUM_CHARS else "弱"
    if covered < WEAK_CHARS:
        tier = "弱"  # product literature alone never makes more than a weak signal
    spans.sort(key=lambda t: (t[4], -t[0], t[1]))  # the distinctive text first, product literature last
    evidence: list[Evidence] = []
    pair = frozenset((i, j))
    for length, span, _ua, shared_by, lit in spans[:8]:  # excerpts only for what is shown
        pa = a.match.chars.find(span)
        pb = b.match.chars.find(span)
        note = f"（另有 {shared_by - 2} 份投标文件也含此段）" if shared_by > 2 else ""
        if lit:
            note += "；型号、技术参数密集，疑为产品资料（报同一产品的投标人可能共用制造商资料），按四分之一计"
        evidence.append(Evidence(description=f"相同段落 {length} 字，招标文件与范本库中均无{note}", value=span,
                                 a=_side_excerpt(a, max(pa, 0), span, index, pair),
                                 b=_side_excerpt(b, max(pb, 0), span, index, pair)))
    checked = ["已扣除招标文件全文（含投标文件格式）", "已扣除范本库"]
    if n_bids >= 3:
        checked.append(f"全部 {n_bids} 份投标文件都有的文字不计入（各家共用的格式和写法）")
    if lit_chars:
        checked.append(f"型号、技术参数密集的产品资料段落 {lit_chars} 字按四分之一计，且单独不构成“中”以上的信号"
                       "（报同一产品的投标人可能共用制造商彩页或说明书；政府采购货物和服务招标投标管理办法第三十一条）")
    if brands:
        checked.append(f"两家均报同一品牌（{'、'.join(sorted(brands))}），该品牌产品资料中的相同文字 {brand_chars} 字未计入"
                       "（政府采购货物和服务招标投标管理办法第三十一条：同品牌投标）")
    total = sum(t[0] for t in spans)
    label = f"非招标文件、非范本的相同文字共 {total} 字" + (f"（其中产品资料 {lit_chars} 字）" if lit_chars else "")
    return Signal(kind="shared_text", label=label, tier=tier, evidence=evidence, innocent_explanations_checked=checked)


COMMON_FINDING_CHARS = MEDIUM_CHARS  # all-bid text (outside product literature) worth a group finding


def common_passages(bids: list[BidFacts], index: SharedIndex) -> Group | None:
    """Long text every bid holds that is in neither the tender nor the 范本 library: one finding about
    the whole group (all bidders from one source, or a shared outside source), never pair evidence."""
    if not index.common or not bids:
        return None
    first = bids[0]
    s, k = first.match.chars, index.k
    positions = [p for p in range(len(s) - k + 1) if s[p:p + k] in index.common]
    if not positions:
        return None
    runs = [(st, en) for st, en in _runs(positions, k) if en - st >= MIN_SPAN]
    plain = [(st, en) for st, en in runs if _literature_share(first, st, en) <= 0.5]
    total = sum(en - st for st, en in plain)
    if total < COMMON_FINDING_CHARS:
        return None
    plain.sort(key=lambda r: (r[0] - r[1], r[0]))
    evidence = [Evidence(description=f"全部 {len(bids)} 份投标文件都有的相同段落 {en - st} 字，招标文件与范本库中均无",
                         value=s[st:en], a=_excerpt(first, first.match.unit_of[st], s[st:en]))
                for st, en in plain[:5]]
    example = _short(s[plain[0][0]:plain[0][1]], 40)
    return Group(members=sorted(b.file for b in bids), kind="common_text", tier="中", evidence=evidence,
                 description=f"全部 {len(bids)} 份投标文件都有 {total} 字相同文字，招标文件与范本库中均无（如“{example}”）；"
                             "可能出自共同的外部资料，也可能全部投标文件出自同一来源，须对照原件复核"
                             "（该文字不计入各对投标人的得分）")


_PART_WIDTH, _MAX_PARTS = 60, 8  # a span over several paragraphs: each shown up to 60 characters, at most 8
SHARED_MARK = "，其他文件也有，不计入"  # marks a paragraph inside a span that is not this pair's own text


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
    weight = {u: _pair_only_kgrams(b, u, index, pair) for u in units}

    def shared(u: int) -> bool:  # a whole paragraph others have too: the span only touches it at its edge
        return weight[u] == 0 and len(b.match.key_of(u)) >= index.k

    while len(units) > 1 and shared(units[-1]):
        units.pop()
    while len(units) > 1 and shared(units[0]):
        units.pop(0)
    if len(units) == 1:
        return _excerpt(b, units[0], span)
    keep = set(sorted(units, key=lambda u: (-weight[u], u))[:_MAX_PARTS])  # the distinctive paragraphs first
    shown = [u for u in units if u in keep]
    parts = [f"〔{b.doc.units[u].location}{SHARED_MARK if shared(u) else ''}〕{_short(b.doc.units[u].verbatim)}"
             for u in shown]
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


def shared_errors(a: BidFacts, b: BidFacts, ex: Exemptions, typos: list[str], tender_project: set[str],
                  found: list[SharedTypo] | None = None) -> Signal | None:
    """Listed typos, misspellings found with the dictionary (`typos.TypoIndex`) and foreign project names."""
    items: list[Evidence] = []
    ta, tb = flat(a.doc.text), flat(b.doc.text)
    for typo in typos:
        if typo in ta and typo in tb and not ex.in_tender_text(typo):
            ua = next((n for n, u in enumerate(a.doc.units) if typo in flat(u.text)), 0)
            ub = next((n for n, u in enumerate(b.doc.units) if typo in flat(u.text)), 0)
            items.append(value_evidence(f"相同错别字“{typo}”，招标文件中没有", typo, a, ua, b, ub))
    items += _foreign_project_values(a, b, ex, tender_project)
    firm = len(items)
    for t in found or []:
        right = f"（应为“{t.right}”）" if t.right else ""
        items.append(value_evidence(f"相同错别字“{t.wrong}”{right}，只有这两份投标文件这样写，"
                                    "招标文件和其他投标文件中都没有", t.wrong, a, t.unit_a, b, t.unit_b))
    if not items:
        return None
    inferred = len(items) - firm
    # a listed typo or a foreign project name counts whole; a misspelling inferred from the dictionary counts half
    weight = firm + inferred / 2
    tier: Tier = "强" if weight >= 2 else "中" if weight >= 1 else "弱"
    checked = ["错误或名称不在招标文件中出现"]
    if inferred:
        checked.append("按词典判断的错别字：该写法不是词典中的词，改一个字即为招标文件或投标文件中使用的常用词，"
                       "且只有这两份投标文件出现；人名、单位名称、型号和否定搭配（如“未作”）不作判断。每处按半项计（也可能是词典未收的专业用语）")
    return Signal(kind="shared_errors", label=f"相同错误或遗留的其他项目信息 {len(items)} 处", tier=tier, evidence=items,
                  innocent_explanations_checked=checked)


_PAIRS = {"）": "（", ")": "(", "]": "[", "〕": "〔"}


def _trim(value: str) -> str:
    """A project number without the punctuation around it: 「2241STC73616)」 (closing its 「（项目编号：…）」)
    is 「2241STC73616」; brackets that belong to the number (「〔2024〕12号」) stay."""
    v = value.strip("-－")
    while v and (v[-1] in _PAIRS.values() or (v[-1] in _PAIRS and v.count(_PAIRS[v[-1]]) < v.count(v[-1]))):
        v = v[:-1].rstrip("-－")
    while v and v[0] in _PAIRS.values() and not any(c in v for c, o in _PAIRS.items() if o == v[0]):
        v = v[1:].lstrip("-－")
    return v


def _project_values(texts: list[str]) -> dict[tuple[str, str], int]:
    """(项目名称|项目编号, value) written after its label, with the unit it was first found in."""
    found: dict[tuple[str, str], int] = {}
    for n, text in enumerate(texts):
        for pat, what in ((_PROJECT_NAME, "项目名称"), (_PROJECT_NO, "项目编号")):
            for m in pat.finditer(text):
                value = _trim(m.group(1))
                if len(value) >= 4:
                    found.setdefault((what, value), n)
    return found


def _foreign(value: str, ex: Exemptions, tender_project: set[str]) -> bool:
    return value not in tender_project and not ex.in_tender_text(value)


def _foreign_project_values(a: BidFacts, b: BidFacts, ex: Exemptions, tender_project: set[str]) -> list[Evidence]:
    """T2: the same project name/number in both bids that the tender does not contain (left from another bid)."""
    va = _project_values([u.text for u in a.doc.units])
    vb = _project_values([u.text for u in b.doc.units])
    items: list[Evidence] = []
    for what, v in sorted(set(va) & set(vb)):
        if not _foreign(v, ex, tender_project):
            continue
        items.append(value_evidence(f"两份投标文件都写了不属于本项目的{what}“{v}”（招标文件中没有）", v,
                                    a, va[(what, v)], b, vb[(what, v)]))
    return items


def tender_project_values(tender_text: str) -> set[str]:
    return {v for _, v in _project_values(tender_text.split("\n"))}


def common_foreign_projects(bids: list[BidFacts], party: list[int], ex: Exemptions,
                            tender_project: set[str]) -> list[tuple[str, str]]:
    """(项目名称|项目编号, value) that every bidder writes and the tender lacks: the tender is most likely
    another project's (a wrong upload), not a leftover two bidders share."""
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for n, b in enumerate(bids):
        for key in _project_values([u.text for u in b.doc.units]):
            holders[key].append(n)
    bidders = count_bidders(range(len(bids)), party)
    return sorted(k for k, who in holders.items()
                  if bidders >= 2 and count_bidders(who, party) == bidders and _foreign(k[1], ex, tender_project))


def pairs(n: int) -> list[tuple[int, int]]:
    return list(combinations(range(n), 2))
