"""`tender-assistant review FILE [--format json|md|docx] [-o OUT] [--fail-on LEVEL] [--no-llm]`."""

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
from assistant.errors import InputFileError, NotATenderError
from assistant.progress import TqdmProgress
from assistant.schema import SEVERITY_ORDER, SEVERITY_ZH
from assistant.uploads import REVIEW_SUFFIXES, suffixes_zh

if TYPE_CHECKING:
    from assistant.schema import ReviewReport
    from assistant.services import Services


#: the --json help cli._common gives this command
JSON_HELP = REPORT_JSON_HELP


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "review",
        help="招标文件风险审查：列出风险条款、位置、法律依据与修改建议",
        description=f"审查招标文件（{suffixes_zh(REVIEW_SUFFIXES)}），输出风险条款及其位置、违反的审查要点、法律依据条文和修改建议。",
    )
    p.add_argument("file", type=Path, metavar="招标文件", help=f"招标文件路径（{suffixes_zh(REVIEW_SUFFIXES)}）")
    add_format_argument(p, "Markdown 报告", "审查意见书")
    p.add_argument("-o", "--output", type=Path, default=None, metavar="输出文件", help="输出文件路径（docx 格式必填或默认写到当前目录）")
    p.add_argument("--fail-on", choices=["high", "medium", "low"], default=None,
                   help="存在该等级及以上风险时以退出码 3 结束（用于发布前把关）")
    p.add_argument("--allow-unknown", action="store_true",
                   help="配合 --fail-on：高风险审查要点“无法判断”时不视为失败（默认视为失败）")
    p.add_argument("--force", action="store_true",
                   help="文件看起来不是招标文件时仍然审查（报告开头会注明）")
    p.add_argument("--no-llm", action="store_true", help="只做规则审查，不调用大模型")
    return p


def run(args: argparse.Namespace, services: Services) -> int:
    from assistant.review.report import render_docx, render_json, render_markdown

    path: Path = args.file
    if not path.exists():
        raise InputFileError(f"找不到文件：{path}", f"review: {path} does not exist")
    if path.is_dir():
        raise InputFileError(f"“{path}”是一个文件夹，请指定要审查的招标文件。", f"review: {path} is a directory")
    fmt = report_format(args)
    bar = TqdmProgress()
    try:
        report = services.reviewer.review(path, progress=bar, use_llm=False if args.no_llm else None,
                                          force=bool(getattr(args, "force", False)))
    except NotATenderError as exc:
        raise exc.with_hint("如确需审查，请加上 --force 参数重新运行。") from None
    finally:
        bar.close()

    written = write_report(report, fmt, args.output, Path.cwd() / f"{path.stem}_审查意见书.docx",
                           Renderers(render_docx, render_json, render_markdown), "审查意见书已保存", "审查报告已保存")
    _print_summary(report)
    code = _gate(report, args)
    print_json_summary(args, written, {"file": str(path), "format": fmt, "counts": {
        "total": report.summary.get("total", 0), **report.summary.get("by_severity", {})}, "exit_status": code})
    return code


def _print_summary(report: ReviewReport) -> None:
    from assistant.review.report import checklist_counts_zh, ocr_line

    s = report.summary.get("by_severity", {})
    if report.notice:
        print(report.notice, file=sys.stderr)
    print(f"审查完成：风险 {report.summary.get('total', 0)} 项（高 {s.get('high', 0)}，中 {s.get('medium', 0)}，低 {s.get('low', 0)}）；"
          f"审查要点 {len(report.checklist)} 项：{checklist_counts_zh(report)}。", file=sys.stderr)
    scanned = ocr_line(report)
    if scanned:
        print(scanned, file=sys.stderr)


def _gate(report: ReviewReport, args: argparse.Namespace) -> int:
    """`--fail-on`: exit 3 on findings at or above the level, or on a high point that could not be checked."""
    if not args.fail_on:
        return 0
    limit = SEVERITY_ORDER[args.fail_on]
    if any(SEVERITY_ORDER[f.severity] <= limit for f in report.findings):
        print(f"存在“{SEVERITY_ZH[args.fail_on]}”及以上等级的风险，退出码 3。", file=sys.stderr)
        return 3
    unknown = [i for i in report.checklist if i.status == "无法判断" and i.severity == "high"]
    if unknown and not args.allow_unknown:
        names = "、".join(f"{i.rule_id} {i.category}" for i in unknown)
        print(f"高风险审查要点无法判断：{names}（所需信息未在文件中找到），退出码 3；"
              "人工核对后可加 --allow-unknown 放行。", file=sys.stderr)
        return 3
    return 0
