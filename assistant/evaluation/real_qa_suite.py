"""Real-question suite: questions practitioners asked and an authority answered (eval/datasets/real_qa.jsonl).

Reported apart from the synthetic sets, because real questions are long, narrative and colloquial:

- retrieval hit@1 / hit@5 / MRR@10 of the product retriever (gold = the article the answer named, plus
  articles added with a reason in eval/real/gold_additions.tsv; hit@1 on the collector's gold alone is
  reported beside it);
- answer cites gold: the answer cites at least one gold article;
- lead is gold: the one-sentence answer rests on a gold article;
- confident wrong answers: the answer states a direct answer (no 「未能确定直接回答的条文」 hedge) whose
  article is not gold — the failure that costs a user most;
- out-of-scope refusal rate on the real refusal set, and the share declined (refused, or answered
  only with the 「未能确定直接回答的条文」 statement and the nearest articles for checking — honest, but not a
  refusal); non-existent citations (must be 0);
- the worst items, each with why it failed (gold rank, what came first, regime detected);
- the same questions typed as a chat message (``CHAT_GREETING`` + question + ``CHAT_CLOSING``): how many are
  then refused, and how many answers change (another first article, or stated vs hedged) — a product that
  answers 「……？」 must answer 「老师您好！我是采购代理机构的工作人员，想咨询一下：……？依据是哪一条？麻烦帮忙
  解答一下，谢谢！」 alike.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from assistant.evaluation.datasets import OOSItem, QAItem, round_of
from assistant.evaluation.metrics import first_rank, percentile, ratio
from assistant.evaluation.qa_suite import (
    citation_exists,
    citation_is_gold,
    text_refs_missing,
)
from assistant.evaluation.retrieval_suite import matches_item

if TYPE_CHECKING:
    from assistant.services import Services

log = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
K = 10
#: the flag an extractive answer carries when its best evidence does not address the question
NO_DIRECT_FLAG = "no_direct_provision"
#: the greeting and closing a chat user puts around a question (the robustness check of the suite)
CHAT_GREETING = "老师您好！我是采购代理机构的工作人员，想咨询一下："
CHAT_CLOSING = "依据是哪一条？麻烦帮忙解答一下，谢谢！"


def _brief(title: str, article: str | None) -> str:
    return f"《{title}》{article or ''}"


def _warm_batch(retriever: Any, questions: list[str]) -> tuple[list[Any], float]:
    """Hits of one batch search and the seconds of a second, timed run of it: the first batch warms
    the models, tokenizer dictionaries and index caches, so the figure is the warm batch latency."""
    if not questions:
        return [], 0.0
    hits = retriever.search_batch(questions, K)
    t0 = time.perf_counter()
    retriever.search_batch(questions, K)
    return hits, time.perf_counter() - t0


def run(services: Services, items: Sequence[QAItem], oos: Sequence[OOSItem], progress: Progress | None = None,
        label: str = "real") -> tuple[dict[str, Any], list[dict[str, Any]]]:
    retriever = services.retriever
    qa = services.qa
    total = len(items) + len(oos)
    hit_lists, batch_s = _warm_batch(retriever, [it.question for it in items])
    rows: list[dict[str, Any]] = []
    h1 = h5 = h1_collector = 0
    rr = 0.0
    cites_gold = lead_gold = confident_wrong = hedged = refused_in = 0
    chat_refused = chat_changed = 0
    nonexistent = 0
    latencies: list[float] = []
    from assistant.qa.understanding import understand

    lex = services.lexicon
    for n, (item, hits) in enumerate(zip(items, hit_lists, strict=False), 1):
        rank = first_rank([matches_item(h, item) for h in hits])
        h1 += rank == 1
        own = dataclasses.replace(item, gold=[g for g in item.gold if not g.added])
        h1_collector += bool(hits) and matches_item(hits[0], own)
        h5 += rank is not None and rank <= 5
        rr += 1.0 / rank if rank else 0.0
        a0 = time.perf_counter()
        ans = qa.ask(item.question)
        latencies.append(time.perf_counter() - a0)
        cites = list(ans.citations)
        gold_flags = [citation_is_gold(c, item) for c in cites]
        exists = [citation_exists(c, services) for c in cites]
        invented, _quoted = text_refs_missing(ans, services) if not ans.refused else ([], [])
        nonexistent += exists.count(False) + len(invented)
        hedge = NO_DIRECT_FLAG in ans.flags
        lead_n = ans.metadata.get("answer_citation")
        if ans.mode == "llm" or lead_n is None:
            lead_n = cites[0].n if cites and not hedge else None
        lead_ok = any(g for c, g in zip(cites, gold_flags, strict=False) if c.n == lead_n)
        chat = qa.ask(CHAT_GREETING + item.question + CHAT_CLOSING)
        chat_refused += chat.refused
        chat_changed += _outcome(chat) != _outcome(ans)
        if ans.refused:
            refused_in += 1
        else:
            cites_gold += any(gold_flags)
            lead_gold += lead_ok
            hedged += hedge
            confident_wrong += (not hedge) and not lead_ok
        why = []
        if rank is None:
            why.append("标准答案条文不在检索结果前10条")
        elif rank > 1:
            why.append(f"标准答案排第{rank}")
        if hits and rank != 1:
            why.append(f"第1条为{_brief(hits[0].title, hits[0].article)}")
        u = understand(item.question, lex)
        regime = u.regime
        rows.append({
            "suite": label, "id": item.id, "question": item.question, "gold": [g.__dict__ for g in item.gold],
            "rank": rank, "top": [_brief(h.title, h.article) for h in hits[:5]],
            "refused": ans.refused, "cites_gold": any(gold_flags), "lead_gold": lead_ok, "hedged": hedge,
            "confident_wrong": (not ans.refused) and (not hedge) and not lead_ok,
            "citations": [_brief(c.title, c.article) for c in cites], "citation_exists": exists,
            "lead": next((_brief(c.title, c.article) for c in cites if c.n == lead_n), None),
            "answer_head": ans.answer[:160], "why": "；".join(why), "regime": regime, "core": u.core if u.narrative else None,
            "tags": item.tags,
        })
        if progress:
            progress("真实问题评测", n, total)
    oos_metrics, oos_rows, oos_nonexistent = _ask_out_of_scope(services, oos, label, progress, len(items), total)
    rows += oos_rows
    nonexistent += oos_nonexistent
    n_in = len(items)
    answered = n_in - refused_in
    metrics = {
        "n_in_scope": n_in,
        "n_out_of_scope": len(oos),
        "hit@1": ratio(h1, n_in),
        "hit@5": ratio(h5, n_in),
        "mrr@10": round(rr / n_in, 4) if n_in else 0.0,
        "hit@1_collector_gold": ratio(h1_collector, n_in),
        "gold_added_items": sum(any(g.added for g in it.gold) for it in items),
        "answer_cites_gold": ratio(cites_gold, n_in),
        "lead_is_gold": ratio(lead_gold, n_in),
        "confident_wrong_rate": ratio(confident_wrong, n_in),
        "confident_wrong": confident_wrong,
        "hedged_no_direct_provision": hedged,
        "false_refusals": refused_in,
        "answered": answered,
        "chat_message": f"{CHAT_GREETING}……{CHAT_CLOSING}",
        "chat_refused": chat_refused,
        "chat_changed": chat_changed,
        **oos_metrics,
        "nonexistent_citations": nonexistent,
        "retrieval_batch_ms_per_query": round(1000 * batch_s / n_in, 1) if n_in else 0.0,
        "answer_latency_p50_s": round(percentile(latencies, 50), 3),
        "by_round": by_round(rows),
    }
    return metrics, rows


def _outcome(ans: Any) -> tuple[bool, bool, tuple[str, str | None] | None]:
    """What a user sees first: refused or not, hedged or not, and the article the first sentence rests on."""
    lead_n = ans.metadata.get("answer_citation")
    lead = next(((c.title, c.article) for c in ans.citations if c.n == lead_n), None)
    return ans.refused, NO_DIRECT_FLAG in ans.flags, lead


def by_round(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The in-scope results per collection round, oldest first: the later a round, the less the product has
    been tuned on its questions, so the newest rounds show how it does on wording nobody tuned for
    (items without a round tag are left out)."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for r in rows:
        if r.get("scope") == "out":
            continue
        rnd = round_of(r.get("tags") or [])
        if rnd is not None:
            groups.setdefault(rnd, []).append(r)
    out: dict[str, dict[str, Any]] = {}
    for n in sorted(groups):
        g = groups[n]
        stated = [r for r in g if not r["refused"] and not r["hedged"]]
        wrong = sum(bool(r["confident_wrong"]) for r in g)
        out[str(n)] = {"n": len(g), "hit@1": ratio(sum(r["rank"] == 1 for r in g), len(g)),
                       "lead_is_gold": ratio(sum(bool(r["lead_gold"]) for r in g), len(g)),
                       "confident_wrong": wrong, "stated": len(stated),
                       "stated_correct": ratio(len(stated) - wrong, len(stated))}
    return out


def _ask_out_of_scope(services: Services, oos: Sequence[OOSItem], label: str, progress: Progress | None, done: int,
                      total: int) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """Ask the out-of-scope questions: (metrics, rows, non-existent citations)."""
    refused = declined = off_topic_refused = missing_declined = nonexistent = 0
    rows: list[dict[str, Any]] = []
    for m, item in enumerate(oos, done + 1):
        ans = services.qa.ask(item.question)
        hedged = NO_DIRECT_FLAG in ans.flags
        refused += ans.refused
        declined += ans.refused or hedged
        if item.off_topic:
            off_topic_refused += ans.refused
        else:
            missing_declined += ans.refused or hedged
        nonexistent += [citation_exists(c, services) for c in ans.citations].count(False)
        rows.append({
            "suite": label, "id": item.id, "question": item.question, "scope": "out", "off_topic": item.off_topic,
            "refused": ans.refused, "citations": [_brief(c.title, c.article) for c in ans.citations],
            "answer_head": ans.answer[:160], "hedged": hedged,
            "why": "" if ans.refused else "范围外问题未拒答"
                   + ("（已说明“未能确定直接回答的条文”）" if hedged else "，且未说明“未能确定直接回答的条文”"),
        })
        if progress:
            progress("真实问题评测", m, total)
    n_off = sum(o.off_topic for o in oos)
    metrics = {
        "out_of_scope_refusal_rate": ratio(refused, len(oos)),
        "out_of_scope_declined_rate": ratio(declined, len(oos)),
        # the two kinds of out-of-scope question: not about procurement law (to be refused), and about it but
        # resting on a document the knowledge base lacks (to say at least that no direct provision was found)
        "n_off_topic": n_off,
        "off_topic_refusal_rate": ratio(off_topic_refused, n_off),
        "missing_basis_declined_rate": ratio(missing_declined, len(oos) - n_off),
    }
    return metrics, rows, nonexistent


def worst(rows: list[dict[str, Any]], n: int = 10) -> list[dict[str, Any]]:
    """Failing in-scope items first (not retrieved, then confident wrong), then answered out-of-scope items."""
    ins = [r for r in rows if r.get("scope") != "out"]
    bad = [r for r in ins if r["rank"] != 1 or r["confident_wrong"] or not r["cites_gold"]]
    bad.sort(key=lambda r: (r["rank"] is not None, r["rank"] or 0, not r["confident_wrong"]))
    out = [r for r in rows if r.get("scope") == "out" and not r["refused"]]
    return [{"id": r["id"], "question": r["question"], "gold": r.get("gold"), "top": r.get("top"),
             "why": r["why"]} for r in (bad + out)[:n]]


def confident_wrong(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every in-scope answer stated on a wrong article (the most harmful failure), in item order."""
    return [{"id": r["id"], "question": r["question"], "gold": r.get("gold"), "lead": r.get("lead"),
             "why": r["why"]} for r in rows if r.get("scope") != "out" and r.get("confident_wrong")]
