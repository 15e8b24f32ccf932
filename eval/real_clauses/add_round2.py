"""Append the collected clauses (round 2: R201…R234, round 4: R235…, round 6: R401…) to real_clauses.jsonl:
dedupe, label, split.

    python eval/real_clauses/add_round2.py /work/collect   # writes real_clauses.jsonl in place

Inputs are the collectors' files (clauses_gp.jsonl, clauses_eng.jsonl, clauses_r2.jsonl; round 4:
r4/clauses_a.jsonl, r4/clauses_b.jsonl, whose query logs are copied to SOURCES_R2xx.md; round 6:
round6/a.jsonl … round6/h.jsonl, summarised in SOURCES_R401-R416.md), each line a clause copied verbatim
from a public ruling with its address (round 6 lines also keep the search excerpt they were read from).
This script:

- drops clauses already in the set or seen earlier in the inputs (compared on letters and digits only);
- numbers the rest R201, R202 … (round 6: R401, R402 …) in input order;
- sets the expected rule (and alternatives) from LABELS below, written by reading each ruling's
  reasons in the collector's note (never from the product's output);
- assigns the split by hash, fixed before any product output is seen:
  int(sha1(clause).hexdigest(), 16) % 5 < 3 -> dev, else heldout.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SET = HERE / "real_clauses.jsonl"
INPUTS = ("clauses_gp.jsonl", "clauses_eng.jsonl", "clauses_r2.jsonl", "r4/clauses_a.jsonl", "r4/clauses_b.jsonl",
          *(f"round6/{c}.jsonl" for c in "acdefgh"))
#: id numbering per round: round 6 (2026-12-02) items are R401, R402 …
_FIRST_ID = {"round6/": 400}

# (file, 0-based line) -> rule_id, alt_rule_ids, category (normalised so lawful look-alikes sit with
# their unlawful counterparts), and overrides where the collector's fields need it
LABELS: dict[tuple[str, int], dict[str, object]] = {
    ("clauses_gp.jsonl", 0): {"rule_id": "T24", "alt": ["T27"], "category": "成立年限（变相）"},
    ("clauses_gp.jsonl", 1): {"rule_id": "T24", "alt": ["T27"], "category": "成立年限（变相）"},
    ("clauses_gp.jsonl", 2): {"rule_id": "T27", "alt": ["T24"], "category": "成立年限（变相）"},
    ("clauses_gp.jsonl", 3): {"rule_id": "T25", "alt": ["T22"], "category": "特定金额业绩"},
    ("clauses_gp.jsonl", 4): {"rule_id": "T34", "alt": ["T35"], "category": "技术参数指向特定品牌"},
    ("clauses_gp.jsonl", 5): {"rule_id": "T24", "alt": ["T27"], "category": "成立年限（变相）"},
    ("clauses_gp.jsonl", 6): {"rule_id": "T24", "alt": ["T27"], "category": "成立年限（变相）"},
    ("clauses_gp.jsonl", 7): {"rule_id": "T27", "alt": ["T24"], "category": "信用评级评分"},
    ("clauses_gp.jsonl", 8): {"rule_id": "T22", "alt": [], "category": "特定行业业绩"},
    **{("clauses_gp.jsonl", i): {"rule_id": "T35", "alt": ["T34"], "category": "技术参数指向特定品牌"} for i in range(9, 19)},
    ("clauses_gp.jsonl", 19): {"rule_id": "T38", "alt": [], "category": "评审因素未量化"},
    ("clauses_gp.jsonl", 20): {"rule_id": "T26", "alt": ["T27", "T24"], "category": "人员或资质证书评分", "context": "",
                               "why": "同一决定的另一份摘录未写明该要求是资格还是评分，情境留空"},
    ("clauses_gp.jsonl", 21): {"rule_id": "T27", "alt": ["T26", "T24"], "category": "人员或资质证书评分"},
    ("clauses_gp.jsonl", 22): {"rule_id": "T26", "alt": ["T27", "T24"], "category": "人员或资质证书评分"},
    ("clauses_gp.jsonl", 23): {"rule_id": "T26", "alt": ["T27", "T24"], "category": "人员或资质证书评分"},
    ("clauses_gp.jsonl", 24): {"rule_id": "T38", "alt": [], "category": "评审因素未量化", "disputed": True,
                               "why": "公告只列出评审因素名称，未载评分细则，也未写成立理由；条款不完整，不计入主指标"},
    ("clauses_eng.jsonl", 0): {"rule_id": "T26", "alt": ["T27"], "category": "资质要求与项目不相适应"},
    ("clauses_eng.jsonl", 3): {"rule_id": "T52", "alt": ["T29"], "category": "强制现场踏勘", "context": "投标文件组成"},
    ("clauses_r2.jsonl", 0): {"rule_id": "T34", "alt": ["T35"], "category": "品牌指定", "procurement_type": "工程"},
    ("clauses_r2.jsonl", 1): {"rule_id": "T26", "alt": ["T27", "T39"], "category": "人员或资质证书评分", "subject": "服务"},
    ("clauses_r2.jsonl", 2): {"rule_id": "T22", "alt": ["T25"], "category": "特定行业业绩", "subject": "服务"},
    ("clauses_r2.jsonl", 3): {"rule_id": "T38", "alt": [], "category": "评审因素与需求不对应", "subject": "服务"},
    ("clauses_r2.jsonl", 4): {"rule_id": "T22", "alt": ["T25"], "category": "特定行业业绩"},
    ("clauses_r2.jsonl", 5): {"rule_id": "T27", "alt": ["T22", "T38"], "category": "荣誉奖项评分"},
    ("clauses_r2.jsonl", 6): {"rule_id": "T38", "alt": ["T26"], "category": "评审因素与需求不对应"},
    # round 4 (2026-12-01)
    ("r4/clauses_a.jsonl", 0): {"rule_id": "T22", "alt": ["T25"], "category": "特定行业业绩"},
    ("r4/clauses_a.jsonl", 1): {"rule_id": "T22", "alt": ["T21"], "category": "特定行业业绩"},
    ("r4/clauses_a.jsonl", 2): {"rule_id": "T29", "alt": ["T27", "T26"], "category": "资质要求"},
    ("r4/clauses_a.jsonl", 3): {"rule_id": "T27", "alt": ["T26", "T36"], "category": "人员或资质证书评分"},
    ("r4/clauses_a.jsonl", 4): {"rule_id": "T26", "alt": ["T24", "T27"], "category": "资质要求与项目不相适应"},
    ("r4/clauses_b.jsonl", 0): {"rule_id": "T21", "alt": [], "category": "地域限制"},
    ("r4/clauses_b.jsonl", 1): {"rule_id": "T21", "alt": [], "category": "地域限制", "clause": "注册地在晋安区行政辖区的企业",
                                "why": "页面为繁体字转载站（原文「注冊地在晉安區行政轄區的企業」），此处逐字转为简体"},
    # round 6 (2026-12-02); logs in SOURCES_R401-R416.md
    ("round6/a.jsonl", 0): {"rule_id": "T27", "alt": ["T24", "T26"], "category": "人员或资质证书评分"},
    ("round6/a.jsonl", 1): {"rule_id": "T27", "alt": ["T21", "T26"], "category": "人员或资质证书评分"},
    ("round6/a.jsonl", 2): {"rule_id": "T21", "alt": ["T31"], "category": "地域限制"},
    ("round6/a.jsonl", 3): {"rule_id": "T22", "alt": ["T27", "T38"], "category": "荣誉奖项评分"},
    ("round6/c.jsonl", 0): {"rule_id": "T27", "alt": ["T26"], "category": "人员或资质证书评分"},
    ("round6/d.jsonl", 0): {"rule_id": "T48", "alt": [], "category": "兼投不兼中"},
    ("round6/d.jsonl", 1): {"rule_id": "T22", "alt": ["T25"], "category": "特定行业业绩"},
    ("round6/d.jsonl", 2): {"rule_id": "T34", "alt": ["T24", "T35", "T38"], "category": "品牌指定"},
    ("round6/d.jsonl", 3): {"rule_id": "T22", "alt": ["T21"], "category": "特定地区业绩"},
    ("round6/d.jsonl", 4): {"rule_id": "T22", "alt": ["T21"], "category": "特定地区业绩"},
    ("round6/d.jsonl", 5): {"rule_id": "T49", "alt": ["T35"], "category": "交货期"},
    ("round6/d.jsonl", 6): {"rule_id": "T35", "alt": ["T34", "T28"], "category": "技术参数指向特定品牌"},
    ("round6/e.jsonl", 0): {"rule_id": "T29", "alt": ["T21"], "category": "入库名录", "disputed": True,
                            "why": "盐城市财政局以缺乏事实依据驳回，决定未载理由；以本地入库供应商身份加分与财库〔2019〕38号"
                                   "（不得以备选库、名录库、资格库作为参与条件）相抵触，其他地区的裁决多认定违法：保留分歧，不计入主指标"},
    ("round6/e.jsonl", 1): {"rule_id": "T21", "alt": ["T31"], "category": "地域限制",
                            "why": "出处为网上商城供应商征集公告的准入条件（不是单个项目的招标文件），裁决为财政局公平竞争清理结论"},
    ("round6/f.jsonl", 0): {"rule_id": "T21", "alt": ["T31", "T24"], "category": "地域限制",
                            "why": "报道称光明区财政局判定项目违法、投诉主要涉及此评分项；财政局的具体理由不在存储页面内"},
    ("round6/h.jsonl", 0): {"rule_id": "T21", "alt": [], "category": "地域限制"},
}
_PTYPE = {"依法必须招标的工程": "工程", "工程招标": "工程"}
_SUBJECT = {"监理": "服务"}
_CONTEXT = {"其他": ""}


def norm(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def split_of(clause: str) -> str:
    return "dev" if int(hashlib.sha1(clause.encode("utf-8")).hexdigest(), 16) % 5 < 3 else "heldout"


def build(folder: Path, existing: list[dict[str, object]]) -> tuple[list[dict[str, object]], list[str]]:
    seen = {norm(str(d["clause"])) for d in existing}
    numbers = [int(str(d["id"])[1:]) for d in existing]
    out: list[dict[str, object]] = []
    skipped: list[str] = []
    for name in INPUTS:
        path = folder / name
        if not path.exists():
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            d = json.loads(line)
            lab = LABELS.get((name, i))
            if lab is not None and lab.get("clause"):
                d["clause"] = lab["clause"]
            key = norm(d["clause"])
            if key in seen:
                skipped.append(f"{name}:{i} duplicate")
                continue
            if lab is None:
                skipped.append(f"{name}:{i} not labelled yet")
                continue
            seen.add(key)
            first = next((v for k, v in _FIRST_ID.items() if name.startswith(k)), 200)
            n = max((x for x in numbers if first < x < first + 100), default=first) + 1
            numbers.append(n)
            disputed = bool(lab.get("disputed", d.get("disputed", False)))
            item: dict[str, object] = {
                "id": f"R{n}", "split": split_of(d["clause"]),
                "procurement_type": lab.get("procurement_type", _PTYPE.get(d["procurement_type"], d["procurement_type"])),
                "subject": lab.get("subject", _SUBJECT.get(d["subject"], d["subject"])),
                "verdict": d["verdict"], "disputed": disputed,
                "rule_id": lab["rule_id"], "alt_rule_ids": lab["alt"], "category": lab["category"],
                "clause": d["clause"], "context": lab.get("context", _CONTEXT.get(d["context"], d["context"])),
                "cited_articles": d["cited_articles"], "authority": d["authority"], "url": d["url"],
                "note": d["note"], "query": d.get("query", ""), "source_file": f"{name}:{i}",
                **({"excerpt": d["excerpt"]} if d.get("excerpt") else {}),
            }
            if lab.get("why"):
                item["dispute_note" if disputed else "label_note"] = lab["why"]
            out.append(item)
    return out, skipped


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/collect")
    lines = [x for x in SET.read_text(encoding="utf-8").splitlines() if x.strip()]
    existing = [json.loads(x) for x in lines]
    new, skipped = build(folder, existing)
    with SET.open("a", encoding="utf-8") as fh:
        for item in new:
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")
    print(f"added {len(new)}: " + ", ".join(f"{d['id']}({d['split']})" for d in new))
    for s in skipped:
        print("skipped", s)


if __name__ == "__main__":
    main()
