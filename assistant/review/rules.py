"""Deterministic rule engine: catalogue detectors run over clauses and project facts.

Precision first: a compliant tender must come back nearly clean. So every pattern hit is
checked in its sentence for exceptions (legal-notice wording such as 「不得要求…」, quoting
the law, an unticked □ option, the rule's own `unless`), 「原则上」 softens a finding to low,
and rules are gated by procurement type (工程-only rules never fire on 政府采购 goods).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import islice, pairwise
from typing import Any

from assistant.format_zh import money_short, phrase_bounds
from assistant.review import numbers as nb
from assistant.review.catalogue import BasisRef, Catalogue, Detector, Rule
from assistant.review.cross_clause import NUMERIC_CHECKS
from assistant.review.facts import ProjectFacts
from assistant.review.reader import LIST_ITEM, Clause, mask_superseded

#: The matches of one pattern weighed in one clause. Each match is checked against its sentence, so a clause of
#: tens of thousands of characters repeating one matching phrase (an adversarial upload) would cost a check of
#: that whole sentence per match; no real clause repeats one pattern this often.
MAX_MATCHES = 200

__all__ = ["NUMERIC_CHECKS", "SEVERITY_ORDER", "RuleEngine", "RuleHit", "on_scoring_row"]

SEVERITY_ORDER = {"high": 0, "medium": 1, "low": 2}
_BOUNDARY = "。；;！!？?\n"
_NEGATION = re.compile(r"(不得|禁止|严禁|不应当?|不能|不准|不允许|杜绝|避免|不再|无需|无须|不要求|不以|不将|不设|不存在|不属于|不视为|不作为|不指定|不限定|不强制|不单独|不分别|不向|自行决定|自主决定)")
#: negations that end with their object: 「本工程不设预付款，进度款按60%支付」 says nothing of the progress payment
_CLOSED_NEGATION = ("不设",)


def _negated(text: str, lo: int, start: int) -> bool:
    """A negation before the match (up to its second character: 「不以审计结果作为结算依据」 negates a match that
    starts at 以) that bears on it: not one that closes its own clause (「不设预付款，」) before the match."""
    for m in _NEGATION.finditer(text, lo, start + 2):
        if _BARE_ANSWER.match(text, m.end()):  # 「答：不能，质量保证金仍按结算价的4%预留」 negates nothing after it
            continue
        closed = m.group(1) in _CLOSED_NEGATION or _COMPARED.match(text, m.end()) is not None
        if closed and re.search(r"[，,]", text[m.end():start]):
            continue
        return True
    return False


#: a negation that stands alone as an answer (「答：不能，……」): nothing follows it for it to negate
_BARE_ANSWER = re.compile(r"\s*[，,。；;！!]")
#: a negated comparison closes with its clause too: 「投标报价不得高于最高投标限价，投标报价低于……85%的作废标处理」
_COMPARED = re.compile(r"(高于|低于|超过|少于|多于|大于|小于)")


#: a sentence that guarantees equal treatment or forbids discrimination, exclusion or restriction
#: (「外地企业与本地企业享有同等待遇，不得设置歧视性条件」) states the law's duty and restricts nobody,
#: wherever the restrictive-looking words stand in it. 「不受排名先后限制」 is not among them: it lifts a
#: lawful limit (T42).
_EQUAL_TREATMENT = re.compile(
    r"同等待遇|平等待遇|同等对待|平等对待|一视同仁|公平对待"
    r"|(外地|本地|各类|所有)[^。；;，,\n]{0,10}(适用|执行|采用)(同一|相同|统一)的?[^。；;，,\n]{0,6}标准"
    r"|(不得|禁止|严禁|不应当?|不能|不准|不允许|杜绝)[^。；;！!？?\n]{0,12}(歧视|差别待遇|排斥|限制)"
    r"|不[作予加]?(区别|差别|区分)对待|不因[^。；;！!？?\n]{0,16}(区别|差别|区分)对待")
#: the same promise made for the cases just listed, after a semicolon of the same sentence (「在本市设有网点的，
#: 列明地址；未设立的，承诺中标后设立，两种情形评审时不作区别对待」)
_EQUAL_CASES = re.compile(r"(两种|两类|上述|以上|前述|这两种|各)(情形|情况|方式)[^。；;！!？?\n]{0,12}"
                          r"(不[作予加]?|均不[作予]?)(区别|差别|区分)(对待|评审|评分|计分)")
#: a list the law itself condemns, as tender files restate it (「有下列情形之一的，视为投标人相互串通投标：」
#: 「招标人不得有下列行为：」「属于以不合理条件限制、排斥潜在投标人：」): its items describe the wrong, they do not
#: impose it. A list of the bidder's own conditions (「投标人不得存在下列情形：」「……的，其投标无效：」) is not one.
_LAW_WRONGS = "(不合理的?条件限制|限制[、或和]?排斥|相互串通|串通投标|弄虚作假|以他人名义投标|转包|违法分包|规避招标)"
_CONDEMNED_LIST = re.compile(
    rf"(下列|以下)[^。；;：:]{{0,40}}{_LAW_WRONGS}|{_LAW_WRONGS}[^。；;：:]{{0,20}}(下列|以下)"
    r"|(招标人|采购人|招标代理机构|采购代理机构|代理机构|发包人|建设单位|任何单位和个人)[^。；;：:]{0,12}(不得|禁止|严禁)"
    r"[^。；;：:]{0,16}(下列|以下)"
    r"|^[\d.．、\s]*(禁止|严禁)[^。；;：:]{0,6}(下列|以下)")
#: a lead-in that ends in what happens to a bid (「投标人有下列情形之一的，其投标将被否决：」「无效投标情形：」
#: 「资格审查不合格情形：」「评标委员会应当否决其投标：」「有下列情形之一的，投标保证金不予退还：」)
_CONSEQUENCE_LEAD = re.compile(
    r"(其|该)?(投标|响应|报价)(文件)?(将被|应当|应予|予以|按|作|视为)?(无效|否决|拒绝|废标)(处理)?"
    r"|(否决|拒绝)其?(投标|响应)|无效(投标|响应)|资格(审查|性审查)?不(合格|通过)|(投标)?保证金不予退还|不予退还(投标)?保证金|作?废标(处理)?")
#: a lead-in that bars the bidders the items describe (「投标人不得存在下列情形：」「存在以下情形之一的，不得参加本项目投标：」):
#: each item reads as 「……的，不得参加投标。」
_BAR_LEAD = re.compile(
    r"(不得|不能|不允许|禁止|严禁)(存在|有|具有|出现|属于|为)?[^。；;：:，,]{0,4}(下列|以下|如下)[^。；;：:]{0,10}(情形|情况|行为|记录)"
    r"|(下列|以下|如下)[^。；;：:]{0,12}(情形|情况)[^。；;：:]{0,8}(不得|不能|不允许|禁止|严禁)(参加|参与)")
_BARRED = "不得参加投标"
#: a list item's marker anywhere in a text (reader.LIST_ITEM without its start anchor)
_ITEM_MARK = LIST_ITEM.pattern.removeprefix("^\\s*")
#: a further item after a 「；」 or 「。」 (a paragraph that lists several items)
_NEXT_ITEM = re.compile(r"[；;。]\s*" + _ITEM_MARK)
#: the full stop that ends a list written in one paragraph (one not followed by a further item)
_LIST_END = re.compile(r"。(?!\s*(?:" + _ITEM_MARK + "))")
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


#: the end of a sentence read across its semicolons
_FULL_STOP = "。！!？?\n"


def _end_after(text: str, pos: int, marks: str = _BOUNDARY) -> int:
    """Just past the first of `marks` at or after pos (the text's end when there is none)."""
    ends = [i for i in (text.find(ch, pos) for ch in marks) if i >= 0]
    return min(ends) + 1 if ends else len(text)


def _sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    s = max(text.rfind(ch, 0, start) for ch in _BOUNDARY) + 1
    return s, _end_after(text, end)


#: 「不得分」 (scores no points) as it is read by `unless` and the negation check: same length, so
#: offsets hold, and no longer containing the prohibition 「不得」.
NO_POINTS = "不得分"
NO_POINTS_AS = "得0分"


def _in_unticked_option(text: str, start: int) -> bool:
    """True when the match belongs to an unticked □ option (template choices in 前附表)."""
    line_start = text.rfind("\n", 0, start) + 1
    segment = text[line_start:start]
    marks = [(segment.rfind(ch), ch) for ch in "□■☑√"]
    pos, ch = max(marks)
    return pos >= 0 and ch == "□"


_ANSWER_HEAD = re.compile(r"\s*答(复)?\s*[:：]")
_QUESTION_HEAD = re.compile(r"问(题)?\s*[:：]")


def _asked_from(text: str, s0: int) -> int:
    """Where the question starts when the sentence at ``s0`` is its answer (「问：投标保证金何时退还？答：……」), else ``s0``."""
    if not _ANSWER_HEAD.match(text, s0):
        return s0
    asked = list(_QUESTION_HEAD.finditer(text, max(0, s0 - 200), s0))
    return asked[-1].start() if asked else s0


def _in_question(text: str, start: int) -> bool:
    """The match sits in a question that an answer after it settles (「问：是否需要承包人垫资？答：不要求垫资」): what
    is asked is not required, unless the answer says yes (「答：是。」「答：可以，……」), which makes the question its content."""
    asked = list(_QUESTION_HEAD.finditer(text, max(0, start - 200), start))
    if not asked:
        return False
    answer = _ANSWER_HEAD.search(text, asked[-1].end())
    return answer is not None and answer.start() > start and text[answer.end():].lstrip()[:1] not in "是对可须需要必应"


def _label_end(text: str, s0: int) -> int:
    """The end of the label that opens the clause (「二、保修期：」「投标保证金：」: up to a colon in the first 40 characters,
    no sentence before it) when the sentence at ``s0`` comes after it, else 0."""
    colon = min((k for k in (text.find("："), text.find(":")) if k >= 0), default=-1)
    if 0 < colon < min(40, s0 + 1) and not re.search(r"[。；;！？\n]", text[:colon]):
        return colon
    return 0


def _superseded(text: str, start: int) -> bool:
    """The match sits in the wording a correction notice replaces (「原……现更正为……」)."""
    return not text[start].isspace() and mask_superseded(text)[start] == " "


def _quoted_law(sentence: str, rel_start: int) -> bool:
    """The match sits inside a quotation in a sentence that cites a law (the law is quoted)."""
    if not _LAW_REF.search(sentence):
        return False
    return any(q.start() <= rel_start < q.end() for q in _QUOTE.finditer(sentence))


# scoring context: 「得N分」「加N分」「最高得」「满分」 or a 评分 table / section
# (a score range 「得0-5分」 and a score closing a line, as in table cells, count too; a time 「9时00分」 does not)
SCORING = re.compile(r"(得|加|计|记|扣|给|评)\s*[0-9０-９.]+\s*(?:[-—~～至到]\s*[0-9０-９.]+\s*)?分"
                     r"|(?<![时\d.])[0-9.]+\s*分(?:[;；，,。)）]|$)|最高得|满分|得满分|不得分|得分|分值|评分|评审因素|加分")
_SCORING_SCOPE = re.compile(r"评分|评审|评标|打分|分值")
# qualification context: what a supplier must be or have to take part
QUALIFY = re.compile(r"须|必须|应当?(具[有备]|为|在|提供|取得|通过)|要求|资格|否则|不得参加|方可|才能|限于|仅限|无效|拒绝"
                     r"|(仅|只|不予?)接受")
_QUALIFY_SCOPE = re.compile(r"资格|合格投标人|投标人须知|申请人|供应商(的)?(条件|要求)")
#: a lead-in that introduces qualification items (「投标人资格要求：」「供应商应具备下列条件：」)
_QUALIFY_INTRO = re.compile(r"(资格|资质)(要求|条件)[^。；;\n]{0,4}[：:]|(具备|满足|符合)(下列|以下|如下)[^。；;\n]{0,6}(条件|要求)[：:]")


def on_scoring_row(clause: Clause, evidence: str | None) -> bool:
    """Is the finding's text a scoring item: a 评分表 row, or a sentence giving points (「得3分」)?

    The sentence is the one holding the evidence (the whole clause when the evidence is not in it).
    A 评分 section alone does not decide: the 资格评审 conditions of an evaluation chapter are conditions.
    """
    if clause.table_kind == "评分表":
        return True
    text = clause.text
    pos = text.find(evidence) if evidence else -1
    if pos >= 0:
        s0, s1 = _sentence_bounds(text, pos, pos + len(evidence or ""))
        text = text[s0:s1]
    return bool(SCORING.search(text.replace(NO_POINTS, NO_POINTS_AS)))


def use_context(use: str, sentence: str, clause: Clause, before: str = "") -> bool:
    """Is the concept used for scoring or as a qualification condition (or either, for "any")? ``before`` is the
    clause's text before the sentence: an item of a list the clause introduces as qualifications
    (「供应商资格要求：（1）……；（3）具有物业服务企业二级及以上资质」) is one."""
    scoring = bool(SCORING.search(sentence)) or clause.table_kind == "评分表" or bool(_SCORING_SCOPE.search(clause.scope_text))
    if use == "scoring":
        return scoring
    qualify = (bool(QUALIFY.search(sentence)) or bool(_QUALIFY_SCOPE.search(clause.scope_text))
               or bool(_QUALIFY_INTRO.search(before)))
    if use == "qualification":
        return qualify and not scoring
    return scoring or qualify


class _Compiled:
    """Precompiled regexes of one detector."""

    def __init__(self, det: Detector) -> None:
        self.what = [re.compile(p) for p in det.what]
        self.who = [re.compile(p) for p in det.who]
        self.patterns = [re.compile(p) for p in det.patterns]
        self.require = [re.compile(p) for p in det.require]
        self.unless = [re.compile(p) for p in det.unless]
        self.unless_before = [re.compile(p) for p in det.unless_before]
        self.require_near = [re.compile(p) for p in det.require_near]
        self.project = [re.compile(p) for p in det.project]
        self.project_unless = [re.compile(p) for p in det.project_unless]
        self.keyword = re.compile(det.keyword) if det.keyword else None
        self.scope = re.compile(det.scope) if det.scope else None


def _of_project_kind(comp: _Compiled, project: str, sentence: str) -> bool:
    """The project (its name and the clause's sentence) is of the detector's kind (``project``) and not of a kind it
    excludes (``project_unless``); a detector naming neither holds for any project."""
    if not (comp.project or comp.project_unless):
        return True
    about = f"{project}\n{sentence}"
    if comp.project and not any(rx.search(about) for rx in comp.project):
        return False
    return not any(rx.search(about) for rx in comp.project_unless)


class RuleEngine:
    """Runs pattern, quantity and numeric detectors; semantic detectors are left to the LLM."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self._compiled: dict[int, _Compiled] = {}
        for rule in catalogue.rules:
            for det in rule.detect:
                self._compiled[id(det)] = _Compiled(det)

    # ------------------------------------------------------------------ public
    def run(self, clauses: list[Clause], facts: ProjectFacts,
            progress: Callable[[str, int, int], None] | None = None) -> list[RuleHit]:
        hits: list[RuleHit] = []
        active = [(r, d, r.regime_in(facts)) for r in self.catalogue.rules for d in r.detect
                  if d.type in ("pattern", "concept", "quantity") and r.applies(facts, d)]
        total = len(clauses)
        project = str(facts.project_name.value) if facts.project_name else ""
        for i, clause in enumerate(clauses):
            # an item of a list the law condemns describes the wrong and imposes nothing
            condemned = bool(clause.lead_in) and _CONDEMNED_LIST.search(clause.lead_in) is not None
            views = [] if condemned else (_as_conditions(clause) + _with_question(clause, clauses[i - 1] if i else None)
                                          + _per_lot(clause))
            for rule, det, regime in ([] if condemned else active):
                hit = self._clause_hit(rule, det, clause, regime, project)
                for view in views:
                    if hit is not None:
                        break
                    hit = self._clause_hit(rule, det, view, regime, project)
                if hit is not None:
                    hits.append(_back_to(hit, clause))
            if progress and (i % 200 == 0 or i == total - 1):
                progress("规则审查", i + 1, total)
        hits = [_to_operative(h, clauses) for h in hits]
        hits.extend(self._numeric_hits(clauses, facts))
        return dedupe(hits)

    def _numeric_hits(self, clauses: list[Clause], facts: ProjectFacts) -> list[RuleHit]:
        """Cross-clause checks (等标期, 保证金比例 …) with their typed parameters."""
        out: list[RuleHit] = []
        for rule in self.catalogue.rules:
            for det in rule.detect:
                check = NUMERIC_CHECKS.get(det.check or "") if det.type == "numeric" else None
                if check is None or not rule.applies(facts, det):
                    continue
                for clause_idx, evidence, detail in check(facts, clauses, det.typed_params):
                    if 0 <= clause_idx < len(clauses):
                        out.append(self._make_hit(rule, det, clauses[clause_idx], evidence, rule.regime_in(facts),
                                                  detail=detail))
        return out

    # ------------------------------------------------------------------ one clause
    def _clause_hit(self, rule: Rule, det: Detector, clause: Clause, regime: str | None,
                    project: str) -> RuleHit | None:
        comp = self._compiled[id(det)]
        text = clause.text
        if comp.scope is not None and not (comp.scope.search(clause.scope_text) or comp.scope.search(text[:200])):
            return None
        if det.type == "concept":
            return self._concept_hit(rule, det, comp, clause, regime, project)
        if det.type == "pattern":
            view = nb.digits_view(text)  # 「不得低于人民币肆拾万元」 read as 「40万元」 by a pattern written with \d
            for rx in comp.patterns:
                for m in islice(rx.finditer(view), MAX_MATCHES):
                    hit = self._accept(rule, det, comp, clause, m.start(), m.end(), regime, project=project)
                    if hit is not None:
                        return hit
            return None
        return self._quantity_hit(rule, det, comp, clause, regime, project)

    def _concept_hit(self, rule: Rule, det: Detector, comp: _Compiled, clause: Clause, regime: str | None,
                     project: str) -> RuleHit | None:
        """A concept term (what), said of a supplier (who, when given), used for scoring or as a condition."""
        text = clause.text
        view = nb.digits_view(text)
        for rx in comp.what:
            for m in islice(rx.finditer(view), MAX_MATCHES):
                s0, s1 = _sentence_bounds(text, m.start(), m.end())
                sentence = text[s0:s1]
                if comp.who and not any(w.search(sentence) or w.search(text[max(0, s0 - 60):s0]) for w in comp.who):
                    continue
                if not use_context(det.use, sentence, clause, text[:s0]):
                    continue
                hit = self._accept(rule, det, comp, clause, m.start(), m.end(), regime, project=project)
                if hit is not None:
                    return hit
        return None

    def _quantity_hit(self, rule: Rule, det: Detector, comp: _Compiled, clause: Clause, regime: str | None,
                      project: str) -> RuleHit | None:
        assert comp.keyword is not None
        text = clause.text
        current = mask_superseded(text, numbers_only=True)  # a correction's new value, not the one it replaces
        for m in islice(comp.keyword.finditer(text), MAX_MATCHES):
            s0, s1 = _sentence_bounds(text, m.start(), m.end())
            lo = max(s0, m.start() - det.before) if det.before else m.end()
            hi = min(s1, m.end() + det.window)
            value = _quantity(current[lo:hi], det.kind or "", (m.start() - lo, m.end() - lo) if det.before else None,
                              keyword=m.group(0), minimum=det.op in ("lt", "le"),
                              limit_in_workdays="工作日" in det.value_unit)
            if value is None:
                continue
            v, rel_s, rel_e = value
            if not _compare(v, det.op or "", det.value):
                continue
            if comp.require_near and not any(rx.search(_segment(text, lo + rel_s, lo + rel_e)) for rx in comp.require_near):
                continue
            span_s, span_e = min(m.start(), lo + rel_s), max(m.end(), lo + rel_e)
            hit = self._accept(rule, det, comp, clause, span_s, span_e, regime,
                               detail=_quantity_detail(det, v, text[lo + rel_s: lo + rel_e]), project=project)
            if hit is not None:
                return hit
        return None

    def _accept(self, rule: Rule, det: Detector, comp: _Compiled, clause: Clause, start: int, end: int,
                regime: str | None, project: str, detail: str = "") -> RuleHit | None:
        text = clause.text
        s0, s1 = _sentence_bounds(text, start, end)
        sentence = text[s0:s1]
        # 「没有不得分」 scores nothing; it is not the prohibition 「不得」 that silences (unless) or
        # triggers (require) a rule, and it is a scoring phrase like 「得0分」
        plain = nb.digits_view(text).replace(NO_POINTS, NO_POINTS_AS)
        ctx = plain if det.unless_scope == "clause" else plain[s0:s1]
        r0 = _asked_from(text, s0)  # an answer (「答：……」) is read with the question it answers
        # and a sentence of a labelled clause with its label (「保修期：……；屋面防水……2年」), a table's row with its header
        label = _label_end(text, s0)
        if not _of_project_kind(comp, project, sentence) or (
                comp.require and not all(rx.search(plain, r0, s1) or (label and rx.search(plain, 0, label))
                                         or rx.search(clause.header_text) for rx in comp.require)):
            return None
        if any(rx.search(ctx) for rx in comp.unless):
            return None
        if any(rx.search(plain, s0, start) for rx in comp.unless_before):
            return None
        # up to the match's second character: 「不以审计结果作为结算依据」 negates a match that starts at 以,
        # 「本项目不指定品牌」 one that starts at 指定
        if not det.allow_negated and _negated(plain, max(s0, start - 30), start):
            return None
        if _EQUAL_TREATMENT.search(plain, s0, s1) or _EQUAL_CASES.search(plain, s1, _end_after(text, s1, _FULL_STOP)):
            return None
        if _in_unticked_option(text, start) or _superseded(text, start) or _in_question(text, start):
            return None
        if _quoted_law(sentence, start - s0) or _in_condemned_list(text, start):
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
                       rule.basis_for(regime, det.basis_keys or None), detail, [det.note] if det.note else [])


def dedupe(hits: Iterable[RuleHit]) -> list[RuleHit]:
    """One finding per rule and clause span, sorted by severity then position.

    First one hit per (clause, rule), the most severe. Then hits of the same rule on
    overlapping text close together — a table row and the same text as a paragraph, a nested
    table cell and its rows, a PDF line fragment and the sentence it belongs to — collapse into
    the hit quoting the most complete clause (the most severe level is kept).
    """
    best: dict[tuple[int, str], RuleHit] = {}
    seconds: dict[tuple[int, str], list[RuleHit]] = {}
    for h in hits:
        cur = best.get(h.key)
        if cur is None or SEVERITY_ORDER[h.severity] < SEVERITY_ORDER[cur.severity]:
            best[h.key] = h
        seconds.setdefault(h.key, []).append(h)
    for key, chosen in best.items():
        _add_second_problems(chosen, seconds[key])
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


#: what the finding says of another problem of its rule in the same clause
SECOND_PROBLEM = "同一条款另有一处同类问题：「{evidence}」。"


def _add_second_problems(kept: RuleHit, same: list[RuleHit]) -> None:
    """A clause with two problems of one rule (「……应在招标文件发布之日起2日内提出；……对评标结果有异议的，应当在中标结果
    公告发布后提出」) is one finding naming both: the others' words in a note, their basis added. Another hit in a
    sentence already named (「经营年限：自成立之日起每满一年得0.5分」 by 经营年限 and by 每满一年) adds nothing."""
    text = kept.clause.text
    first = _span(text, kept.evidence)
    if first is None:
        return
    said = [_sentence_bounds(text, *first)]
    for h in same:
        span = _span(text, h.evidence)
        if h is kept or span is None:
            continue
        sentence = _sentence_bounds(text, *span)
        if sentence in said:  # the same sentence: one problem, matched by another of the rule's wordings
            if h.detail and not kept.detail:  # keep the numbers a cross-clause check compared (「……的8.3倍」)
                kept.detail = h.detail
            continue
        said.append(sentence)
        a, b = phrase_bounds(text, *span)
        kept.notes = [*kept.notes, SECOND_PROBLEM.format(evidence=text[a:b]), *([h.detail] if h.detail else [])]
        kept.basis = [*kept.basis, *(ref for ref in h.basis if ref not in kept.basis)]


def _span(text: str, evidence: str | None) -> tuple[int, int] | None:
    i = text.find(evidence) if evidence else -1
    return (i, i + len(evidence)) if evidence and i >= 0 else None


# a numbered title line the reader kept as a clause (「7. 最低投标限价」 in a plain-text tender)
_RE_TITLE_LINE = re.compile(r"^\s*(\d{1,2})\s*[.．、]\s*[^\s。；;，,：:！？]{2,20}$")


#: a lot of a multi-lot tender named in a clause (「第1包」「二标段」「A包」「第3采购包」)
_LOT = re.compile(r"第\s*[一二三四五六七八九十\d]{1,3}\s*(?:包|标段|标包|采购包|合同包)|(?<![第\d])[一二三四五六七八九十\d]{1,3}\s*(?:标段|号包)"
                  r"|(?<![A-Za-z])[A-H]\s*包")


_MAX_LOTS = 20  # more lot names than this in one clause is a list of lots, not a term set lot by lot


def _per_lot(clause: Clause) -> list[Clause]:
    """One reading per lot of a clause that sets a term lot by lot (「履约保证金：第1包为合同金额的5%；第2包为合同金额的15%」 →
    「履约保证金：第2包为合同金额的15%」): the words before the first lot (what the term is) with that lot's part only, so
    that a number or a condition of one lot is not read as another's. None for a clause naming fewer than two lots."""
    text = clause.text
    marks = [m.start() for m in _LOT.finditer(text)]
    if not 2 <= len(marks) <= _MAX_LOTS:
        return []
    head = text[:marks[0]]
    return [replace(clause, text=head + text[a:b]) for a, b in pairwise([*marks, len(text)])]


def _as_conditions(clause: Clause) -> list[Clause]:
    """The items of a list under a lead-in that says what happens to the bid or bars the bidder, each read as the
    clause the rules know (「投标人有下列情形之一的，投标无效：（二）投标人为个体工商户的。」 → 「投标人为个体工商户的，
    投标无效。」; 「投标人不得存在下列情形：（一）近五年内有行政处罚记录；」 → 「近五年内有行政处罚记录的，不得参加投标。」),
    whether the lead-in is its own paragraph or the first words of the items' paragraph, one item or several (the list
    ends at its full stop); none for any other clause. The rules read the clause itself first and these readings only
    when it finds nothing."""
    lead, body = clause.lead_in, clause.text
    header = clause.header_text if clause.location.get("row") else ""
    if not lead and (m := _CONSEQUENCE_LEAD.search(header)) and not _CONDEMNED_LIST.search(header):
        # a table's row under a header that says what its cases lead to (「序号 | 不予退还投标保证金的情形」)
        core = body.rstrip("。；;，, ")
        return [replace(clause, text=f"{core}{'' if core.endswith(('的', '者')) else '的'}，{m.group(0)}。", lead_in="")] \
            if core else []
    if not lead:
        head, colon, rest = clause.text.partition("：")
        if not colon or not LIST_ITEM.match(rest):
            return []
        lead, body = head, rest
    m = _CONSEQUENCE_LEAD.search(lead)
    consequence = m.group(0) if m is not None else _BARRED if _BAR_LEAD.search(lead) else ""
    if not consequence or LIST_ITEM.match(body) is None or _CONDEMNED_LIST.search(lead):
        return []
    end = _LIST_END.search(body)
    body = body[:end.start()] if end else body
    starts = [0, *(n.start() + 1 for n in _NEXT_ITEM.finditer(body))]
    views = []
    for item in (body[i:j].lstrip() for i, j in pairwise([*starts, len(body)])):
        mark = LIST_ITEM.match(item)
        core = item[mark.end():].rstrip("。；;，, ") if mark else ""
        if not core:
            continue
        if consequence == _BARRED and not core.endswith(("的", "者")):
            core += "的"
        views.append(replace(clause, text=f"{core}，{consequence}。", lead_in=""))
    return views


def _with_question(clause: Clause, before: Clause | None) -> list[Clause]:
    """An answer paragraph (「答：……」) read with the question paragraph before it (「问：投标保证金何时退还？」): what the
    answer is about is often said only in the question."""
    if before is None or not _ANSWER_HEAD.match(clause.text) or not _QUESTION_HEAD.match(before.text.lstrip()):
        return []
    return [replace(clause, text=f"{before.text.strip()}{clause.text.lstrip()}", lead_in="")]


def _back_to(hit: RuleHit, clause: Clause) -> RuleHit:
    """A hit found on a clause's reading as a condition, told of the clause itself (its own words as evidence)."""
    if hit.clause is clause:
        return hit
    evidence = hit.evidence
    if evidence is not None and evidence not in clause.text:
        said = evidence
        evidence = hit.clause.text.rsplit("，", 1)[0]
        if evidence not in clause.text:  # the 「的」 a bar lead-in's item was given
            evidence = evidence.removesuffix("的")
        if evidence not in clause.text:  # a lot's reading: the lot's own words (「第2包为合同金额的一成半」)
            evidence = next((said[k:] for k in range(len(said) - 3) if said[k:] in clause.text), evidence)
    return replace(hit, clause=clause, evidence=evidence)


def _in_condemned_list(text: str, start: int) -> bool:
    """A match inside a list the law condemns, written in one paragraph with its lead-in
    (「有下列情形之一的，视为投标人相互串通投标：（一）……；（四）属于同一集团……协同投标」)."""
    colon = max(text.rfind("：", 0, start), text.rfind(":", 0, start))
    if colon < 0 or "。" in text[colon:start]:  # the list ends at its full stop
        return False
    lead = re.split(r"[。；;]", text[:colon])[-1]
    return bool(_CONDEMNED_LIST.search(lead))


def _to_operative(hit: RuleHit, clauses: list[Clause]) -> RuleHit:
    """A hit on a numbered title line moves to the sentence under it (「7. 最低投标限价」 → 「7.1 投标报价低于……」)."""
    m = _RE_TITLE_LINE.match(hit.clause.text)
    nxt = hit.clause.index + 1
    if m is None or nxt >= len(clauses) or clauses[nxt].index != nxt:
        return hit
    if not re.match(rf"\s*{m.group(1)}\s*[.．]\s*\d", clauses[nxt].text):
        return hit
    return replace(hit, clause=clauses[nxt])


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


def _most_workdays(days: float) -> float:
    """The most working days a run of `days` calendar days can hold (7日 at most 5, 9日 at most 7)."""
    whole = int(days)
    return 5 * (whole // 7) + min(whole % 7, 5)


def _in_days(d: nb.DayCount, minimum: bool, limit_in_workdays: bool) -> float:
    """A period for a days detector. Calendar days as they are, working days as counted; against a least length,
    working days span about 7/5 as many calendar days (15个工作日 ≈ 21日), and against a least length the law states in
    working days (7个工作日), calendar days count as the most working days they can hold (「7日」 at most 5)."""
    if d.unit == "工作日":
        return d.n * (7 / 5) if minimum and not limit_in_workdays else d.n
    return _most_workdays(d.days) if minimum and limit_in_workdays else d.days


def _quantities(window: str, kind: str, minimum: bool = False,
                limit_in_workdays: bool = False) -> list[tuple[float, int, int]]:
    """Every number of `kind` in the window: (value, start, end) relative to the window. ``minimum``: the
    value is checked against a least length; ``limit_in_workdays``: one the law states in working days."""
    if kind == "percent":
        return [(p.value, p.start, p.end) for p in nb.find_percents(window)]
    if kind == "amount":
        return [(a.yuan, a.start, a.end) for a in nb.find_amounts(window)]
    if kind == "count":
        return _counts(window)
    if kind == "date_span":
        return _date_spans(window)
    ds = nb.find_day_counts(window)
    if kind == "years":
        return [(d.n, d.start, d.end) for d in ds if d.unit == "年"]
    if kind == "workdays":
        return [(d.n, d.start, d.end) for d in ds if d.unit == "工作日"]
    if kind == "days":
        return [(_in_days(d, minimum, limit_in_workdays), d.start, d.end) for d in ds if d.unit in ("日", "工作日", "月")]
    if kind == "duration":
        return [(d.n if d.unit == "工作日" else d.days, d.start, d.end) for d in ds]
    return []


def _counts(window: str) -> list[tuple[float, int, int]]:
    out: list[tuple[float, int, int]] = []
    for m in _RE_COUNT.finditer(window):
        raw = m.group(1)
        v = float(raw) if raw.isdigit() else nb.cn_number(raw.replace("两", "二"))
        if v is not None:
            out.append((v, m.start(), m.end()))
    return out


#: what joins the two ends of a period written as dates (「2024年11月8日9:00至2024年11月8日17:00」)
_RE_SPAN_JOIN = re.compile(r"^[^。；;，,\n]{0,14}?(至|到|—|－|-|~|～)\s*$")


def _date_spans(window: str) -> list[tuple[float, int, int]]:
    """Periods written from one date to another, as calendar days counting both ends (「11月8日至11月8日」 is 1 day,
    「11月8日至11月10日」 3): (days, start of the first date, end of the second). A second date without a year takes
    the first's, or the next year's when it falls before it (「12月30日至1月2日」, as ``find_dates`` reads it)."""
    dates = nb.find_dates(window)
    out: list[tuple[float, int, int]] = []
    for a, b in pairwise(dates):
        between = window[a.end:b.start]
        if not _RE_SPAN_JOIN.match(between):
            continue
        days = (b.date - a.date).days + 1
        if days >= 1:
            out.append((float(days), a.start, nb.time_end(window, b.end) or b.end))
    return out


def _quantity(window: str, kind: str, anchor: tuple[int, int] | None = None,
              keyword: str = "", minimum: bool = False, limit_in_workdays: bool = False) -> tuple[float, int, int] | None:
    """The number of `kind` in the window for the keyword at `anchor` (relative to the window): the
    first after the keyword, else the nearest before it (「……按审计金额支付至97%，剩余3%作为质量保证金」
    reads 3%, not 97%); the first in the window without an anchor. A number that names its own payment other than
    the keyword's (「进度款支付：……支付签约合同价10%的预付款」) is not the keyword's. ``minimum``: the detector checks a
    period's least length, which a count of working days meets with about 7/5 as many calendar days;
    ``limit_in_workdays``: a least length the law states in working days, which calendar days are read against as
    the most working days they can hold."""
    found = [q for q in _quantities(window, kind, minimum, limit_in_workdays)
             if not ((paid := _OWN_PAYMENT.match(window, q[2])) and paid.group(1) not in keyword)]
    # a bound beside the value (「估算价¥850,000.00（＜100万）」) is not the value; alone, it is all there is
    found = [q for q in found if not _BELOW.search(window, 0, q[1])] or found
    if not found or anchor is None:
        return found[0] if found else None
    # a number that qualifies the keyword (「合同总金额5%的履约保证金」) is its own, whatever follows in the next clause
    # (「……采购人收到履约保证金和发票后支付合同总价50%」)
    own = [q for q in found if q[2] <= anchor[0] and _QUALIFIES.fullmatch(window[q[2]:anchor[0]])]
    if own:
        return own[-1]
    after = [q for q in found if q[1] >= anchor[0]]
    return after[0] if after else max(found, key=lambda q: q[2])


#: a payment a number is the share of (「10%的预付款」)
_OWN_PAYMENT = re.compile(r"\s*(?:的|之)\s*(预付款|进度款|质量保证金|质保金|履约保证金|投标保证金|尾款|定金|结算款)")
#: a less-than mark just before a number: the number bounds the value (「（＜100万）」「（低于400万元）」)
_BELOW = re.compile(r"(?:[<＜≤≦]|低于|小于|少于|不足|未达到?)\s*$")
#: what may stand between a number and the keyword it qualifies (「5%的履约保证金」)
_QUALIFIES = re.compile(r"\s*(的|之)?\s*")
_SEGMENT_END = re.compile(r"[，,；;。！？\n]")


def _segment(text: str, start: int, end: int) -> str:
    """The comma-delimited part of a sentence holding text[start:end], and the part after it
    (「验收合格后六个月内，甲方支付至合同总额的90%」)."""
    ends = [m.start() for m in _SEGMENT_END.finditer(text)]
    lo = max([e + 1 for e in ends if e < start], default=0)
    after = [e for e in ends if e >= end]
    hi = after[1] if len(after) > 1 and text[after[0]] in "，," else (after[0] if after else len(text))
    return text[lo:hi]


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
        return money_short(v)
    unit = {"years": "年", "count": "", "workdays": "个工作日"}.get(kind, "日")
    if kind == "duration" and v >= 360:
        return f"{v:g}日（约{v / 365:.3g}年）" if v % 365 else f"{v:g}日（{v / 365:g}年）"
    if kind == "duration" and v >= 90 and v % 30 == 0:
        return f"{v:g}日（{v / 30:g}个月）"
    return f"{v:g}{unit}"


def _quantity_detail(det: Detector, v: float, said: str = "") -> str:
    """The number read and the limit it breaks; a count of working days (``said`` is the number as the clause
    writes it) is shown as one (「3个工作日」, not 「3日」), as is a limit the law states in them (``value_unit``)."""
    ref = det.value
    kind = det.kind or ""
    if det.op == "outside" and isinstance(ref, list):
        return f"条款数值 {_fmt(v, kind)}，不在规定区间 {_fmt(ref[0], kind)}～{_fmt(ref[1], kind)} 内。"
    word = {"gt": "超过上限", "lt": "低于下限", "ge": "达到", "le": "未超过"}.get(det.op or "", "")
    # (as written: a least length compares 「15个工作日」 as about 21 days, but the clause said 15)
    counts = nb.find_day_counts(said) if kind in ("days", "duration") else []
    if counts and counts[0].unit == "工作日":
        shown = f"{counts[0].n:g}个工作日"
    elif counts and "工作日" in det.value_unit and det.op in ("lt", "le") and v < counts[0].days:  # 「7日（至多含5个工作日）」
        shown = f"{_fmt(counts[0].days, kind)}（至多含{v:g}个工作日）"
    else:
        shown = _fmt(v, kind)
    limit = f"{float(ref):g}{det.value_unit}" if det.value_unit else _fmt(float(ref), kind)  # type: ignore[arg-type]
    return f"条款数值 {shown}，{word} {limit}。"




