"""Exemplar step: catch clauses no pattern names, by closeness to the example clauses of each rule.

Every rule in review_rules.yaml carries violating and compliant example clauses. A clause that is
close (embeddings, e5 by default) to a rule's violating examples and clearly closer to them than to
any compliant example (of that rule or another: the compliant examples are the lawful look-alikes of
the whole catalogue) becomes a candidate of that rule. Rules alone cannot confirm it, so it is
reported at low severity and low confidence (source `exemplar`, for a person to check); when an LLM is
configured the pipeline hands the candidates to the semantic check to be confirmed or rejected.

Cost control (the rules-only review of a 100-page tender must stay within seconds on two cores):
only clauses naming a supplier or scoring or setting a condition, unflagged by any rule, are considered; a cheap
character-bigram overlap with the examples ranks them and at most `max_clauses` are embedded.
Example vectors of the shipped catalogue ship with the passage vectors (`knowledge_base/vectors`);
others are computed once per catalogue version and cached on disk.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from assistant.review.catalogue import Catalogue, Detector, Rule
from assistant.review.facts import ProjectFacts
from assistant.review.reader import Clause
from assistant.review.rules import QUALIFY, SCORING, RuleHit

log = logging.getLogger(__name__)

_SUPPLIER = re.compile(r"投标人|供应商|申请人|响应人|投标单位|企业|公司|中标人|成交人")
_MAX_CHARS = 120


class DocEmbeddings(Protocol):
    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...


@dataclass(frozen=True)
class ExemplarSettings:
    max_clauses: int = 16  # clauses embedded per review (cost bound: 16 add ~1.2 s to the 100-page bench on 2 cores)
    #: cosine to the closest violating example (e5 scores are compressed near 0.9), and that minus the
    #: cosine to the closest compliant example of any rule. Chosen on the two probe sets used for
    #: development (eval/review_probes/dev.tsv and dev2.tsv, rules ignored): the margin against the
    #: rule's own compliant examples (0.955 / 0.03 before) caught 2 of the 58 clauses the rules missed
    #: in dev2 and flagged 4/83 lawful probes; against every compliant example, 0.95 / 0.01 catches 10
    #: (1 attributed to another rule) and flags 3/83 (dev: 1 of 12, 2/77).
    min_similarity: float = 0.95
    min_margin: float = 0.01


def example_texts(catalogue: Catalogue) -> list[str]:
    """The embedded text of every example clause, rule by rule (violating, then compliant); the
    shipped vector cache holds these for the default catalogue (`python -m assistant.kb.vector_cache`)."""
    out: list[str] = []
    for r in catalogue.rules:
        out += [t[:_MAX_CHARS] for t in (*r.examples.violating, *r.examples.compliant)]
    return out


def _bigrams(text: str) -> set[str]:
    t = re.sub(r"\s+", "", text)
    return {t[i: i + 2] for i in range(len(t) - 1)}


Matrix = npt.NDArray[np.float32]


def _unit_rows(vectors: Sequence[Sequence[float]]) -> Matrix:
    m = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1) if len(vectors) else np.zeros((0, 1), np.float32)
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    out: Matrix = (m / norms).astype(np.float32)
    return out


@dataclass
class _RuleExemplars:
    rule: Rule
    violating: Matrix  # unit rows
    compliant: Matrix
    grams: set[str]


class ExemplarStep:
    """Finds low-confidence candidates of rules from their example clauses."""

    def __init__(self, catalogue: Catalogue, embeddings: DocEmbeddings, *, cache_dir: Path | None = None,
                 settings: ExemplarSettings | None = None, model_name: str = "") -> None:
        self.catalogue = catalogue
        self.embeddings = embeddings
        self.settings = settings or ExemplarSettings()
        self.cache_dir = cache_dir
        self.model_name = model_name or type(embeddings).__name__
        self._rules: list[_RuleExemplars] | None = None
        self.stats: dict[str, int] = {"considered": 0, "embedded": 0, "candidates": 0}

    # ------------------------------------------------------------------ example vectors
    def _texts(self) -> list[str]:
        return example_texts(self.catalogue)

    def _cache_path(self, texts: list[str]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(("\n".join(texts) + "|" + self.model_name).encode("utf-8")).hexdigest()[:16]
        return self.cache_dir / f"exemplars-{key}.json"

    def _vectors(self, texts: list[str]) -> list[list[float]]:
        """Example vectors from the disk cache, else embedded now and cached."""
        path = self._cache_path(texts)
        if path is not None and path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if isinstance(data, list) and len(data) == len(texts):
                    return data
            except (OSError, ValueError) as exc:
                log.warning("exemplar cache unreadable, recomputing: %s", exc)
        vectors = self.embeddings.embed_documents(texts) if texts else []
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(vectors), encoding="utf-8")
            except OSError as exc:
                log.warning("exemplar cache not written: %s", exc)
        return vectors

    def _load(self) -> list[_RuleExemplars]:
        if self._rules is not None:
            return self._rules
        vectors = self._vectors(self._texts())
        rules: list[_RuleExemplars] = []
        i = 0
        for r in self.catalogue.rules:
            nv, nc = len(r.examples.violating), len(r.examples.compliant)
            if nv and r.examples.by_similarity:
                grams: set[str] = set()
                for t in r.examples.violating:
                    grams |= _bigrams(t)
                rules.append(_RuleExemplars(r, _unit_rows(vectors[i: i + nv]), _unit_rows(vectors[i + nv: i + nv + nc]), grams))
            i += nv + nc
        self._rules = rules
        return rules

    # ------------------------------------------------------------------ review step
    def _shortlist(self, clauses: list[Clause], rules: list[_RuleExemplars], flagged: set[int]) -> list[Clause]:
        """Clauses worth embedding: unflagged, naming a supplier or scoring or setting a condition, bigram-close."""
        ranked: list[tuple[float, Clause]] = []
        for c in clauses:
            head = c.text[:_MAX_CHARS]
            if c.index in flagged or len(c.text) < 15 or "____" in head:
                continue
            # the clause names a supplier (a duty or permission of the bidder: 中标人可将……分包) or itself
            # scores or sets a condition (项目负责人年龄须在45周岁以下); a heading does neither
            if not (_SUPPLIER.search(head) or c.table_kind == "评分表" or SCORING.search(head) or QUALIFY.search(head)):
                continue
            g = _bigrams(head)
            best = max(len(g & r.grams) / len(g) for r in rules) if g else 0.0
            if best >= 0.15:
                ranked.append((best, c))
        self.stats["considered"] = len(ranked)
        ranked.sort(key=lambda x: (-x[0], x[1].index))
        return [c for _, c in ranked[: self.settings.max_clauses]]

    def _closest(self, v: Matrix, rules: list[_RuleExemplars]) -> tuple[float, float, _RuleExemplars] | None:
        """The rule whose violating examples are nearest, when near enough and clearly nearer than the
        nearest compliant example of any applicable rule."""
        if not rules:
            return None
        lawful = max((float((r.compliant @ v).max()) for r in rules if len(r.compliant)), default=0.0)
        sv, r = max(((float((r.violating @ v).max()), r) for r in rules), key=lambda x: x[0])
        if sv >= self.settings.min_similarity and sv - lawful >= self.settings.min_margin:
            return sv, lawful, r
        return None

    def run(self, clauses: list[Clause], facts: ProjectFacts, hits: list[RuleHit],
            in_scope: Callable[[str], bool] | None = None) -> list[RuleHit]:
        """Candidates among the unflagged clauses, from the rules that apply to this tender: its regime, the
        object of procurement of at least one detector, and `in_scope` (the checklist's `subjects`) by rule id."""
        rules = [r for r in self._load() if r.rule.covers(facts)
                 and (in_scope is None or in_scope(r.rule.id))]
        chosen = self._shortlist(clauses, rules, {h.clause.index for h in hits}) if rules else []
        if not chosen:
            return []
        vecs = _unit_rows(self.embeddings.embed_documents([c.text[:_MAX_CHARS] for c in chosen]))
        self.stats["embedded"] = len(chosen)
        out: list[RuleHit] = []
        for c, v in zip(chosen, vecs, strict=True):
            best = self._closest(v, rules)
            if best is None:
                continue
            sv, sc, r = best
            hit = RuleHit(r.rule, _exemplar_detector(r.rule), c, None, "low", "low",
                          r.rule.basis_for(r.rule.regime_in(facts)),
                          detail=f"该条款与本规则的违规示例相近（相似度{sv:.2f}，与最相近的合规示例{sc:.2f}），规则未能直接判定，请人工核对。")
            hit.notes.append("source:exemplar")
            out.append(hit)
        self.stats["candidates"] = len(out)
        return out


def _exemplar_detector(rule: Rule) -> Detector:
    return next((d for d in rule.detect if d.type == "semantic"), rule.detect[0])
