"""Build the real-question sets from what practitioners asked and an authority answered.

Sources (nothing here was written by this team; see eval/real/README.md):
- ../shared/datasets/practitioner_qa.json (问/答/法律依据), converted with the project converter;
- eval/real/collected_raw.tsv: questions collected with the `search` tool, each with the address
  of the page and the article the answer names (or, marked ``inferred``, whose text the answer
  quotes);
- eval/real/refusal_raw.tsv: real questions the knowledge base cannot answer;
- eval/real/relabelled.tsv: refusal rows whose question the knowledge base does answer (the article
  is named there with the reason); they keep their ``real-out-NNN`` id and join the in-scope part.
- eval/real/gold_additions.tsv: articles that answer an item's question as directly as the collector's
  gold; each is appended to the item's gold with ``added`` (the reason).

Every gold article is looked up in a built knowledge base (``--data-dir``, built from the default
documents plus ../shared/corpus/regulations) and the item is kept only when the article exists;
its first characters are stored in ``gold_text_head`` so a reviewer can check that it says what
the answer says. Items are split deterministically (hash of the question) into a development part
(eval/dev/real_qa_dev.jsonl, for tuning) and a held-out part (eval/datasets/real_qa.jsonl, never
tuned on); the rows of a round in ``DEV_ONLY_ROUNDS`` (seen answered before they were added) all go to development.

    python eval/real/build_real_qa.py --data-dir DATA [--practitioner ../shared/datasets/practitioner_qa.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent

#: fraction of items that go to the development part
DEV_SHARE = 0.5


#: collection rounds whose questions were put to the assistant before they were added (round 13: real questions
#: collected as probes, their answers read while looking for failures); none of them can be held out
DEV_ONLY_ROUNDS = frozenset({13})


def _dev(question: str, rnd: int = 0) -> bool:
    if rnd in DEV_ONLY_ROUNDS:
        return True
    h = int(hashlib.sha1(question.encode("utf-8")).hexdigest()[:8], 16)
    return (h % 1000) < DEV_SHARE * 1000


def _regime(gold: list[dict[str, str]]) -> str:
    titles = " ".join(g["title"] for g in gold)
    if ("招标投标" in titles and "政府采购" not in titles) or "必须招标" in titles:
        return "工程招标"
    return "政府采购"


_ROUND = re.compile(r"^#\s*round\s+(\d+)\b")


def _rows(path: Path) -> list[list[str]]:
    return [row for _round, row in _rounds_and_rows(path)]


def _rounds_and_rows(path: Path) -> list[tuple[int, list[str]]]:
    """The data rows of a TSV with the collection round each belongs to (the last 「# round N」 line above it;
    0 before any)."""
    out = []
    current = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := _ROUND.match(line):
            current = int(m.group(1))
        if not line.strip() or line.startswith("#"):
            continue
        out.append((current, line.split("\t")))
    return out


def build(data_dir: Path, practitioner: Path) -> dict[str, Any]:  # noqa: C901 - one pass over the source sets
    sys.path.insert(0, str(ROOT))
    from assistant.config import Settings
    from assistant.evaluation.convert import convert_practitioner, map_title
    from assistant.evaluation.datasets import round_of, round_tag
    from assistant.services import Services
    from assistant.text_zh import parse_article_no

    services = Services(Settings(data_dir=data_dir))
    kb = services.kb

    def head(title: str, article: str) -> str | None:
        no = parse_article_no(article)
        chunk = kb.get_article(title, no) if no else None
        return chunk.text[:60].replace("\n", " ") if chunk is not None else None

    items: list[dict[str, Any]] = []
    dropped: list[dict[str, Any]] = []
    prac, summary = convert_practitioner(practitioner, kb)
    for it in prac:
        heads = [head(g["title"], g["article"]) for g in it["gold"]]
        if any(h is None for h in heads):
            dropped.append({"id": it["id"], "question": it["question"], "why": "gold article not in the knowledge base",
                            "gold": it["gold"]})
            continue
        it.update(regime=_regime(it["gold"]), basis="named", source="practitioner_qa.json (EthanLiu6/BidMasterV2 processed_data/QA)",
                  url="https://github.com/EthanLiu6/BidMasterV2/blob/53137f0c11a3939f0b54f344c84b87caf5ecc04f/processed_data/QA/QA_with_legal_basis.json",
                  gold_text_head=heads)
        it["tags"] = [*sorted(set(it["tags"]) | {"real"}), round_tag(0)]
        items.append(it)

    seen = {it["question"] for it in items}
    for n, (rnd, row) in enumerate(_rounds_and_rows(HERE / "collected_raw.tsv"), 1):
        question, docs, arts, regime, basis, url, source = (row + [""] * 7)[:7]
        if question in seen:
            continue
        doc_list = docs.split("|")
        art_list = arts.split("|")
        if len(doc_list) == 1 and len(art_list) > 1:
            doc_list = doc_list * len(art_list)
        gold = []
        for d, a in zip(doc_list, art_list, strict=False):
            title, _found = map_title(d, kb)
            gold.append({"title": title, "article": a})
        heads = [head(g["title"], g["article"]) for g in gold]
        rec = {"id": f"real-{n:03d}", "question": question, "gold": gold, "gold_passages": [], "doc_type": "实务问答",
               "tags": ["real", "collected"] + (["multi-source"] if len(gold) > 1 else []) + [round_tag(rnd)],
               "regime": regime,
               "basis": "named" if basis == "yes" else "inferred", "url": url, "source": source,
               "gold_text_head": heads, "note": f"{source}; 依据 {docs} {arts}"}
        if any(h is None for h in heads):
            dropped.append({"id": rec["id"], "question": question, "why": "gold article not in the knowledge base", "gold": gold})
            continue
        seen.add(question)
        items.append(rec)

    def checked_gold(item_id: str, docs: str, arts: str) -> tuple[list[dict[str, str]], list[str]]:
        """Gold entries for 「doc1|doc2」「art1|art2」 of relabelled.tsv / gold_additions.tsv, and their heads;
        an article the knowledge base lacks stops the build."""
        gold = [{"title": map_title(d, kb)[0], "article": a} for d, a in zip(docs.split("|"), arts.split("|"), strict=True)]
        heads = [head(g["title"], g["article"]) for g in gold]
        missing = [f"{g['title']}{g['article']}" for g, h in zip(gold, heads, strict=True) if h is None]
        if missing:
            raise SystemExit(f"{item_id}: gold {'、'.join(missing)} is not in the knowledge base")
        return gold, [h for h in heads if h is not None]

    relabelled = {row[0]: row[1:] for row in _rows(HERE / "relabelled.tsv")}
    refusals: list[dict[str, Any]] = []
    for n, (rnd, row) in enumerate(_rounds_and_rows(HERE / "refusal_raw.tsv"), 1):
        question, why, url = (row + [""] * 3)[:3]
        rid = f"real-out-{n:03d}"
        if rid in relabelled:
            docs, arts, regime, reason = (relabelled.pop(rid) + [""] * 4)[:4]
            gold, gold_heads = checked_gold(rid, docs, arts)
            items.append({"id": rid, "question": question, "gold": gold, "gold_passages": [], "doc_type": "实务问答",
                          "tags": ["real", "relabelled", round_tag(rnd)], "regime": regime, "basis": "relabelled", "url": url,
                          "source": "refusal_raw.tsv (relabelled)", "gold_text_head": gold_heads,
                          "note": f"relabelled: {reason}; was out of scope: {why}"})
            continue
        refusals.append({"id": rid, "question": question, "category": "real", "scope": "out",
                         "why": why, "url": url, "round": rnd})
    if relabelled:
        raise SystemExit(f"relabelled.tsv names refusals that do not exist: {sorted(relabelled)}")

    additions: dict[str, list[str]] = {row[0]: row[1:] for row in _rows(HERE / "gold_additions.tsv")}
    for it in items:
        if it["id"] not in additions:
            continue
        docs, arts, reason = (additions.pop(it["id"]) + [""] * 3)[:3]
        gold, gold_heads = checked_gold(it["id"], docs, arts)
        it["gold"] += [{**g, "added": reason} for g in gold]
        it["gold_text_head"] += gold_heads
    if additions:
        raise SystemExit(f"gold_additions.tsv names items that do not exist: {sorted(additions)}")

    def in_dev(it: dict[str, Any]) -> bool:
        return _dev(it["question"], it["round"] if "round" in it else (round_of(it["tags"]) or 0))

    dev = [it for it in items if in_dev(it)]
    held = [it for it in items if not in_dev(it)]
    rdev = [it for it in refusals if in_dev(it)]
    rheld = [it for it in refusals if not in_dev(it)]

    def write(path: Path, rows: list[dict[str, Any]]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")

    write(ROOT / "eval/dev/real_qa_dev.jsonl", dev)
    write(ROOT / "eval/datasets/real_qa.jsonl", held)
    write(ROOT / "eval/dev/real_out_of_scope_dev.jsonl", rdev)
    write(ROOT / "eval/datasets/real_out_of_scope.jsonl", rheld)
    write(HERE / "dropped.jsonl", dropped)
    return {"in_scope": len(items), "dev": len(dev), "held_out": len(held), "refusal_dev": len(rdev),
            "refusal_held_out": len(rheld), "dropped": len(dropped), "practitioner_summary": summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--practitioner", type=Path, default=ROOT.parent / "shared/datasets/practitioner_qa.json")
    args = ap.parse_args()
    print(json.dumps(build(args.data_dir, args.practitioner), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
