"""Real-clause suite: clauses quoted in public rulings (投诉处理决定, 监督检查, 典型案例), one review each.

Every item carries the ruling's verdict (`unlawful` / `lawful`), the rule it belongs to, the
articles the ruling cites and its address. Each clause is reviewed on its own, after a first
line naming the procurement type (every real tender states it) and under the heading of the
section the ruling places it in (评分标准/资格要求/商务要求/技术要求). Scoring:

- recall: share of unlawful, undisputed items that draw a finding of the labelled rule (or an
  alternative rule) at any severity;
- basis match: of those found whose ruling names its articles, the share whose finding cites one
  of them (a ruling page cut before its articles cannot be checked and is left out);
- lawful false alarms: share of lawful, undisputed items that draw any high/medium finding.

Items marked `disputed` (authorities ruled the same wording differently) are reported apart and
never enter the headline numbers.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from assistant.config import PROJECT_ROOT
from assistant.schema import Finding, ReviewReport

DEFAULT_PATH = PROJECT_ROOT / "eval" / "real_clauses" / "real_clauses.jsonl"
_RULE = re.compile(r"T\d{2}")
_ARTICLE = re.compile(r"《([^》]+)》(第[零一二三四五六七八九十百千]+条)")
#: a ruling may write the order number into the title: 《政府采购货物和服务招标投标管理办法(财政部第87号令)》
_TITLE_NOTE = re.compile(r"[（(][^（）()]*[）)]$")
SERIOUS = ("high", "medium")


class TextReviewer(Protocol):
    def review_text(self, text: str, name: str = ..., use_llm: bool | None = ...) -> ReviewReport: ...


@dataclass(frozen=True)
class RealClause:
    id: str
    split: Literal["dev", "heldout"]
    procurement_type: Literal["工程", "政府采购"]
    verdict: Literal["unlawful", "lawful"]
    rule_id: str
    category: str
    clause: str
    url: str
    cited_articles: tuple[str, ...] = ()
    alt_rule_ids: tuple[str, ...] = ()
    disputed: bool = False
    subject: str = ""
    context: str = ""


def load(path: Path | None = None) -> list[RealClause]:
    """Read the JSON-lines set; unknown keys are kept out, missing required keys raise KeyError."""
    items: list[RealClause] = []
    for line in (path or DEFAULT_PATH).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        items.append(RealClause(
            id=d["id"], split=d["split"], procurement_type=d["procurement_type"], verdict=d["verdict"],
            rule_id=d["rule_id"], category=d["category"], clause=d["clause"], url=d["url"],
            cited_articles=tuple(d.get("cited_articles", [])), alt_rule_ids=tuple(d.get("alt_rule_ids", [])),
            disputed=bool(d.get("disputed", False)), subject=d.get("subject", ""), context=d.get("context", ""),
        ))
    return items


def head_line(item: RealClause) -> str:
    """The first line a real tender carries: the procurement type (and subject when known)."""
    if item.procurement_type == "工程":
        return "本项目为依法必须招标的工程建设项目，施工招标。"
    subject = f"（{item.subject}类）" if item.subject else ""
    return f"本项目为政府采购项目{subject}，采购人：某单位。"


# the heading a clause sits under in a real tender, from where the ruling says it was (item.context)
SECTION_HEADS = {
    "评分": "评分标准：",
    "资格": "资格要求：",
    "商务": "商务要求：",
    "技术要求": "技术要求：",
    "投标文件组成": "投标文件组成：",
}


def section_head(context: str) -> str:
    """The heading for a ruling's wording of where the clause sat (资格/资格要求/资格条件 are one section)."""
    return next((head for key, head in SECTION_HEADS.items() if context.startswith(key)), "")


def review_text(item: RealClause) -> str:
    """The clause as a tender states it: the procurement-type line, then the clause under its section heading."""
    prefix = section_head(item.context)
    return f"{head_line(item)}\n{prefix}{item.clause}"


def _rule(f: Finding) -> str:
    m = _RULE.search(f.rule_id or "")
    return m.group(0) if m else f.rule_id


def _articles(labels: Iterable[str]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for s in labels:
        for m in _ARTICLE.finditer(s):
            out.add((_TITLE_NOTE.sub("", m.group(1)).removeprefix("中华人民共和国"), m.group(2)))
    return out


def basis_matches(f: Finding, cited: Sequence[str]) -> bool:
    want = _articles(cited)
    have = {(b.title.removeprefix("中华人民共和国"), b.article or "") for b in f.basis}
    return bool(want & have)


@dataclass
class Row:
    item: RealClause
    rules: list[str]
    serious: list[str]
    found: bool
    basis_ok: bool


@dataclass
class Result:
    rows: list[Row] = field(default_factory=list)

    def metrics(self, split: str | None = None) -> dict[str, object]:
        rows = [r for r in self.rows if split is None or r.item.split == split]
        viol = [r for r in rows if r.item.verdict == "unlawful" and not r.item.disputed]
        lawful = [r for r in rows if r.item.verdict == "lawful" and not r.item.disputed]
        found = [r for r in viol if r.found]
        # the basis is checkable only where the stored ruling names its articles (some pages are cut before them)
        checkable = [r for r in found if r.item.cited_articles]
        per_cat: dict[str, dict[str, int]] = defaultdict(lambda: {"violations": 0, "found": 0, "lawful": 0, "false_alarms": 0})
        for r in rows:
            if r.item.disputed:
                continue
            c = per_cat[r.item.category]
            if r.item.verdict == "unlawful":
                c["violations"] += 1
                c["found"] += int(r.found)
            else:
                c["lawful"] += 1
                c["false_alarms"] += int(bool(r.serious))
        return {
            "items": len(rows),
            "violations": len(viol),
            "lawful": len(lawful),
            "disputed": sum(r.item.disputed for r in rows),
            "recall": round(len(found) / len(viol), 3) if viol else None,
            "basis_match": round(sum(r.basis_ok for r in checkable) / len(checkable), 3) if checkable else None,
            "basis_checkable": len(checkable),
            "lawful_false_alarm_rate": round(sum(bool(r.serious) for r in lawful) / len(lawful), 3) if lawful else None,
            "per_category": dict(per_cat),
            "disputed_items": [{"id": r.item.id, "verdict": r.item.verdict, "rules": r.rules} for r in rows if r.item.disputed],
        }


def run(reviewer: TextReviewer, items: Sequence[RealClause]) -> Result:
    res = Result()
    for it in items:
        report = reviewer.review_text(review_text(it), name=it.id, use_llm=False)
        want = {it.rule_id, *it.alt_rule_ids}
        mine = [f for f in report.findings if _rule(f) in want]
        res.rows.append(Row(
            item=it,
            rules=sorted({_rule(f) for f in report.findings}),
            serious=sorted({_rule(f) for f in report.findings if f.severity in SERIOUS}),
            found=bool(mine),
            basis_ok=any(basis_matches(f, it.cited_articles) for f in mine),
        ))
    return res


def run_suite(reviewer: TextReviewer, items: Sequence[RealClause] | None = None) -> tuple[dict[str, object], list[dict[str, object]]]:
    """The eval runner's entry: metrics per split (dev, heldout, all) and one row per item (default: the whole set)."""
    res = run(reviewer, load() if items is None else items)
    metrics: dict[str, object] = {"dev": res.metrics("dev"), "heldout": res.metrics("heldout"), "all": res.metrics(None)}
    rows: list[dict[str, object]] = [{
        "suite": "real_clauses", "id": r.item.id, "split": r.item.split, "verdict": r.item.verdict,
        "disputed": r.item.disputed, "rule_id": r.item.rule_id, "category": r.item.category, "text": r.item.clause,
        "found": r.found, "basis_ok": r.basis_ok, "rules": r.rules, "high_medium": r.serious, "url": r.item.url,
    } for r in res.rows]
    return metrics, rows
