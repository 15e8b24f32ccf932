"""`tender-assistant collusion --tender TENDER BID… [--json] [--format json|md|markdown|docx] [-o OUT]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.commands import Subparsers
from assistant.commands.report_out import (
    REPORT_JSON_HELP,
    Renderers,
    add_format_argument,
    print_json_summary,
    report_format,
    write_report,
)
from assistant.errors import InputFileError
from assistant.progress import TqdmProgress
from assistant.uploads import BID_SUFFIXES, suffixes_zh

if TYPE_CHECKING:
    from assistant.services import Services


#: the --json help cli._common gives this command
JSON_HELP = REPORT_JSON_HELP


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "collusion",
        help="投标文件雷同分析（围标串标预警）：比对同一项目的多份投标文件",
        description="扣除招标文件和范本后，比对同一项目各投标文件的相同文字、相同人员、文档属性和报价规律，"
                    "按证据强弱列出可疑投标人对，并附法律依据。认定由评标委员会和行政监督部门作出。",
    )
    p.add_argument("--tender", type=Path, required=True, metavar="招标文件", help=f"招标文件（{suffixes_zh(BID_SUFFIXES)}）")
    p.add_argument("bids", type=Path, nargs="+", metavar="投标文件",
                   help=f"投标文件（{suffixes_zh(BID_SUFFIXES)}），或存放投标文件的文件夹")
    add_format_argument(p, "Markdown 报告", "分析报告")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="输出文件", help="输出文件路径")
    return p


def collect_bids(paths: list[Path], tender: Path) -> list[Path]:

    out: list[Path] = []
    for p in paths:
        if not p.exists():
            raise InputFileError(f"找不到文件或文件夹：{p}", f"collusion: missing {p}")
        if p.is_dir():
            found = sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() in BID_SUFFIXES
                           and x.resolve() != tender.resolve() and not x.name.startswith(("~$", ".")))
            if not found:
                raise InputFileError(f"文件夹“{p}”中没有 .docx 或 .pdf 投标文件。", f"collusion: empty dir {p}")
            out += found
        else:
            out.append(p)
    return out


def run(args: argparse.Namespace, services: Services) -> int:
    from assistant.collusion.report import render_docx, render_json, render_markdown

    tender: Path = args.tender
    if not tender.exists() or not tender.is_file():
        raise InputFileError(f"找不到招标文件：{tender}", f"collusion: tender {tender} missing")
    bids = collect_bids(list(args.bids), tender)
    fmt = report_format(args)
    bar = TqdmProgress()
    try:
        report = services.collusion.analyze(tender, bids, progress=bar)
    finally:
        bar.close()
    written = write_report(report, fmt, args.output, Path.cwd() / f"{tender.stem}_投标文件雷同分析报告.docx",
                           Renderers(render_docx, render_json, render_markdown), "分析报告已保存", "分析报告已保存")
    high = sum(p.risk == "high" for p in report.pairs)
    print(f"分析完成：{len(report.bids)} 份投标文件，高风险 {high} 对，共 {len(report.pairs)} 对有共同线索。"
          "认定由评标委员会和行政监督部门依法作出。", file=sys.stderr)
    print_json_summary(args, written, {"file": str(tender), "format": fmt, "counts": {
        "bids": len(report.bids), "pairs": len(report.pairs), "high": high}, "exit_status": 0})
    return 0
