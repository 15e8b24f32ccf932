"""Reviewer: file → clauses → facts → rule (and LLM) findings with verified legal basis → report."""

from __future__ import annotations

import datetime as _dt
import logging
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.review.catalogue import (
    NOT_IN_KB_NOTE, BasisRef, Catalogue, load_catalogue, lookup_article, title_in_kb,
)
from assistant.review.facts import ProjectFacts, extract_facts, fact_labels
from assistant.review.reader import Clause, read_clauses, segment
from assistant.review.rules import SEVERITY_ORDER, RuleEngine, RuleHit, dedupe
from assistant.schema import Basis, Finding, LoadedDocument, ReviewReport

if TYPE_CHECKING:
    from assistant.review.exemplar import ExemplarStep
    from assistant.services import Services

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]


class Reviewer:
    """Tender review use case; `kb` may be a KnowledgeBase, a zero-arg callable returning one, or None."""

    def __init__(self, catalogue: Catalogue | None = None, *, kb: Any = None, llm: Any = None,
                 use_llm: bool = True, max_semantic_clauses: int = 40, max_bytes: int | None = None,
                 mask_personal_data: bool = False, exemplar: "ExemplarStep | None" = None) -> None:
        self.catalogue = catalogue or load_catalogue()
        self.exemplar = exemplar  # low-confidence candidates from the rules' example clauses
        self.engine = RuleEngine(self.catalogue)
        self._kb = kb
        self._kb_resolved = not callable(kb) or hasattr(kb, "get_article")
        self.llm = llm
        self.use_llm = use_llm
        self.max_semantic_clauses = max_semantic_clauses
        self.max_bytes = max_bytes
        self.mask_personal_data = mask_personal_data
        self._article_cache: dict[tuple[str, str | None], Basis] = {}

    @classmethod
    def from_services(cls, services: "Services") -> "Reviewer":
        s = services.settings
        path = Path(s.knowledge_base_dir) / "review_rules.yaml"
        llm = services.llm if s.llm.backend != "none" else None
        catalogue = load_catalogue(path if path.exists() else None)
        exemplar = None
        if s.review.exemplar == "on" or (s.review.exemplar == "auto" and llm is not None):
            from assistant.review.exemplar import ExemplarStep

            exemplar = ExemplarStep(catalogue, services.embeddings, cache_dir=Path(s.data_dir) / "cache",
                                    model_name=f"{s.embedding.backend}:{s.embedding.model or ''}")
        return cls(catalogue, kb=lambda: services.kb, llm=llm, exemplar=exemplar,
                   use_llm=s.review.use_llm, max_semantic_clauses=s.review.max_semantic_clauses,
                   max_bytes=s.max_upload_bytes,
                   mask_personal_data=s.llm.mask_personal_data and s.llm.backend == "openai")

    @property
    def kb(self) -> Any:
        if not self._kb_resolved:
            self._kb_resolved = True
            try:
                self._kb = self._kb()
            except Exception as exc:  # noqa: BLE001 - the review works without article texts
                log.warning("knowledge base unavailable for review basis texts: %s", exc)
                self._kb = None
        return self._kb

    # ------------------------------------------------------------------ entry points
    def review(self, path: str | Path, progress: Progress | None = None, use_llm: bool | None = None) -> ReviewReport:
        """Review a tender file (DOCX/PDF/TXT…); bad files raise InputFileError with a Chinese message."""
        if progress:
            progress("读取文件", 0, 1)
        doc, clauses = read_clauses(path, max_bytes=self.max_bytes)
        if progress:
            progress("读取文件", 1, 1)
        return self._review(doc, clauses, progress, use_llm, file=str(path))

    def review_document(self, doc: LoadedDocument, progress: Progress | None = None,
                        use_llm: bool | None = None) -> ReviewReport:
        return self._review(doc, segment(doc), progress, use_llm, file=doc.path)

    def review_text(self, text: str, name: str = "文本", use_llm: bool | None = None) -> ReviewReport:
        from assistant.review.reader import document_from_text

        return self.review_document(document_from_text(text, name), use_llm=use_llm)

    # ------------------------------------------------------------------ internals
    def _review(self, doc: LoadedDocument, clauses: list[Clause], progress: Progress | None,
                use_llm: bool | None, file: str) -> ReviewReport:
        t0 = time.perf_counter()
        warnings = list(doc.warnings)
        facts = extract_facts(clauses)
        if facts.regime is None:
            warnings.append("未能判断项目适用的法律体系（工程招标或政府采购），已按两类规则同时审查，请人工核对适用依据。")
        hits = self.engine.run(clauses, facts, progress)
        exemplar_hits = self.exemplar.run(clauses, facts, hits) if self.exemplar is not None else []
        want_llm = self.use_llm if use_llm is None else use_llm
        mode = "rules"
        rejected: list[str] = []
        if want_llm and self.llm is not None:
            from assistant.review.semantic import Candidate, SemanticChecker

            checker = SemanticChecker(self.llm, self.catalogue, self.kb, max_clauses=self.max_semantic_clauses,
                                      mask_personal_data=self.mask_personal_data)
            # exemplar candidates are confirmed or rejected by the LLM; only confirmed ones are kept
            extra = [Candidate(h.clause, [h.rule]) for h in exemplar_hits]
            hits = dedupe([*hits, *checker.check(clauses, facts, hits, progress, extra=extra)])
            rejected = checker.rejected
            mode = "rules+llm"
        else:
            hits = dedupe([*hits, *exemplar_hits])
            if want_llm and use_llm:
                warnings.append("未配置大模型，已仅使用规则审查。")
        findings = [self._finding(h, facts) for h in hits]
        findings.sort(key=lambda f: (SEVERITY_ORDER[f.severity], _pos(f)))
        if not clauses:
            warnings.append("文件中没有读取到可审查的文字内容。")
        elif not _looks_like_tender(doc):
            warnings.append("文件中没有发现招标文件的常见内容（如招标公告、投标人须知、评标办法），"
                            "请确认上传的是招标文件或采购文件；审查结果可能不完整。")
        summary = _summary(findings, clauses, facts)
        kb_note = self._kb_summary(findings)
        summary.update(kb_note)
        return ReviewReport(
            file=file,
            findings=findings,
            summary=summary,
            facts={**facts.to_dict(), "labels": fact_labels()},
            mode=mode,  # type: ignore[arg-type]
            warnings=warnings,
            metadata={
                "title": doc.title,
                "reviewed_at": _dt.datetime.now().isoformat(timespec="seconds"),
                "catalogue_sha256": self.catalogue.sha256[:12],
                "rules": len(self.catalogue.rules),
                "clauses": len(clauses),
                "seconds": round(time.perf_counter() - t0, 3),
                "llm_rejected": rejected[:50],
                "format": doc.format,
                "ocr_pages": doc.ocr_pages,
            },
        )

    def _basis(self, ref: BasisRef) -> Basis:
        key = (ref.title, ref.article)
        cached = self._article_cache.get(key)
        if cached is None:
            chunk = lookup_article(self.kb, ref) if ref.article else None
            if chunk is not None:
                cached = Basis(title=chunk.title or ref.title, article=ref.article, text=chunk.text,
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
        source = "llm" if "source:llm" in h.notes else "rule"
        suggestion = next((n.split(":", 1)[1] for n in h.notes if n.startswith("suggestion:")), h.rule.suggestion)
        extra = [n for n in h.notes if not n.startswith(("source:", "suggestion:"))]
        explanation = h.rule.explanation
        if h.detail:
            explanation = f"{h.detail} {explanation}" if source == "rule" else f"{h.detail}（审查要点：{h.rule.explanation}）"
        if extra:
            explanation += " " + " ".join(extra)
        loc = dict(h.clause.location)
        loc["section"] = h.clause.section or None
        if h.clause.table_kind:
            loc["table_kind"] = h.clause.table_kind
        loc["clause_index"] = h.clause.index
        evidence = h.evidence if h.evidence and h.evidence in h.clause.text else None
        return Finding(
            rule_id=h.rule.id, category=h.rule.category, severity=h.severity,  # type: ignore[arg-type]
            clause=h.clause.text, location=loc, basis=[self._basis(b) for b in h.basis],
            explanation=explanation, suggestion=suggestion, confidence=h.confidence,  # type: ignore[arg-type]
            source=source, evidence=evidence,  # type: ignore[arg-type]
        )

    def _kb_summary(self, findings: list[Finding]) -> dict[str, Any]:
        refs = {(b.title, b.article): b for f in findings for b in f.basis}
        missing = sorted({b.title for b in refs.values() if not b.in_knowledge_base})
        return {"basis_verified": sum(1 for b in refs.values() if b.in_knowledge_base),
                "basis_not_in_kb": sum(1 for b in refs.values() if not b.in_knowledge_base),
                "titles_not_in_kb": missing}


def _pos(f: Finding) -> int:
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


def _looks_like_tender(doc: LoadedDocument) -> bool:
    """Cheap guard against reviewing the wrong file (a contract, a law, a random text)."""
    text = doc.text[:200_000]
    return sum(text.count(m) for m in _TENDER_MARKERS) >= 3
