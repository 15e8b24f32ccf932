"""Hybrid retrieval: dense (Chroma, e5) + keyword (BM25, jieba), fused on normalised scores.

Why not reciprocal-rank fusion: measured on paraphrased policy questions, naive RRF *lowered*
hit@1 (e5 0.80 -> RRF 0.70) because BM25's rank list is noisy for colloquial questions. Here
both scores are computed for every candidate of either retriever, each is normalised within
the query, and a weighted sum (weights tuned on eval/dev/retrieval_dev.jsonl, see
bench/retrieval_bench.py) decides; BM25 then mostly breaks near-ties on exact terms.
A question that names an article (「招标投标法实施条例第三十二条」) gets that article first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from assistant.citations import find_article_refs, resolve_ref
from assistant.config import LimitsSettings
from assistant.embeddings import embed_queries
from assistant.schema import Chunk, Hit
from assistant.titles import knowledge_base_dir

if TYPE_CHECKING:
    from assistant.article_notes import NoteIndex
    from assistant.config import RetrievalSettings
    from assistant.kb import Generation, KnowledgeBase

log = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "bm25"]
#: score multiplier for superseded versions when they are included (current versions first)
SUPERSEDED_PENALTY = 0.9
#: boost for chunks of a document the question names (「政府采购法规定…」, 「北京市招标投标条例对评标专家…」).
#: 0.08 -> 0.3 on the real dev questions (eval/dev): hit@1 0.533 -> 0.543, MRR 0.654 -> 0.662, answers
#: citing gold 0.815 -> 0.826; synthetic retrieval hit@1 0.705 unchanged, MRR 0.791 -> 0.792; 0.5 and 1.0
#: measured the same on both, so the smallest of the plateau is kept (a law named in passing still competes)
TITLE_MENTION_BOOST = 0.3


#: how many of the best hits a plan's ``lead`` may reorder (a definitional question's defining article among them
#: comes first): the answer's evidence window (QAChain's k), so that search results and answers agree
LEAD_POOL = 6

#: append the colloquial->statute expansion terms to the dense query too (measured: helps e5)
EXPAND_DENSE = True


@lru_cache(maxsize=4)
def _load_expansions(path: str, mtime: float) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    rules = []
    for key, terms in (data.get("query_expansions") or {}).items():
        triggers = tuple(t.strip() for t in str(key).split("+") if t.strip())
        if triggers and terms:
            rules.append((triggers, tuple(str(t) for t in terms)))
    return tuple(rules)


def expand_query(text: str, path: Path | None = None) -> str:
    """The question plus statute wording for the colloquial terms it uses (发标 -> 招标文件 发出)."""
    path = path or knowledge_base_dir() / "aliases.yaml"  # Settings.knowledge_base_dir (services.py)
    if not path.exists():
        return text
    extra: list[str] = []
    for triggers, terms in _load_expansions(str(path), path.stat().st_mtime):
        if all(t in text for t in triggers):
            extra.extend(t for t in terms if t not in extra and t not in text)
    return f"{text} {' '.join(extra)}" if extra else text


@dataclass
class QueryPlan:
    """How to search for one question (built by a planner, e.g. ``assistant.qa.understanding``).

    ``dense_text``/``bm25_text`` replace the question for each retriever; ``title_boosts`` adds a
    score (may be negative) to chunks of the named documents (regime routing, specific rules
    before the general law).
    """

    dense_text: str
    bm25_text: str
    title_boosts: dict[str, float] = field(default_factory=dict)
    #: the procurement regime the question was routed to (None: not routed); the note dense view only
    #: applies to routed questions, and to their regime's own documents (most of whose articles have notes)
    regime: str | None = None
    #: (document title, word): the question uses a word of that document's own (``document_terms`` of the lexicon:
    #: 评定分离 of the district's plan); the document's passages that use it join the candidates and gain
    #: ``passage_boost``
    passage_terms: tuple[tuple[str, str], ...] = ()
    passage_boost: float = 0.0
    #: reorders the ranked hits by what only the question's form tells: a definitional question (「什么是转包？」)
    #: puts the best article defining its term first (None: ranking order stands)
    lead: Callable[[list[Hit]], list[Hit]] | None = None


Planner = Callable[[str], QueryPlan]


@dataclass
class _Candidate:
    chunk_id: str
    dense: float | None = None
    bm25: float | None = None
    via: tuple[str, ...] = ()


class HybridRetriever:
    """Search the knowledge base; see module docstring for the scoring."""

    def __init__(self, kb: KnowledgeBase, settings: RetrievalSettings, mode: Mode = "hybrid",
                 limits: LimitsSettings | None = None, planner: Planner | None = None) -> None:
        self.kb = kb
        self.settings = settings
        self.limits = limits or LimitsSettings()
        self.mode: Mode = mode
        self.planner = planner
        self.notes: NoteIndex | None = None
        self._note_chunks: dict[tuple[str, int], str | None] = {}

    # ---------------------------------------------------------------- public API
    def search(
        self,
        query: str,
        k: int = 5,
        *,
        doc_types: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        titles: Iterable[str] | None = None,
        include_superseded: bool | None = None,
    ) -> list[Hit]:
        return self.search_batch(
            [query], k, doc_types=doc_types, status=status, titles=titles, include_superseded=include_superseded
        )[0]

    def search_batch(
        self,
        queries: Sequence[str],
        k: int = 5,
        *,
        doc_types: Iterable[str] | None = None,
        status: Iterable[str] | None = None,
        titles: Iterable[str] | None = None,
        include_superseded: bool | None = None,
        mode: Mode | None = None,
    ) -> list[list[Hit]]:
        """Many queries at once: one embedding call and one Chroma call for the whole batch."""
        if not queries:
            return []
        for q in queries:
            self.limits.check_query(q, "检索内容")
        mode = mode or self.mode
        gen = self.kb._require()
        inc = self.settings.include_superseded if include_superseded is None else include_superseded
        allowed = self.kb.allowed_doc_ids(doc_types=doc_types, status=status, titles=titles, include_superseded=inc)
        if allowed is not None and not allowed:
            return [[] for _ in queries]
        where = {"doc_id": sorted(allowed)} if allowed is not None else None
        texts = [q.strip() for q in queries]
        plans = [self._plan(t) for t in texts]
        expanded = [p.bm25_text for p in plans]

        vectors: list[np.ndarray] = []
        dense_lists: list[list[tuple[str, float]]] = [[] for _ in texts]
        if mode in ("hybrid", "dense"):
            dense_texts = [p.dense_text for p in plans]
            vectors = [np.asarray(v, dtype=np.float32) for v in embed_queries(self.kb.embeddings, dense_texts)]
            dense_lists = gen.dense.query_batch(vectors, max(self.settings.dense_k, k), where)

        results = []
        aliases = self.kb.alias_map()
        for i, text in enumerate(texts):
            direct = self._direct(text, aliases, allowed, inc) if mode == "hybrid" else []
            own = {t for t, b in plans[i].title_boosts.items() if b > 0} if plans[i].regime is not None else set()
            passages = _passages(gen, plans[i].passage_terms, allowed) if mode == "hybrid" else set()
            ranked = self._rank(gen, expanded[i], vectors[i] if vectors else None, dense_lists[i], where, mode, own,
                                passages)
            boosts = {cid: plans[i].passage_boost for cid in passages}
            merged = self._merge(gen, text, direct, ranked, aliases, plans[i].title_boosts, boosts)
            lead = plans[i].lead
            if lead is not None and not direct:
                merged = lead(merged[:LEAD_POOL]) + merged[LEAD_POOL:]
            results.append(merged[:k])
        return results

    def _plan(self, text: str) -> QueryPlan:
        expanded = expand_query(text)
        if self.planner is None:
            return QueryPlan(dense_text=expanded if EXPAND_DENSE else text, bm25_text=expanded)
        plan = self.planner(text)
        # the alias-table expansions still apply on top of the planner's own
        return QueryPlan(
            dense_text=expand_query(plan.dense_text) if EXPAND_DENSE else plan.dense_text,
            bm25_text=expand_query(plan.bm25_text),
            title_boosts=plan.title_boosts,
            regime=plan.regime,
            passage_terms=plan.passage_terms,
            passage_boost=plan.passage_boost,
            lead=plan.lead,
        )

    def lookup_articles(self, text: str, include_superseded: bool = False) -> list[Hit]:
        """Hits for the articles a text names explicitly (「87号令第十七条」), in order."""
        return self._direct(text, self.kb.alias_map(), None, include_superseded)

    def lookup_texts(self, matches: Callable[[str], bool], include_superseded: bool = False) -> list[Hit]:
        """Hits for the articles whose text ``matches`` (a targeted lookup: the article that defines a
        term the ranked hits do not define), in the knowledge base's order."""
        gen = self.kb._require()
        allowed = self.kb.allowed_doc_ids(include_superseded=include_superseded)
        return [to_hit(c, score=0.0, via=["lookup"]) for c in gen.chunks.values()
                if (allowed is None or c.doc_id in allowed) and matches(c.cited_text)]

    # ---------------------------------------------------------------- internals
    def _direct(self, text: str, aliases: dict[str, str], allowed: set[str] | None, inc: bool) -> list[Hit]:
        hits: list[Hit] = []
        seen: set[str] = set()
        for ref in find_article_refs(text, aliases):
            chunk = resolve_ref(ref, self.kb, include_superseded=inc)
            if chunk is None or chunk.chunk_id in seen:
                continue
            if allowed is not None and chunk.doc_id not in allowed:
                continue
            seen.add(chunk.chunk_id)
            hits.append(to_hit(chunk, score=1.0, via=["direct"]))
        return hits

    def _rank(  # noqa: C901 - owned by helper qa; split pending
        self,
        gen: Generation,
        text: str,
        vector: np.ndarray | None,
        dense: list[tuple[str, float]],
        where: dict[str, Any] | None,
        mode: Mode,
        own_titles: set[str] | None = None,
        passages: set[str] | None = None,
    ) -> list[tuple[_Candidate, float]]:
        s = self.settings
        cands: dict[str, _Candidate] = {}
        for cid, score in dense:
            cands[cid] = _Candidate(cid, dense=score, via=("dense",))
        for cid in passages or ():
            c = cands.setdefault(cid, _Candidate(cid))
            c.via = (*c.via, "term")
        if mode in ("hybrid", "bm25"):
            for cid, score in gen.bm25.query(text, s.bm25_k, where):
                c = cands.setdefault(cid, _Candidate(cid))
                c.bm25 = score
                c.via = (*c.via, "bm25")
        if not cands:
            return []
        if mode == "dense":
            return sorted(((c, c.dense or 0.0) for c in cands.values()), key=lambda x: -x[1])
        if mode == "bm25":
            return sorted(((c, c.bm25 or 0.0) for c in cands.values()), key=lambda x: -x[1])

        # article notes may add candidates; then complete the missing half of each candidate's evidence
        note_raw: dict[str, float] = {}  # chunk id -> raw note cosine, for the note dense view when it is on
        raw_out = note_raw if s.note_dense_margin < 1.0 and own_titles else None
        note_sim = self._note_candidates(gen, vector, text, cands, raw_out) if vector is not None else {}
        missing_dense = [c.chunk_id for c in cands.values() if c.dense is None]
        if missing_dense and vector is not None:
            for cid, vec in gen.dense.get_vectors(missing_dense).items():
                cands[cid].dense = float(vec @ vector)
        missing_bm25 = [c.chunk_id for c in cands.values() if c.bm25 is None]
        if missing_bm25:
            for cid, score in gen.bm25.score(text, missing_bm25).items():
                cands[cid].bm25 = score

        ids = list(cands)
        d = np.array([cands[c].dense or 0.0 for c in ids])
        # the view is for the governing documents of the question's regime, most of whose articles have notes
        note_raw = {c: v for c, v in note_raw.items() if (ch := gen.chunks.get(c)) is not None and ch.title in (own_titles or ())}
        if note_raw and s.note_dense_margin < 1.0:
            d = _note_dense_view(d, np.array([note_raw.get(c, np.nan) for c in ids]), s.note_dense_margin,
                                 s.note_dense_impute)
        b = np.array([cands[c].bm25 or 0.0 for c in ids])
        d_norm = _minmax(d, floor=_kth_best(d, s.dense_k))
        b_norm = b / b.max() if b.max() > 0 else np.zeros_like(b)
        total_w = s.dense_weight + s.bm25_weight or 1.0
        fused = (s.dense_weight * d_norm + s.bm25_weight * b_norm) / total_w
        if self.notes is not None:
            # scores stay within 0..1: the note evidence is a third, weighted part of the sum
            fused = (fused + s.note_weight * np.array([note_sim.get(c, 0.0) for c in ids])) / (1.0 + s.note_weight)
        return sorted(((cands[c], float(f)) for c, f in zip(ids, fused, strict=False)), key=lambda x: -x[1])

    def _note_candidates(self, gen: Generation, vector: np.ndarray, text: str,
                         cands: dict[str, _Candidate], raw: dict[str, float] | None = None) -> dict[str, float]:
        """Articles whose notes (条旨, typical questions) resemble the question: chunk id -> 0..1 score
        (and, into ``raw`` when given, each noted article's raw note cosine for the note dense view).

        A note's score is its dense similarity normalised within the query (best = 1, the
        2k-th best = 0) or, if higher, ``note_lexical_weight`` times its keyword match; the k best
        notes' articles join the candidates.
        """
        if self.notes is None:
            return {}
        scores = self.notes.article_scores(vector)
        if not scores:
            return {}
        top_k = max(1, self.settings.note_top_k)
        sims = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        combined = dict(zip(scores, _minmax(sims, floor=_kth_best(sims, top_k * 2)).tolist(), strict=True))
        if raw is not None:
            self._collect_raw(scores, raw)
        weight = self.settings.note_lexical_weight
        if weight > 0:
            for i, lex in self.notes.lexical_scores(text).items():
                combined[i] = max(combined.get(i, 0.0), weight * lex)
        out: dict[str, float] = {}
        for i, score in sorted(combined.items(), key=lambda x: -x[1])[:top_k]:
            cid = self._note_chunk(i)
            if cid is None or cid not in gen.chunks:
                continue
            out[cid] = max(out.get(cid, 0.0), score)
            if cid not in cands:
                cands[cid] = _Candidate(cid, via=("note",))
            else:
                cands[cid].via = (*cands[cid].via, "note")
        return out

    def _collect_raw(self, scores: dict[int, float], raw: dict[str, float]) -> None:
        """chunk id -> the best raw cosine of the question to any of that article's note keys."""
        for i, sim in scores.items():
            cid = self._note_chunk(i)
            if cid is not None:
                raw[cid] = max(raw.get(cid, -1.0), sim)

    def _note_chunk(self, i: int) -> str | None:
        """The chunk id of note ``i``'s article (None when the knowledge base lacks it), cached."""
        assert self.notes is not None
        note = self.notes.notes[i]
        key = (note.document, note.article_no)
        if key not in self._note_chunks:
            chunk = self.kb.get_article(note.document, note.article_no)
            self._note_chunks[key] = chunk.chunk_id if chunk is not None else None
        return self._note_chunks[key]

    def _merge(  # noqa: C901 - split pending
        self,
        gen: Generation,
        text: str,
        direct: list[Hit],
        ranked: list[tuple[_Candidate, float]],
        aliases: dict[str, str],
        title_boosts: dict[str, float] | None = None,
        chunk_boosts: dict[str, float] | None = None,
    ) -> list[Hit]:
        mentioned = _mentioned_titles(text, aliases)
        boosts = title_boosts or {}
        scored: list[tuple[float, Hit]] = []
        for cand, score in ranked:
            chunk = gen.chunks.get(cand.chunk_id)
            if chunk is None:
                continue
            rec = gen.records.get(chunk.doc_id)
            meta = rec.meta if rec else None
            if meta is not None and not meta.is_current:
                score *= SUPERSEDED_PENALTY
            # boosts rank above 1.0 (the order must see them); the hit shows the score capped at 1
            if mentioned and chunk.title in mentioned:
                score += TITLE_MENTION_BOOST
            if boosts and chunk.title in boosts and not mentioned:
                score = max(0.0, score + boosts[chunk.title])
            if chunk_boosts and chunk.chunk_id in chunk_boosts:
                score += chunk_boosts[chunk.chunk_id]
            hit = to_hit(chunk, score=min(1.0, score), via=list(cand.via))
            hit.rank_score = round(float(score), 4)
            hit.dense_score = None if cand.dense is None else round(float(cand.dense), 4)
            hit.bm25_score = None if cand.bm25 is None else round(float(cand.bm25), 4)
            if meta is not None:
                hit.status = meta.status
                hit.is_current = meta.is_current
            scored.append((score, hit))
        # the current version of an article always ranks above its superseded versions
        current_best: dict[tuple[str, int | None], float] = {}
        for score, hit in scored:
            if hit.is_current and hit.article_no is not None:
                key: tuple[str, int | None] = (hit.title, hit.article_no)
                current_best[key] = max(score, current_best.get(key, 0.0))
        for i, (score, hit) in enumerate(scored):
            key = (hit.title, hit.article_no)
            if not hit.is_current and key in current_best and score >= current_best[key]:
                scored[i] = (current_best[key] - 1e-4, hit)
                hit.score = round(min(1.0, current_best[key]) - 1e-4, 4)
        scored.sort(key=lambda x: -x[0])
        out: list[Hit] = []
        seen: set[str] = set()
        by_id = {h.chunk_id: h for _, h in scored}
        for hit in direct:
            other = by_id.get(hit.chunk_id)
            if other is not None:
                hit.via = ["direct", *other.via]
                hit.dense_score, hit.bm25_score = other.dense_score, other.bm25_score
            out.append(hit)
            seen.add(hit.chunk_id)
        for _, hit in scored:
            if hit.chunk_id not in seen:
                out.append(hit)
                seen.add(hit.chunk_id)
        return out


def _passages(gen: Generation, terms: Sequence[tuple[str, str]], allowed: set[str] | None) -> set[str]:
    """The chunk ids of the passages that use a document's own word, for each (title, word) of a plan."""
    if not terms:
        return set()
    return {c.chunk_id for c in gen.chunks.values() if (allowed is None or c.doc_id in allowed)
            and any(c.title == title and word in c.text for title, word in terms)}


def _note_dense_view(dense: np.ndarray, note: np.ndarray, margin: float, impute: float) -> np.ndarray:
    """Article cosines with the article notes as a second dense view (``note``: the best cosine of the
    question to the article's note keys, NaN for an article without a note).

    A question-to-question cosine runs higher than question-to-statute, so a note counts less
    ``margin``; an article gains ``max(0, note - margin - dense)``. An article without a note gets
    ``impute`` times the mean gain of the noted candidates, so that having a note is not by itself an
    advantage (about a third of the articles have one; without this the synthetic questions, whose gold
    articles often have no note, lost hit@1).
    """
    has = ~np.isnan(note)
    if not has.any():
        return dense
    lift = np.where(has, np.maximum(0.0, np.nan_to_num(note - margin, nan=0.0) - dense), 0.0)
    if (~has).any():
        lift = np.where(has, lift, impute * float(lift[has].mean()))
    return dense + lift


def _kth_best(values: np.ndarray, k: int) -> float:
    """The k-th highest value (the lowest one when there are fewer than k; 0 when there are none)."""
    if values.size == 0:
        return 0.0
    return float(np.sort(values)[::-1][min(values.size, k) - 1])


def _minmax(values: np.ndarray, floor: float) -> np.ndarray:
    """Scale to 0..1 between a floor (the k-th dense score) and the best score."""
    if values.size == 0:
        return values
    top = float(values.max())
    if top - floor <= 1e-9:
        return np.ones_like(values)
    return np.clip((values - floor) / (top - floor), 0.0, 1.0)


def _mentioned_titles(text: str, aliases: dict[str, str]) -> set[str]:
    """Full titles of documents the question names (longest names, at least 3 characters)."""
    return {title for alias, title in aliases.items() if len(alias) >= 3 and alias in text}


def to_hit(chunk: Chunk, score: float, via: list[str]) -> Hit:
    """A Hit from a stored chunk (location as a dict without empty fields)."""
    return Hit(
        title=chunk.title,
        article=chunk.article,
        text=chunk.cited_text,
        score=round(float(score), 4),
        doc_id=chunk.doc_id,
        doc_type=chunk.doc_type,
        status=chunk.status,
        location=chunk.location.model_dump(exclude_none=True),
        chunk_id=chunk.chunk_id,
        heading=chunk.heading,
        article_no=chunk.article_no,
        effective_date=chunk.effective_date,
        is_current=chunk.is_current,
        via=via,
    )
