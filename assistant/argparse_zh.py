"""argparse in Simplified Chinese: usage line, section titles, -h/--help, and its error messages.

argparse builds every user-facing string through `gettext`; we give it a catalogue of Chinese
messages (the same mechanism a gettext .mo file would use), so help and errors of the whole
command tree read in Chinese without copying argparse's internals.
"""

from __future__ import annotations

import argparse
import gettext
import logging
import re
import sys
import unicodedata
from typing import NoReturn

log = logging.getLogger("assistant.cli")

MESSAGES_ZH: dict[str, str] = {
    "usage: ": "用法：",
    "options": "选项",
    "optional arguments": "选项",
    "positional arguments": "位置参数",
    "show this help message and exit": "显示本帮助信息并退出",
    "show program's version number and exit": "显示版本号并退出",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "无效的选项：%(value)r（可选：%(choices)s）",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "expected one argument": "需要一个值",
    "expected at most one argument": "最多需要一个值",
    "expected at least one argument": "至少需要一个值",
    "expected %s argument": "需要 %s 个值",
    "expected %s arguments": "需要 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "ignored explicit argument %r": "忽略了多余的值 %r",
    "one of the arguments %s is required": "必须提供以下参数之一：%s",
    "unexpected option string: %s": "意外的选项：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}


class ChineseTranslations(gettext.NullTranslations):
    """A gettext catalogue for argparse's messages; anything unknown passes through unchanged."""

    def gettext(self, message: str) -> str:
        return MESSAGES_ZH.get(message, message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)


def install() -> None:
    """Route argparse's message look-ups through the Chinese catalogue (idempotent)."""
    catalogue = ChineseTranslations()
    setattr(argparse, "_", catalogue.gettext)  # noqa: B010 — argparse reads its module-level `_`
    setattr(argparse, "ngettext", catalogue.ngettext)  # noqa: B010


_HEADING = re.compile(r"^(\S[^\n]*?):$", re.MULTILINE)
_OPTION_LINE = re.compile(r"^(  \S(?:.*?\S)?)( {2,})(\S.*)$")


def display_width(text: str) -> int:
    """Terminal columns of `text`: CJK and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _realign(help_text: str) -> str:
    """argparse aligns the help column by character count; re-pad so CJK metavars line up on screen."""
    out = []
    for line in help_text.splitlines():
        m = _OPTION_LINE.match(line)
        if m:
            head, gap, rest = m.groups()
            column = len(head) + len(gap)
            line = head + " " * max(2, column - display_width(head)) + rest
        out.append(line)
    return "\n".join(out) + ("\n" if help_text.endswith("\n") else "")


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose errors say what is wrong in Chinese and how to get help.

    Exit code 1: a usage error is bad input, per the CLI contract (0 ok, 1 bad input, 3 gate hits).
    """

    def format_help(self) -> str:
        # argparse ends section headings with an ASCII colon; Chinese text takes the full-width one
        return _realign(_HEADING.sub(r"\1：", super().format_help()))

    def error(self, message: str) -> NoReturn:
        log.info("argparse error: %s", message)
        self.print_usage(sys.stderr)
        self.exit(1, f"错误：{message}\n（运行「{self.prog} -h」查看帮助）\n")
