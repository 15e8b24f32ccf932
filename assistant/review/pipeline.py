"""Reviewer: file → clauses → facts → rule (and LLM) findings with verified legal basis → report."""

from __future__ import annotations

import datetime as _dt
import logging
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config import LimitsSettings
from assistant.errors import BackendError, NotATenderError
from assistant.format_zh import sentences
from assistant.ingest.ocr import ocr_progress
from assistant.review.catalogue import (
    NOT_IN_KB_NOTE,
    BasisRef,
    Catalogue,
    load_catalogue,
    lookup_article,
    title_in_kb,
)
from assistant.review.checklist import (
    ABSENT_LOCATION,
    AbsenceHit,
    ChecklistSpec,
    build_checklist,
    find_absences,
    load_checklist,
    status_counts,
)
from assistant.review.facts import ProjectFacts, extract_facts, fact_labels
from assistant.review.reader import Clause, read_clauses, segment
from assistant.review.rules import SEVERITY_ORDER, RuleEngine, RuleHit, dedupe, on_scoring_row
from assistant.schema import Basis, Finding, FindingSource, LoadedDocument, ReviewReport
from assistant.uploads import REVIEW_SUFFIXES, check_suffix

if TYPE_CHECKING:
    from assistant.review.exemplar import ExemplarStep

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class Reviewer:
    """Tender review use case; `kb` may be a KnowledgeBase, a zero-arg callable returning one, or None."""

    def __init__(self, catalogue: Catalogue | None = None, *, kb: Any = None, llm: Any = None,
                 use_llm: bool = True, max_semantic_clauses: int = 40, max_bytes: int | None = None,
                 mask_personal_data: bool = False, limits: LimitsSettings | None = None,
                 checklist: ChecklistSpec | None = None,
                 exemplar: ExemplarStep | None = None) -> None:
        self.catalogue = catalogue or load_catalogue()
        if checklist is None:  # a custom catalogue without a checklist: its own points only, no absence items
            checklist = load_checklist() if catalogue is None else ChecklistSpec()
        self.checklist = checklist.resolve(self.catalogue)
        self.exemplar = exemplar  # low-confidence candidates from the rules' example clauses
        self.engine = RuleEngine(self.catalogue)
        self._kb = kb
        self._kb_resolved = not callable(kb) or hasattr(kb, "get_article")
        self.llm = llm
        self.use_llm = use_llm
        self.max_semantic_clauses = max_semantic_clauses
        self.max_bytes = max_bytes
        self.mask_personal_data = mask_personal_data
        self.limits = limits or LimitsSettings()
        self._article_cache: dict[tuple[str, str | None], Basis] = {}

    @property
    def kb(self) -> Any:
        if not self._kb_resolved:
            self._kb_resolved = True
            try:
                self._kb = self._kb()
            except BackendError:  # the store is down: no basis can be looked up (exit 5 / 503); retried next time
                self._kb_resolved = False
                raise
            except Exception as exc:
                log.warning("knowledge base unavailable for review basis texts: %s", exc)
                self._kb = None
        return self._kb

    # ------------------------------------------------------------------ entry points
    def review(self, path: str | Path, progress: Progress | None = None, use_llm: bool | None = None,
               force: bool = False) -> ReviewReport:
        """Review a tender file (DOCX/PDF/TXT…); bad files raise InputFileError with a Chinese message.

        A readable file that does not look like a tender raises NotATenderError unless `force`;
        forced, the report says so first (`notice`).
        """
        check_suffix(Path(str(path)).name, REVIEW_SUFFIXES)
        if progress:
            progress("读取文件", 0, 1)
        report_ocr = _ocr_progress(progress)
        with ocr_progress(report_ocr):
            doc, clauses = read_clauses(path, max_bytes=self.max_bytes, limits=self.limits)
        if progress:
            progress("读取文件", 1, 1)
        problem = not_a_tender_reason(doc, clauses)
        if problem and not force:
            name = Path(str(path)).name
            raise NotATenderError(
                f"文件“{name}”看起来不是招标文件或采购文件（{problem}），已拒绝审查。",
                f"review refused, not a tender: {path}: {problem}",
            )
        report = self._review(doc, clauses, progress, use_llm, file=str(path))
        if problem:
            report.notice = (f"注意：该文件看起来不是招标文件（{problem}），系按用户要求强制审查，"
                             "以下结论可能不完整或不适用。")
        return report

    def review_document(self, doc: LoadedDocument, progress: Progress | None = None,
                        use_llm: bool | None = None, check_absence: bool = True) -> ReviewReport:
        return self._review(doc, segment(doc), progress, use_llm, file=doc.path, check_absence=check_absence)

    def review_text(self, text: str, name: str = "文本", use_llm: bool | None = None) -> ReviewReport:
        """Review a passage (not a whole tender): required-content absences are not checked."""
        from assistant.review.reader import document_from_text

        return self.review_document(document_from_text(text, name), use_llm=use_llm, check_absence=False)

    # ------------------------------------------------------------------ internals
    def _review(self, doc: LoadedDocument, clauses: list[Clause], progress: Progress | None,
                use_llm: bool | None, file: str, check_absence: bool = True) -> ReviewReport:
        t0 = time.perf_counter()
        warnings = list(doc.warnings)
        facts = extract_facts(clauses, doc.title or "")
        if facts.regime is None:
            warnings.append("未能判断项目适用的法律体系（工程招标或政府采购），已按两类规则同时审查，请人工核对适用依据。")
        hits = self.engine.run(clauses, facts, progress)
        exemplar_hits = (self.exemplar.run(clauses, facts, hits, lambda rule_id: self.checklist.in_scope(rule_id, facts.subject))
                         if self.exemplar is not None else [])
        want_llm = self.use_llm if use_llm is None else use_llm
        mode = "rules"
        from assistant.review.semantic import Candidate, SemanticChecker

        checker = SemanticChecker(self.llm, self.catalogue, self.kb, max_clauses=self.max_semantic_clauses,
                                  mask_personal_data=self.mask_personal_data)
        if want_llm and self.llm is not None:
            # exemplar candidates are confirmed or rejected by the LLM; only confirmed ones are kept
            extra = [Candidate(h.clause, [h.rule]) for h in exemplar_hits]
            confirmed = checker.check(clauses, facts, hits, progress, extra=extra)
            # candidates the model never judged stay what they are without a model: low, for a person to check
            unjudged = [h for h in exemplar_hits if h.clause.index in checker.unjudged]
            hits = dedupe([*hits, *confirmed, *unjudged])
            warnings += checker.failures
            # every batch failed: nothing was judged by the model, and the report must not claim it was
            mode = "rules" if checker.batches and checker.failed_batches == checker.batches else "rules+llm"
        else:
            checker.plan(clauses, facts, hits)
            hits = dedupe([*hits, *exemplar_hits])
            if want_llm and use_llm:
                warnings.append("未配置大模型，已仅使用规则审查。")
        findings = [self._finding(h, facts) for h in hits]
        if check_absence:
            findings += [self._absence_finding(a) for a in find_absences(self.checklist, facts, clauses)]
        findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], _pos(f)))
        findings, omitted = cap_per_rule(findings, self.limits.max_findings_per_rule)
        for rule_id, more in omitted.items():
            warnings.append(f"规则「{rule_id}」命中较多，仅列出前 {self.limits.max_findings_per_rule} 处，"
                            f"同类问题另有 {more} 处（每条规则列出条数{self.limits.hint('max_findings_per_rule')}）。")
        if not clauses:
            warnings.append("文件中没有读取到可审查的文字内容。")
        elif not _looks_like_tender(doc):
            warnings.append("文件中没有发现招标文件的常见内容（如招标公告、投标人须知、评标办法），"
                            "请确认上传的是招标文件或采购文件；审查结果可能不完整。")
        checklist = build_checklist(self.catalogue, self.checklist, facts, clauses, findings, llm_used=mode != "rules",
                                    semantic=checker.outcomes)
        summary = _summary(findings, clauses, facts)
        summary["checklist"] = status_counts(checklist)
        summary["unknown_high"] = [i.rule_id for i in checklist if i.status == "无法判断" and i.severity == "high"]
        kb_note = self._kb_summary(findings)
        summary.update(kb_note)
        if omitted:
            summary["omitted_by_rule"] = omitted
        return ReviewReport(
            file=file,
            findings=findings,
            checklist=checklist,
            summary=summary,
            facts={**facts.to_dict(), "labels": fact_labels(facts)},
            mode=mode,
            warnings=warnings,
            metadata={
                "title": doc.title,
                "reviewed_at": _dt.datetime.now().isoformat(timespec="seconds"),
                "catalogue_sha256": self.catalogue.sha256[:12],
                "rules": len(self.catalogue.rules),
                "clauses": len(clauses),
                "seconds": round(time.perf_counter() - t0, 3),
                "llm_rejected": checker.rejected[:50],
                "semantic_batches": {"total": checker.batches, "failed": checker.failed_batches},
                "format": doc.format,
                "ocr_pages": doc.ocr_pages,
                "ocr_confidence": {str(p): c for p, c in sorted(doc.ocr_confidence.items())},
                "checklist_sha256": self.checklist.sha256[:12],
            },
        )

    def _basis(self, ref: BasisRef) -> Basis:
        key = (ref.title, ref.article)
        cached = self._article_cache.get(key)
        if cached is None:
            chunk = lookup_article(self.kb, ref) if ref.article else None
            if chunk is not None:
                cached = Basis(title=chunk.title or ref.title, article=ref.article, text=chunk.cited_text,
                               confidence=ref.confidence, in_knowledge_base=True)
            else:
                if ref.article is None:
                    note = "该文件未标注具体条号，请查阅原文核对"
                elif self.kb is not None and title_in_kb(self.kb, ref):
                    note = "知识库中未找到该条，请核对条号"
                else:
                    note = NOT_IN_KB_NOTE
                cached = Basis(title=ref.title, article=ref.article, text="", confidence=ref.confidence,
                               in_knowledge_base=False, note=note)
            self._article_cache[key] = cached
        b = cached.model_copy()
        b.confidence = ref.confidence
        if ref.part:
            b.note = f"引用{ref.part}" + (f"；{b.note}" if b.note else "")
        return b

    def _finding(self, h: RuleHit, facts: ProjectFacts) -> Finding:
        source: FindingSource = (
            "llm" if "source:llm" in h.notes else "exemplar" if "source:exemplar" in h.notes else "rule")
        suggestion = next((n.split(":", 1)[1] for n in h.notes if n.startswith("suggestion:")), None) \
            or h.rule.suggestion_for(on_scoring_row(h.clause, h.evidence))
        extra = [n for n in h.notes if not n.startswith(("source:", "suggestion:"))]
        explanation = h.rule.explanation_for(facts.regime)
        if h.detail:
            explanation = sentences(h.detail, explanation) if source == "rule" else f"{h.detail}（审查要点：{explanation}）"
        if extra:
            explanation = sentences(explanation, *extra)
        loc = dict(h.clause.location)
        loc["section"] = h.clause.section or None
        if h.clause.table_kind:
            loc["table_kind"] = h.clause.table_kind
        loc["clause_index"] = h.clause.index
        evidence = h.evidence if h.evidence and h.evidence in h.clause.text else None
        return Finding(
            rule_id=h.rule.id, category=h.rule.category, severity=h.severity,
            clause=h.clause.text, location=loc, basis=[self._basis(b) for b in h.basis],
            explanation=explanation, suggestion=suggestion, confidence=h.confidence,
            source=source, evidence=evidence,
        )

    def _absence_finding(self, a: AbsenceHit) -> Finding:
        """Required content not found anywhere: a finding with no clause, located 「全文未找到」."""
        return Finding(
            rule_id=a.item.id, category=a.item.category, severity=a.item.severity, clause="",
            location={"section": ABSENT_LOCATION, "absent": True},
            basis=[self._basis(b) for b in a.basis], explanation=a.item.explanation,
            suggestion=a.item.suggestion, confidence="high", source="rule",
        )

    def _kb_summary(self, findings: list[Finding]) -> dict[str, Any]:
        refs = {(b.title, b.article): b for f in findings for b in f.basis}
        missing = sorted({b.title for b in refs.values() if not b.in_knowledge_base})
        return {"basis_verified": sum(1 for b in refs.values() if b.in_knowledge_base),
                "basis_not_in_kb": sum(1 for b in refs.values() if not b.in_knowledge_base),
                "titles_not_in_kb": missing}


def cap_per_rule(findings: list[Finding], limit: int) -> tuple[list[Finding], dict[str, int]]:
    """At most `limit` findings per rule (in the given order); the last one kept says how many more.

    A 50,000-paragraph file once produced 7,143 findings, a wall nobody reads: the rest of a rule's
    hits become one summary line 「同类问题另有 N 处」 on its last listed finding and in the warnings.
    """
    counts = Counter(f.rule_id for f in findings)
    omitted = {rule: n - limit for rule, n in counts.items() if n > limit}
    if not omitted:
        return findings, {}
    kept: list[Finding] = []
    seen: Counter[str] = Counter()
    for f in findings:
        seen[f.rule_id] += 1
        if seen[f.rule_id] > limit:
            continue
        if seen[f.rule_id] == limit and f.rule_id in omitted:
            f = f.model_copy(update={"explanation": f"{f.explanation} 同类问题另有 {omitted[f.rule_id]} 处，未逐一列出。"})
        kept.append(f)
    return kept, omitted


def _pos(f: Finding) -> int:
    if f.location.get("absent"):
        return 10**9  # absences after the clauses
    return int(f.location.get("clause_index", 0) or 0)


def _summary(findings: list[Finding], clauses: list[Clause], facts: ProjectFacts) -> dict[str, Any]:
    sev = Counter(f.severity for f in findings)
    cat = Counter(f.category for f in findings)
    return {
        "total": len(findings),
        "by_severity": {k: sev.get(k, 0) for k in ("high", "medium", "low")},
        "by_category": dict(cat.most_common()),
        "by_source": dict(Counter(f.source for f in findings)),
        "clauses": len(clauses),
        "regime": facts.regime,
        "subject": facts.subject,
    }


#: Words nearly every tender or procurement document contains; none of them => probably the wrong file.
_TENDER_MARKERS = ("招标", "投标", "采购", "磋商", "谈判", "询价", "供应商", "评标", "评审")


#: Fewer clauses than this cannot be a tender (even a one-page notice states name, budget, deadline).
MIN_TENDER_CLAUSES = 3


#: What a regulation says of itself (「本法自……起施行」「本办法由财政部负责解释」).
_RE_SELF_REFERENCE = re.compile(r"本(?:法|条例|办法|规定|细则|规则|决定|解释)(?:自|所称|由|规定)")
_RE_ARTICLE_START = re.compile(r"^\s*第[零〇一二两三四五六七八九十百千\d]+条")
#: Parts every tender has and a regulation has not: filled-in particulars and forms, not the concepts a
#: regulation names too (投标人须知, 预算金额, 评分标准 all occur in 87号令).
_TENDER_PARTS = (
    re.compile(r"项目名称\s*[:：]"), re.compile(r"(项目|采购|招标)编号\s*[:：/]"), re.compile(r"联系(人|电话|方式)\s*[:：]"),
    re.compile(r"(投标|响应)文件格式"), re.compile(r"[（(](盖章|公章|签字或盖章|签字)[）)]"),
    re.compile(r"(投标|响应文件(提交|递交)?)截止(时间|日期)\s*[:：为]"),
)
#: A text with this many articles (第N条) that speaks of itself as 本法/本办法 is a regulation unless it
#: has this many tender parts; a short one (必须招标的工程项目规定, 6 articles) when it has none.
MIN_REGULATION_ARTICLES = 20
MIN_TENDER_PARTS = 2
MIN_SHORT_REGULATION_ARTICLES = 5


def not_a_tender_reason(doc: LoadedDocument, clauses: list[Clause]) -> str | None:
    """Why a readable file does not look like a tender (None when it does)."""
    if len(clauses) < MIN_TENDER_CLAUSES:
        return f"只读取到 {len(clauses)} 个条款，招标文件通常有数十至数百个条款"
    if not _looks_like_tender(doc):
        return "没有发现招标、投标、采购、评标等招标文件的常见内容"
    if _looks_like_regulation(doc, clauses):
        return "内容由“第N条”式条文组成并写明“本法（条例、办法）……施行”等，像是法律法规文本；法规请在知识库页面导入"
    return None


def _looks_like_regulation(doc: LoadedDocument, clauses: list[Clause]) -> bool:
    """A law or rule (招标投标法, 87号令) rather than a tender: 第N条 articles, speaking of itself as
    本法/本办法, and without the parts every tender has (its particulars, forms and seals)."""
    text = doc.text[:200_000]
    articles = sum(1 for c in clauses if _RE_ARTICLE_START.match(c.text))
    if articles < MIN_SHORT_REGULATION_ARTICLES or not _RE_SELF_REFERENCE.search(text):
        return False
    parts = sum(1 for rx in _TENDER_PARTS if rx.search(text))
    return parts == 0 or (articles >= MIN_REGULATION_ARTICLES and parts < MIN_TENDER_PARTS)


def _ocr_progress(progress: Progress | None) -> Callable[[int, int, int], None] | None:
    if progress is None:
        return None

    def report(done: int, total: int, page: int) -> None:
        progress(f"文字识别（OCR）第 {page} 页" if done < total else "文字识别（OCR）完成", done, total)

    return report


def _looks_like_tender(doc: LoadedDocument) -> bool:
    """Cheap guard against reviewing the wrong file (a contract, a law, a random text)."""
    text = doc.text[:200_000]
    return sum(text.count(m) for m in _TENDER_MARKERS) >= 3
