"""`tender-assistant` command line (also `python -m assistant`).

Contract (../shared/ARCHITECTURE.md): every command takes `--json` and `--data-dir`; exit 0 ok,
1 bad input (Chinese message on stderr, nothing written), 3 for `review --fail-on` hits,
5 when a service the command needs (LLM server, Chroma server) or its environment (a full disk) is unavailable.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from assistant import argparse_zh
from assistant.argparse_zh import ChineseArgumentParser
from assistant.commands import COMMAND_MODULES
from assistant.errors import BackendError, UserError

if TYPE_CHECKING:
    from assistant.config import Settings

log = logging.getLogger("assistant.cli")

INTERRUPTED = "已中断。"
#: Exit code of a command that could not finish because a service it needs is down or the disk is full
#: (not the user's input).
EXIT_BACKEND = 5


#: `--json` help of every command; a command whose report may go to a file says more (its JSON_HELP)
JSON_HELP = "机器可读输出（JSON，写到标准输出）"


def _common(parser: argparse.ArgumentParser, json_help: str) -> None:
    parser.add_argument("--json", action="store_true", help=json_help)
    parser.add_argument("--data-dir", type=Path, default=None, metavar="目录", help="索引与上传文件所在目录（默认为当前用户的数据目录）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")


def build_parser() -> argparse.ArgumentParser:
    argparse_zh.install()
    parser = ChineseArgumentParser(
        prog="tender-assistant",
        description="招投标审查助手：政策问答（带条文引用）与招标文件风险审查",
        epilog="运行「tender-assistant 命令 -h」查看某个命令的用法。",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", title="命令")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"assistant.commands.{name}")
        except ModuleNotFoundError as exc:  # a command not installed in this build
            if exc.name != f"assistant.commands.{name}":
                raise
            continue
        sub_parser = module.add_parser(sub)
        _common(sub_parser, getattr(module, "JSON_HELP", JSON_HELP))
        sub_parser.set_defaults(_module=module)
    return parser


def load_settings(data_dir: Path | None, verbose: bool, quiet_console: bool) -> Settings | None:
    """Settings plus logging for a shell (CLI, app.py); None after telling the user what is wrong."""
    from assistant.config import get_settings
    from assistant.logging_setup import setup_logging

    invalid = "错误：配置无效，请检查 ASSISTANT_ 开头的环境变量或 .env 文件。"
    try:
        settings = get_settings(data_dir=data_dir)
    except ValidationError as exc:
        from assistant.config_errors import explain

        lines = "\n".join(f"- {line}" for line in explain(exc))
        detail = f"\n详细信息：\n{exc}" if verbose else ""  # no log file yet: the data directory is a setting
        print(f"{invalid}\n{lines}{detail}", file=sys.stderr)
        return None
    except Exception as exc:
        print(f"{invalid}\n{exc}", file=sys.stderr)
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
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
    except BrokenPipeError:
        # the reader went away (`tender-assistant ask … | head -3`): stop quietly, no traceback;
        # stdout goes to devnull so that Python's own flush at exit does not fail again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _main(argv: list[str] | None) -> int:
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
    services: Services | None = None
    try:
        services = Services(settings)  # reads the lexicon: a broken one is a UserError too
        return int(args._module.run(args, services) or 0)
    except BackendError as exc:
        report_user_error(exc)
        return EXIT_BACKEND
    except UserError as exc:
        report_user_error(exc)
        return 1
    except KeyboardInterrupt:  # Ctrl-C is the user's choice, not an error: one calm line, exit 130
        note = getattr(args._module, "interrupted_note", None)
        print(note(args, services) if note and services is not None else INTERRUPTED, file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
