"""Review probes: single clauses written apart from the rules, to see whether the rules generalise.

Each line of a probe file is ``expected<TAB>regime<TAB>clause<TAB>why``: the rule the clause
violates (``-`` for a lawful look-alike), 政府采购 or 工程, the clause (``\\n`` for a line break, ``\\t`` for a tab) and
a short reason. The clauses were written by helpers that saw the rule ids and categories but
neither the rules' patterns nor their examples (see README.md here). Every clause is reviewed on
its own after a first line naming the procurement type, rules only (no LLM); a 政府采购 clause naming its
own method (竞争性磋商, 谈判, 询价, 单一来源) gets a first line that names no method.

- found: the violating clause draws a finding of the expected rule (any severity);
- lawful false alarms: the lawful clause draws a high/medium finding (T45, the whole-document SME
  reservation check, is left out: a single clause with a budget but no reservation statement is not
  a tender);
- the misses are listed.

    python eval/review_probes/run.py --data-dir DATA [--file eval/review_probes/dev.tsv]

``dev.tsv`` was used to develop the rules; ``dev2.tsv`` was the held-out set until its one run
(2026-12-01) and is used for development since; ``heldout.tsv`` was written afterwards by a third
helper and is not used to decide a change; ``dev3.tsv``, by a fourth, was run once as a held-out set and
is used for development since; ``heldout4.tsv``, by a fifth, and ``dev5.tsv``, by a sixth, were each run
once as held-out sets and are used for development since; ``heldout6.tsv``, by a seventh, is run once
(README.md here has every run). Findings of the exemplar step (source
``exemplar``, low confidence) count as found and are reported apart.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assistant.evaluation.clause_heads import GOV_ANY, HEADS, head  # noqa: E402

__all__ = ["GOV_ANY", "HEADS", "head", "main"]

#: whole-document checks that a single clause cannot satisfy
DOCUMENT_LEVEL = {"T45"}


def main(argv: list[str] | None = None) -> int:
    from assistant.config import get_settings
    from assistant.services import Services

    ap = argparse.ArgumentParser(description="审查探针：逐条审查独立编写的条款，统计命中与误报")
    ap.add_argument("--data-dir", type=Path, default=None, help="知识库数据目录")
    ap.add_argument("--file", type=Path, default=Path(__file__).with_name("dev.tsv"), help="探针文件（TSV）")
    args = ap.parse_args(argv)
    try:
        lines = args.file.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        print(f"错误：无法读取探针文件 {args.file}（{exc}）", file=sys.stderr)
        return 1
    bad = [n for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")
           and (len(line.split("\t")) < 3 or line.split("\t")[1].strip() not in HEADS)]
    if bad:
        print(f"错误：探针文件 {args.file} 第 {'、'.join(map(str, bad[:10]))} 行格式不对：每行应为"
              f"「期望规则<TAB>制度（{'/'.join(HEADS)}）<TAB>条款<TAB>理由」", file=sys.stderr)
        return 1
    reviewer = Services(get_settings(data_dir=args.data_dir)).reviewer
    stat: Counter[str] = Counter()
    misses: list[str] = []
    for n, line in enumerate(lines, 1):
        parts = line.split("\t")
        if not line.strip() or line.startswith("#"):
            continue
        expected, regime, clause = parts[0].strip(), parts[1].strip(), parts[2]
        text = clause.replace("\\n", "\n").replace("\\t", "\t")  # a pasted table's cells are apart by tabs
        report = reviewer.review_text(head(regime, clause) + text, use_llm=False)
        got = [(f.rule_id, f.severity) for f in report.findings]
        similar = {f.rule_id for f in report.findings if f.source == "exemplar"}
        if expected == "-":
            ok = not [g for g in got if g[1] in ("high", "medium") and g[0] not in DOCUMENT_LEVEL]
            stat["lawful"] += 1
            stat["false_alarms"] += not ok
            stat["lawful_similar"] += bool(similar)
        else:
            ok = any(rule == expected for rule, _ in got)
            stat["violations"] += 1
            stat["found"] += ok
            stat["found_similar"] += ok and not any(r == expected for r, _ in got if r not in similar)
        if not ok:
            misses.append(f"  第{n}行 期望 {expected}（{regime}）：{clause[:70]}  →  {got[:3] or '无发现'}")
    v, law = stat["violations"], stat["lawful"]
    print(f"探针文件：{args.file}")
    print(f"违规条款 {v} 条，命中 {stat['found']} 条（召回 {stat['found'] / v:.1%}；"
          f"其中仅由示例相似度发现 {stat['found_similar']} 条）" if v else "无违规条款")
    print(f"合规条款 {law} 条，高/中风险误报 {stat['false_alarms']} 条（{stat['false_alarms'] / law:.1%}）；"
          f"示例相似度低置信候选 {stat['lawful_similar']} 条" if law else "无合规条款")
    if misses:
        print("未通过：")
        print("\n".join(misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
