"""Deterministic rule engine: catalogue detectors run over clauses and project facts.

Precision first: a compliant tender must come back nearly clean. So every pattern hit is
checked in its sentence for exceptions (legal-notice wording such as 「不得要求…」, quoting
the law, an unticked □ option, the rule's own `unless`), 「原则上」 softens a finding to low,
and rules are gated by procurement type (工程-only rules never fire on 政府采购 goods).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.review import numbers as nb
from assistant.review.catalogue import BasisRef, Catalogue, Detector, Rule
from assistant.review.facts import Fact, ProjectFacts
from assistant.review.reader import Clause
from assistant.schema import SEVERITY_ORDER

__all__ = ["NUMERIC_CHECKS", "SEVERITY_ORDER", "RuleEngine", "RuleHit"]

_BOUNDARY = "。；;！!？?\n"
_NEGATION = re.compile(r"(不得|禁止|严禁|不应当?|不能|不准|不允许|杜绝|避免|不再|无需|无须|不要求|不以|不将|不设|不存在|不属于|不视为|不作为)")
_QUOTE = re.compile(r"“[^”]{0,200}”|\"[^\"]{0,200}\"")
_LAW_REF = re.compile(r"《[^》]{2,40}》")


@dataclass
class RuleHit:
    """A rule that fired on a clause, before basis texts are attached."""

    rule: Rule
    detector: Detector
    clause: Clause
    evidence: str | None
    severity: str
    confidence: str
    basis: list[BasisRef]
    detail: str = ""  # numbers compared, for the explanation
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[int, str]:
        return (self.clause.index, self.rule.id)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(ch, 0, start) for ch in _BOUNDARY) + 1
    ends = [i for i in (text.find(ch, end) for ch in _BOUNDARY) if i >= 0]
    return s, (min(ends) + 1 if ends else len(text))


def _in_unticked_option(text: str, start: int) -> bool:
    """True when the match belongs to an unticked □ option (template choices in 前附表)."""
    line_start = text.rfind("\n", 0, start) + 1
    segment = text[line_start:start]
    marks = [(segment.rfind(ch), ch) for ch in "□■☑√"]
    pos, ch = max(marks)
    return pos >= 0 and ch == "□"


def _quoted_law(sentence: str, rel_start: int) -> bool:
    """The match sits inside a quotation in a sentence that cites a law (the law is quoted)."""
    if not _LAW_REF.search(sentence):
        return False
    return any(q.start() <= rel_start < q.end() for q in _QUOTE.finditer(sentence))


class _Compiled:
    """Precompiled regexes of one detector."""

    def __init__(self, det: Detector) -> None:
        self.patterns = [re.compile(p) for p in det.patterns]
        self.require = [re.compile(p) for p in det.require]
        self.unless = [re.compile(p) for p in det.unless]
        self.keyword = re.compile(det.keyword) if det.keyword else None
        self.scope = re.compile(det.scope) if det.scope else None


class RuleEngine:
    """Runs pattern, quantity and numeric detectors; semantic detectors are left to the LLM."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._compiled: dict[int, _Compiled] = {}
        for rule in catalogue.rules:
            for det in rule.detect:
                self._compiled[id(det)] = _Compiled(det)

    # ------------------------------------------------------------------ public
    def run(self, clauses: list[Clause], facts: ProjectFacts,  # noqa: C901 - owned by helper rreview; split pending
            progress: Callable[[str, int, int], None] | None = None) -> list[RuleHit]:
        regime = facts.regime
        hits: list[RuleHit] = []
        active = [(r, d) for r in self.catalogue.rules for d in r.detect
                  if d.type in ("pattern", "quantity") and r.applies(regime, d)]
        total = len(clauses)
        for i, clause in enumerate(clauses):
            for rule, det in active:
                hit = self._clause_hit(rule, det, clause, regime)
                if hit is not None:
                    hits.append(hit)
            if progress and (i % 200 == 0 or i == total - 1):
                progress("规则审查", i + 1, total)
        for rule in self.catalogue.rules:
            for det in rule.detect:
                if det.type != "numeric" or not rule.applies(regime, det):
                    continue
                check = NUMERIC_CHECKS.get(det.check or "")
                if check is None:
                    continue
                for clause_idx, evidence, detail in check(facts, clauses, det.params):
                    if not (0 <= clause_idx < len(clauses)):
                        continue
                    hits.append(self._make_hit(rule, det, clauses[clause_idx], evidence, regime, detail=detail))
        return dedupe(hits)

    # ------------------------------------------------------------------ one clause
    def _clause_hit(self, rule: Rule, det: Detector, clause: Clause, regime: str | None) -> RuleHit | None:
        comp = self._compiled[id(det)]
        text = clause.text
        if comp.scope is not None and not (comp.scope.search(clause.scope_text) or comp.scope.search(text[:200])):
            return None
        if det.type == "pattern":
            for rx in comp.patterns:
                for m in rx.finditer(text):
                    hit = self._accept(rule, det, comp, clause, m.start(), m.end(), regime)
                    if hit is not None:
                        return hit
            return None
        # quantity
        assert comp.keyword is not None
        for m in comp.keyword.finditer(text):
            s0, s1 = _sentence_bounds(text, m.start(), m.end())
            lo = max(s0, m.start() - det.before) if det.before else m.end()
            hi = min(s1, m.end() + det.window)
            value = _quantity(text[lo:hi], det.kind or "")
            if value is None:
                continue
            v, rel_s, rel_e = value
            if not _compare(v, det.op or "", det.value):
                continue
            span_s, span_e = min(m.start(), lo + rel_s), max(m.end(), lo + rel_e)
            hit = self._accept(rule, det, comp, clause, span_s, span_e, regime,
                               detail=_quantity_detail(det, v))
            if hit is not None:
                return hit
        return None

    def _accept(self, rule: Rule, det: Detector, comp: _Compiled, clause: Clause, start: int, end: int,
                regime: str | None, detail: str = "") -> RuleHit | None:
        text = clause.text
        s0, s1 = _sentence_bounds(text, start, end)
        sentence = text[s0:s1]
        ctx = text if det.unless_scope == "clause" else sentence
        if comp.require and not all(rx.search(sentence) for rx in comp.require):
            return None
        if any(rx.search(ctx) for rx in comp.unless):
            return None
        if not det.allow_negated and _NEGATION.search(text[max(s0, start - 30):start]):
            return None
        if _in_unticked_option(text, start):
            return None
        if _quoted_law(sentence, start - s0):
            return None
        if "____" in text[start:end]:
            return None
        hit = self._make_hit(rule, det, clause, text[start:end], regime, detail=detail)
        if "原则上" in sentence:
            hit.severity = "low"
            hit.notes.append("条款使用“原则上”表述，是否构成限制需人工确认。")
        return hit

    def _make_hit(self, rule: Rule, det: Detector, clause: Clause, evidence: str | None, regime: str | None,
                  detail: str = "") -> RuleHit:
        severity = det.severity_by_regime.get(regime or "", None) or det.severity or rule.severity
        confidence = det.confidence_by_regime.get(regime or "", None) or det.confidence or rule.confidence
        return RuleHit(rule, det, clause, evidence, severity, confidence,
                       rule.basis_for(regime, det.basis_keys or None), detail)


def dedupe(hits: Iterable[RuleHit]) -> list[RuleHit]:
    """One finding per rule and clause span, sorted by severity then position.

    First one hit per (clause, rule), the most severe. Then hits of the same rule on
    overlapping text close together — a table row and the same text as a paragraph, a nested
    table cell and its rows, a PDF line fragment and the sentence it belongs to — collapse into
    the hit quoting the most complete clause (the most severe level is kept).
    """
    best: dict[tuple[int, str], RuleHit] = {}
    for h in hits:
        cur = best.get(h.key)
        if cur is None or SEVERITY_ORDER[h.severity] < SEVERITY_ORDER[cur.severity]:
            best[h.key] = h
    by_rule: dict[str, list[RuleHit]] = {}
    for h in sorted(best.values(), key=lambda h: (-len(_squash(h.clause.text)), h.clause.index)):
        kept = by_rule.setdefault(h.rule.id, [])
        twin = next((k for k in kept if _overlaps(k, h)), None)
        if twin is None:
            kept.append(h)
        elif SEVERITY_ORDER[h.severity] < SEVERITY_ORDER[twin.severity]:
            twin.severity, twin.confidence = h.severity, h.confidence
    out = [h for hs in by_rule.values() for h in hs]
    return sorted(out, key=lambda h: (SEVERITY_ORDER[h.severity], h.clause.index, h.rule.id))


_SQUASH = re.compile(r"[\s|｜:：]+")


def _squash(text: str) -> str:
    return _SQUASH.sub("", text)


def _overlaps(longer: RuleHit, shorter: RuleHit, max_gap: int = 3) -> bool:
    """Same rule, nearby, and the shorter clause (or its flagged words) lies inside the longer one."""
    if abs(longer.clause.index - shorter.clause.index) > max_gap:
        return False
    a, b = _squash(longer.clause.text), _squash(shorter.clause.text)
    if b and b in a:
        return True
    ev = _squash(shorter.evidence or "")
    return len(ev) >= 6 and ev in a and ev == _squash(longer.evidence or "")


# --------------------------------------------------------------------------- quantities

_RE_COUNT = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*(名|个|家|人|位)(?!工作|月|小时|日|自然|日历)")


def _quantity(window: str, kind: str) -> tuple[float, int, int] | None:
    """The first number of `kind` in the window: (value, start, end) relative to the window."""
    if kind == "percent":
        ps = nb.find_percents(window)
        return (ps[0].value, ps[0].start, ps[0].end) if ps else None
    if kind == "amount":
        a = nb.find_amounts(window)
        return (a[0].yuan, a[0].start, a[0].end) if a else None
    if kind == "count":
        m = _RE_COUNT.search(window)
        if not m:
            return None
        raw = m.group(1)
        v = float(raw) if raw.isdigit() else nb.cn_number(raw.replace("两", "二"))
        return (v, m.start(), m.end()) if v is not None else None
    ds = nb.find_day_counts(window)
    if kind == "years":
        ds = [d for d in ds if d.unit == "年"]
        return (ds[0].n, ds[0].start, ds[0].end) if ds else None
    if kind == "workdays":
        ds = [d for d in ds if d.unit == "工作日"]
        return (ds[0].n, ds[0].start, ds[0].end) if ds else None
    if kind == "days":
        ds = [d for d in ds if d.unit in ("日", "工作日", "月")]
        if not ds:
            return None
        d = ds[0]
        return (d.n if d.unit == "工作日" else d.days, d.start, d.end)
    return None


def _compare(v: float, op: str, ref: Any) -> bool:
    try:
        if op == "gt":
            return v > float(ref) + 1e-9
        if op == "lt":
            return v < float(ref) - 1e-9
        if op == "ge":
            return v >= float(ref)
        if op == "le":
            return v <= float(ref)
        if op == "outside":
            lo, hi = ref
            return v < float(lo) - 1e-9 or v > float(hi) + 1e-9
    except (TypeError, ValueError):
        return False
    return False


def _fmt(v: float, kind: str) -> str:
    if kind == "percent":
        return f"{v * 100:g}%"
    if kind == "amount":
        return _yuan(v)
    unit = {"years": "年", "count": "", "workdays": "个工作日"}.get(kind, "日")
    return f"{v:g}{unit}"


def _quantity_detail(det: Detector, v: float) -> str:
    ref = det.value
    kind = det.kind or ""
    if det.op == "outside" and isinstance(ref, list):
        return f"条款数值 {_fmt(v, kind)}，不在规定区间 {_fmt(ref[0], kind)}～{_fmt(ref[1], kind)} 内。"
    word = {"gt": "超过上限", "lt": "低于下限", "ge": "达到", "le": "未超过"}.get(det.op or "", "")
    return f"条款数值 {_fmt(v, kind)}，{word} {_fmt(float(ref), kind)}。"  # type: ignore[arg-type]


def _yuan(v: float) -> str:
    return f"{v / 10000:g}万元" if v >= 10000 else f"{v:g}元"


# --------------------------------------------------------------------------- cross-clause checks

NumericResult = list[tuple[int, str | None, str]]


def _check_bid_period(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    start = f.sale_start or f.announce_date
    if start is None or f.deadline is None:
        return []
    days = nb.days_between(start.value, f.deadline.value)
    need = int(p.get("min_days", 20))
    if 0 <= days < need:
        return [(f.deadline.clause, f.deadline.evidence,
                 f"招标文件自{start.value:%Y年%m月%d日}开始发出，投标截止时间为{f.deadline.value:%Y年%m月%d日}，"
                 f"间隔仅{days}日，少于法定的{need}日。")]
    return []


def _check_sale_period(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.sale_start is None or f.sale_end is None or f.sale_end.value < f.sale_start.value:
        return []
    if f.regime == "政府采购":
        n = nb.workdays_between(f.sale_start.value, f.sale_end.value)
        need = int(p.get("min_workdays", 5))
        if n < need:
            return [(f.sale_start.clause, f"{f.sale_start.evidence}至{f.sale_end.evidence}",
                     f"文件提供期限自{f.sale_start.value:%Y年%m月%d日}至{f.sale_end.value:%Y年%m月%d日}，"
                     f"按周一至周五计约{n}个工作日（未计法定节假日调整），少于{need}个工作日。")]
        return []
    n = (f.sale_end.value - f.sale_start.value).days + 1
    need = int(p.get("min_days", 5))
    if n < need:
        return [(f.sale_start.clause, f"{f.sale_start.evidence}至{f.sale_end.evidence}",
                 f"文件发售期自{f.sale_start.value:%Y年%m月%d日}至{f.sale_end.value:%Y年%m月%d日}，共{n}日，少于{need}日。")]
    return []


def _check_clarification(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.deadline is None:
        return []
    need = int(p.get("min_days", 15))
    out: NumericResult = []
    for c in f.clarification_dates:
        text = clauses[c.clause].text
        if "顺延" in text or c.value >= f.deadline.value:
            continue
        days = nb.days_between(c.value, f.deadline.value)
        if days < need:
            out.append((c.clause, c.evidence,
                        f"澄清（修改）于{c.value:%Y年%m月%d日}发出，距投标截止{f.deadline.value:%Y年%m月%d日}仅{days}日，"
                        f"少于{need}日且未顺延截止时间。"))
    return out


def _check_validity(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.bond_validity_days is None or f.bid_validity_days is None or f.bond_validity_same is not None:
        return []
    if abs(f.bond_validity_days.value - f.bid_validity_days.value) >= 1:
        return [(f.bond_validity_days.clause, f.bond_validity_days.evidence,
                 f"投标保证金有效期约{f.bond_validity_days.value:g}日，投标有效期为{f.bid_validity_days.value:g}日，两者不一致。")]
    return []


def _check_bid_bond_ratio(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    max_ratio = float(p.get("max_ratio", 0.02))
    if f.bid_bond_pct is not None and f.bid_bond_pct.value and f.bid_bond_pct.value > max_ratio + 1e-9:
        return [(f.bid_bond_pct.clause, f.bid_bond_pct.evidence,
                 f"投标保证金按{f.bid_bond_pct.value * 100:g}%收取，超过{max_ratio * 100:g}%。")]
    base: Fact | None
    if p.get("base") == "estimate":
        base = f.estimate or f.max_price or f.budget
        base_name = "估算价" if f.estimate else ("最高投标限价" if f.max_price else "预算")
    else:
        base = f.budget or f.max_price
        base_name = "预算金额" if f.budget else "最高限价"
    if f.bid_bond is None or base is None or base.value <= 0:
        return []
    ratio = f.bid_bond.value / base.value
    if ratio > max_ratio + 1e-9:
        return [(f.bid_bond.clause, f.bid_bond.evidence,
                 f"投标保证金{_yuan(f.bid_bond.value)}，{base_name}{_yuan(base.value)}，占{ratio * 100:.2f}%，"
                 f"超过{max_ratio * 100:g}%的上限（上限为{_yuan(base.value * max_ratio)}）。")]
    return []


def _check_bid_bond_cap(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    cap = float(p.get("max_yuan", 800000))
    if f.bid_bond is not None and f.bid_bond.value > cap:
        return [(f.bid_bond.clause, f.bid_bond.evidence,
                 f"投标保证金{_yuan(f.bid_bond.value)}，超过施工招标投标保证金最高{_yuan(cap)}的规定。")]
    return []


def _check_committee(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.committee_size is None:
        return []
    n = int(f.committee_size.value)
    need = int(p.get("min_members", 5))
    if n < need or n % 2 == 0:
        return [(f.committee_size.clause, f.committee_size.evidence,
                 f"评标委员会{n}人，不符合“{need}人以上单数”的要求。")]
    if f.committee_experts is not None and 3 * int(f.committee_experts.value) < 2 * n:
        e = int(f.committee_experts.value)
        return [(f.committee_experts.clause, f.committee_experts.evidence,
                 f"评标委员会{n}人中专家{e}人，不足成员总数的三分之二（至少{-(-2 * n // 3)}人）。")]
    big = float(p.get("big_budget", 1e7))
    if f.regime == "政府采购" and f.budget is not None and f.budget.value >= big and n < int(p.get("big_min", 7)):
        return [(f.committee_size.clause, f.committee_size.evidence,
                 f"预算{_yuan(f.budget.value)}（1000万元以上），评标委员会应为7人以上单数，文件规定为{n}人。")]
    return []


_RE_SCORE = re.compile(r"^\d+(\.\d+)?$")


def _check_price_weight(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:  # noqa: C901 - owned by helper rreview; split pending
    if f.regime != "政府采购" or f.subject not in ("货物", "服务"):
        return []
    need = float(p.get("goods_min", 0.30)) if f.subject == "货物" else float(p.get("services_min", 0.10))
    rows = [c for c in clauses if c.table_kind == "评分表" and c.cells]
    price: tuple[Clause, float] | None = None
    total = 0.0
    stated_total: float | None = None
    for c in rows:
        cells = [x.strip() for x in c.cells or []]
        scores = [float(x) for x in cells if _RE_SCORE.match(x) and 0 < float(x) <= 100]
        label = " ".join(x for x in cells[:3] if not _RE_SCORE.match(x))
        if re.search(r"合计|总分", label) and scores:
            stated_total = scores[-1]
            continue
        if not scores:
            continue
        # the score cell is the first number after the label (index cells come before it)
        idx_cells = [x for x in cells if _RE_SCORE.match(x)]
        score = float(idx_cells[1]) if len(idx_cells) > 1 and re.fullmatch(r"\d+", cells[0] or "") else scores[0]
        total += score
        if price is None and re.search(r"价格|报价", label):
            price = (c, score)
    if price is None:
        for c in clauses:
            m = re.search(r"价格(分|分值|权重)[^。；\n]{0,8}?(\d+(\.\d+)?)\s*([%％]|分)", c.text)
            if m:
                v = float(m.group(2))
                weight = v / 100.0
                if weight < need - 1e-9:
                    return [(c.index, m.group(0), f"价格分占{weight * 100:g}%，低于{f.subject}项目{need * 100:g}%的下限。")]
                return []
        return []
    c, score = price
    base = stated_total or total or 100.0
    weight = score / base
    f.price_weight = Fact(round(weight, 4), c.index, str(score))
    if weight < need - 1e-9:
        return [(c.index, None, f"价格分{score:g}分，占总分{base:g}分的{weight * 100:.1f}%，低于{f.subject}项目{need * 100:g}%的下限。")]
    return []


def _check_sme(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.regime != "政府采购" or f.budget is None:
        return []
    cap = float(p.get("works_cap", 4e6)) if f.subject == "工程" else float(p.get("goods_services_cap", 2e6))
    reserved = f.sme_reserved.value if f.sme_reserved else None
    if reserved:
        return []
    where = f.sme_reserved.clause if f.sme_reserved else f.budget.clause
    text = clauses[where].text
    if re.search(r"理由|原因|第六条|不适宜|无法确保", text):
        return []
    if f.budget.value <= cap:
        return [(where, f.sme_reserved.evidence if f.sme_reserved else f.budget.evidence,
                 f"预算{_yuan(f.budget.value)}，未超过{_yuan(cap)}，文件未写明专门面向中小企业采购，也未说明不适宜由中小企业提供的理由。")]
    if reserved is False:
        return [(where, f.sme_reserved.evidence if f.sme_reserved else None,
                 f"预算{_yuan(f.budget.value)}，超过{_yuan(cap)}，文件写明不预留份额，但未说明属于不预留的法定情形（理由）。")]
    return []


def _check_must_tender(f: ProjectFacts, clauses: list[Clause], p: dict[str, Any]) -> NumericResult:
    if f.regime != "工程" or f.procurement_method is None or f.estimate is None:
        return []
    if f.procurement_method.value in ("公开招标", "邀请招标"):
        return []
    if f.estimate.value >= float(p.get("works_min", 4e6)):
        return [(f.procurement_method.clause, f.procurement_method.evidence,
                 f"施工估算价{_yuan(f.estimate.value)}，达到依法必须招标的400万元标准，却采用{f.procurement_method.value}方式。")]
    return []


NUMERIC_CHECKS: dict[str, Callable[[ProjectFacts, list[Clause], dict[str, Any]], NumericResult]] = {
    "bid_period": _check_bid_period,
    "sale_period": _check_sale_period,
    "clarification_lead": _check_clarification,
    "validity_mismatch": _check_validity,
    "bid_bond_ratio": _check_bid_bond_ratio,
    "bid_bond_cap": _check_bid_bond_cap,
    "committee_size": _check_committee,
    "price_weight": _check_price_weight,
    "sme_reservation": _check_sme,
    "must_tender": _check_must_tender,
}
