"""Retrieval on real questions vs synthetic ones, for several settings of question understanding.

Tuning uses ONLY the development sets (eval/dev/real_qa_dev.jsonl and eval/dev/retrieval_dev.jsonl);
the held-out sets (eval/datasets/real_qa.jsonl, policy_qa.jsonl) are reported for the chosen
settings only, to check for regressions, never to pick settings.

    python bench/real_qa_tune.py --data-dir DATA [--grid] [--held-out]

Prints hit@1 / hit@5 / MRR@10 and the warm batch latency per query for each configuration.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Config:
    name: str
    understand: bool = True
    notes: bool = True
    regime_boost: float = 0.08
    off_regime_penalty: float = 0.08
    specific_boost: float = 0.04
    note_weight: float = 0.3
    note_top_k: int = 5
    dense_core_only: bool = True


def _load(path: Path) -> list[Any]:
    from assistant.evaluation.datasets import load_policy_qa

    return load_policy_qa(path)


def evaluate(retriever: Any, items: list[Any]) -> dict[str, float]:
    from assistant.evaluation.metrics import first_rank
    from assistant.evaluation.retrieval_suite import matches_item

    t0 = time.perf_counter()
    lists = retriever.search_batch([it.question for it in items], 10)
    dt = time.perf_counter() - t0
    h1 = h5 = 0
    rr = 0.0
    for it, hits in zip(items, lists, strict=False):
        rank = first_rank([matches_item(h, it) for h in hits])
        h1 += rank == 1
        h5 += rank is not None and rank <= 5
        rr += 1 / rank if rank else 0.0
    n = len(items) or 1
    return {"n": len(items), "hit@1": round(h1 / n, 3), "hit@5": round(h5 / n, 3), "mrr@10": round(rr / n, 3),
            "ms_per_query": round(1000 * dt / n, 1)}


def build(services: Any, cfg: Config) -> Any:
    from assistant.article_notes import NOTES_DIR, NoteIndex, load_notes
    from assistant.embeddings import embedding_signature
    from assistant.qa.understanding import LEXICON_FILE, Lexicon, make_planner
    from assistant.retrieval import HybridRetriever
    from assistant.text_zh import add_user_words

    s = services.settings
    r = s.retrieval.model_copy(update={"note_weight": cfg.note_weight, "note_top_k": cfg.note_top_k,
                                      "use_article_notes": cfg.notes, "understand_questions": cfg.understand})
    planner = None
    if cfg.understand:
        lex = Lexicon.load(s.knowledge_base_dir / LEXICON_FILE)
        add_user_words(lex.user_words())
        kb = services.kb

        def resolve(name: str) -> str | None:
            meta = kb.resolve_title(name)
            return meta.title if meta is not None else None

        planner = make_planner(lex, resolve, regime_boost=cfg.regime_boost, off_regime_penalty=cfg.off_regime_penalty,
                               specific_boost=cfg.specific_boost, dense_core_only=cfg.dense_core_only)
    ret = HybridRetriever(services.kb, r, planner=planner)
    if cfg.notes:
        notes = load_notes(s.knowledge_base_dir / NOTES_DIR)
        ret.notes = NoteIndex(notes, services.embeddings, cache_dir=s.data_dir / "cache",
                              signature=embedding_signature(services.embeddings))
    return ret


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--grid", action="store_true", help="try a grid of weights (dev sets only)")
    ap.add_argument("--held-out", action="store_true", help="also report the held-out sets for before/after")
    args = ap.parse_args()
    from assistant.config import Settings
    from assistant.services import Services

    services = Services(Settings(data_dir=args.data_dir))
    services.kb.ensure_built()
    sets = {"real_dev": ROOT / "eval/dev/real_qa_dev.jsonl", "synthetic_dev": ROOT / "eval/dev/retrieval_dev.jsonl"}
    if args.held_out:
        sets |= {"real_held_out": ROOT / "eval/datasets/real_qa.jsonl", "policy_qa_held_out": ROOT / "eval/datasets/policy_qa.jsonl"}
    data = {k: _load(v) for k, v in sets.items()}
    configs = [Config("before (no understanding, no notes)", understand=False, notes=False),
               Config("understanding only", notes=False),
               Config("notes only", understand=False),
               Config("understanding + notes (default)")]
    if args.grid:
        for rb in (0.0, 0.04, 0.12):
            configs.append(Config(f"regime_boost={rb}", regime_boost=rb, off_regime_penalty=rb))
        for nw in (0.15, 0.5, 0.8):
            configs.append(Config(f"note_weight={nw}", note_weight=nw))
        for sb in (0.0, 0.08):
            configs.append(Config(f"specific_boost={sb}", specific_boost=sb))
        configs.append(Config("dense on the whole question", dense_core_only=False))
        configs.append(Config("note_top_k=10", note_top_k=10))
    for cfg in configs:
        ret = build(services, cfg)
        ret.search_batch(["预热"], 1)  # warm: note vectors, model
        out = {name: evaluate(ret, items) for name, items in data.items()}
        print(json.dumps({"config": cfg.name, **out}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
