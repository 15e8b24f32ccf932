"""`tender-assistant` command line (also `python -m assistant`).

Contract (../shared/ARCHITECTURE.md): every command takes `--json` and `--data-dir`; exit 0 ok,
1 bad input (Chinese message on stderr, nothing written), 3 for `review --fail-on` hits.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from assistant.commands import COMMAND_MODULES
from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.config import Settings

log = logging.getLogger("assistant.cli")


_ARGPARSE_ZH = [
    (re.compile(r"argument (\S+): invalid int value: '(.*)'"), "参数 {0} 需要整数，收到「{1}」"),
    (re.compile(r"argument (\S+): invalid float value: '(.*)'"), "参数 {0} 需要数字，收到「{1}」"),
    (re.compile(r"argument (\S+): invalid (\w+) value: '(.*)'"), "参数 {0} 的值「{2}」无效"),
    (re.compile(r"argument (\S+): invalid choice: '(.*)' \(choose from (.*)\)"), "参数 {0} 的值「{1}」无效，可选：{2}"),
    (re.compile(r"argument (\S+): expected one argument"), "参数 {0} 缺少取值"),
    (re.compile(r"the following arguments are required: (.*)"), "缺少必填参数：{0}"),
    (re.compile(r"unrecognized arguments: (.*)"), "无法识别的参数：{0}"),
]


class ChineseArgumentParser(argparse.ArgumentParser):
    """argparse with its usage errors in Chinese and exit code 1 (bad input, per the CLI contract)."""

    def error(self, message: str) -> NoReturn:
        text = message
        for pattern, template in _ARGPARSE_ZH:
            m = pattern.fullmatch(message)
            if m:
                text = template.format(*m.groups())
                break
        log.info("argparse error: %s", message)
        self.print_usage(sys.stderr)
        print(f"错误：{text}。查看用法：{self.prog} --help", file=sys.stderr)
        raise SystemExit(1)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="机器可读输出（JSON，写到标准输出）")
    parser.add_argument("--data-dir", type=Path, default=None, help="索引与上传文件所在目录（默认 ./data）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="tender-assistant",
        description="招投标审查助手：政策问答（带条文引用）与招标文件风险审查",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"assistant.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not installed in this build
            if exc.name != f"assistant.commands.{name}":
                raise
            continue
        sub_parser = module.add_parser(sub)
        _common(sub_parser)
        sub_parser.set_defaults(_module=module)
    return parser


def load_settings(data_dir: Path | None, verbose: bool, quiet_console: bool) -> Settings | None:
    """Settings plus logging for a shell (CLI, app.py); None after telling the user what is wrong."""
    from assistant.config import get_settings
    from assistant.logging_setup import setup_logging

    try:
        settings = get_settings(data_dir=data_dir)
    except Exception as exc:
        print(f"错误：配置无效，请检查 ASSISTANT_ 开头的环境变量或 .env 文件。\n{exc}", file=sys.stderr)
        return None
    setup_logging("DEBUG" if verbose else settings.log_level, settings.data_dir, quiet=quiet_console)
    return settings


def report_user_error(exc: UserError) -> None:
    """The Chinese message for the user on stderr, the precise detail in the log file only.

    Logged below the console's warning level so that users see one clear line, not two.
    """
    log.info("user error %s: %s", type(exc).__name__, exc.detail)
    print(f"错误：{exc.message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_module", None):
        parser.print_help()
        return 0

    from assistant.services import Services

    # users see warnings and errors only (details go to data_dir/logs); -v shows everything
    settings = load_settings(args.data_dir, verbose=args.verbose, quiet_console=not args.verbose)
    if settings is None:
        return 1
    try:
        return int(args._module.run(args, Services(settings)) or 0)
    except UserError as exc:
        report_user_error(exc)
        return 1
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
