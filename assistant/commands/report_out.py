"""Where a command's report goes (`review`, `collusion`): the format from `--format` or from the
output file's suffix; DOCX is always a file, JSON and Markdown go to the file or to stdout.

`--json` keeps its contract (JSON on stdout): without a file the report itself, as JSON; when the
report goes to a file (`-o`, or DOCX), a short JSON summary naming that file; a Markdown report to
stdout cannot also be JSON, so `--json --format md` without `-o` is refused before any work."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

from assistant.errors import UserError

_SUFFIX_FORMAT = {".json": "json", ".md": "md", ".markdown": "md", ".docx": "docx"}
#: `--format` values; "markdown" is another name for "md"
FORMAT_CHOICES = ("json", "md", "markdown", "docx")
_FORMAT_ALIASES = {"markdown": "md"}
#: `--json` of the report commands, replacing the generic help of cli._common
REPORT_JSON_HELP = ("机器可读输出：未指定输出文件时报告以 JSON 写到标准输出；报告写入文件时（-o 或 docx 格式），"
             "标准输出给出 JSON 摘要（输入文件、输出文件、格式、数量、退出码）")


class Renderers(NamedTuple):
    docx: Callable[[Any, Path], object]
    json: Callable[[Any], str]
    markdown: Callable[[Any], str]


def add_format_argument(parser: argparse.ArgumentParser, what_md: str, what_docx: str) -> None:
    """`--format json|md|markdown|docx` of the report commands (`review`, `collusion`)."""
    parser.add_argument("--format", choices=FORMAT_CHOICES, default=None, metavar="格式",
                        help=f"输出格式：json（默认，写到标准输出）、md 或 markdown（{what_md}）、docx（{what_docx}）；"
                             "不写时按输出文件的扩展名判断")


def report_format(args: argparse.Namespace) -> str:
    """The report format, checked against `--json` (see the module docstring)."""
    fmt = _report_format(args)
    if getattr(args, "json", False) and fmt == "md" and args.output is None:
        raise UserError("--json 表示标准输出为 JSON，不能同时把 Markdown 报告写到标准输出；"
                        "请用 -o 指定 Markdown 报告的文件，或去掉 --format md。",
                        "report_format: --json with markdown on stdout")
    return fmt


def _report_format(args: argparse.Namespace) -> str:
    """`--format` (markdown read as md), else the output file's suffix (.json / .md / .docx), else json.

    An output file whose suffix names no format (out.html) is an error before any work is done:
    writing JSON into out.html would leave the user a file that no browser shows as a report.
    """
    if args.format:
        return _FORMAT_ALIASES.get(str(args.format), str(args.format))
    if args.output is not None:
        suffix = args.output.suffix.lower()
        if suffix not in _SUFFIX_FORMAT:
            supported = "、".join(_SUFFIX_FORMAT)
            what = f"不支持扩展名“{args.output.suffix}”" if suffix else "文件名没有扩展名"
            raise UserError(
                f"无法按输出文件“{args.output}”判断报告格式（{what}）。"
                f"支持的扩展名：{supported}；也可以用 --format json、md 或 docx 指定格式。",
                f"report_format: unsupported output suffix {suffix!r}",
            )
        return _SUFFIX_FORMAT[suffix]
    return "json"


def write_report(report: Any, fmt: str, output: Path | None, default_docx: Path, render: Renderers,
                 saved_docx: str, saved_text: str) -> Path | None:
    """Render and write; `saved_docx` / `saved_text` name the saved file for the user (「审查意见书已保存」).

    Returns the file written, or None when the report went to stdout.
    """
    if fmt == "docx":
        out = output or default_docx
        render.docx(report, out)
        print(f"{saved_docx}：{out}", file=sys.stderr)
        return out
    text = render.json(report) if fmt == "json" else render.markdown(report)
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text + "\n", encoding="utf-8")
        print(f"{saved_text}：{output}", file=sys.stderr)
        return output
    sys.stdout.write(text + "\n")
    return None


def print_json_summary(args: argparse.Namespace, written: Path | None, summary: dict[str, Any]) -> None:
    """With `--json`, a report written to a file is named on stdout as one JSON object (the module docstring)."""
    if getattr(args, "json", False) and written is not None:
        file, rest = summary["file"], {k: v for k, v in summary.items() if k != "file"}
        sys.stdout.write(json.dumps({"file": file, "output": str(written), **rest}, ensure_ascii=False) + "\n")
