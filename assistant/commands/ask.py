"""`tender-assistant ask QUESTION [--json] [--history FILE]`: policy Q&A with verified citations."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.commands import Subparsers
from assistant.errors import InputFileError
from assistant.progress import ensure_index
from assistant.schema import Answer
from assistant.ui.render import answer_digest

if TYPE_CHECKING:
    from assistant.services import Services


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "ask",
        help="政策问答：依据知识库条文回答并给出引用",
        description="依据知识库中的法规条文回答问题；每条引用都经过核实并附条文原文。知识库中没有依据时明确说明。",
    )
    p.add_argument("question", metavar="问题", help="要咨询的问题，例如：依法必须招标的项目，投标文件编制时间最短多少天？")
    p.add_argument(
        "--history", type=Path, default=None, metavar="文件",
        help="多轮对话历史（JSON 文件：[[问题, 回答], ...] 或 [{\"question\":..., \"answer\":...}, ...]）",
    )
    p.add_argument("--no-stream", action="store_true",
                   help="使用大模型时不在终端显示生成进度（进度写在标准错误输出，标准输出只有核实后的回答）")
    return p


def load_history(path: Path) -> list[tuple[str, str]]:  # noqa: C901 - one branch per accepted history-file shape
    """Read a history file; several common shapes are accepted, anything else is a clear error."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputFileError(f"找不到对话历史文件：{path}", str(exc)) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"对话历史文件不是有效的 UTF-8 JSON：{path}", str(exc)) from exc
    turns: list[tuple[str, str]] = []
    if isinstance(data, list) and all(isinstance(x, dict) and "role" in x for x in data):
        pending: str | None = None
        for msg in data:
            if msg.get("role") == "user":
                pending = str(msg.get("content", ""))
            elif msg.get("role") == "assistant" and pending is not None:
                turns.append((pending, str(msg.get("content", ""))))
                pending = None
        return turns
    if isinstance(data, list):
        for item in data:
            if isinstance(item, (list, tuple)) and len(item) == 2:
                turns.append((str(item[0]), str(item[1])))
            elif isinstance(item, dict) and "question" in item:
                turns.append((str(item["question"]), str(item.get("answer", ""))))
            else:
                break
        else:
            return turns
    raise InputFileError(
        f"对话历史文件格式不正确：{path}。应为 [[问题, 回答], ...] 或 [{{\"question\": ..., \"answer\": ...}}, ...]。",
        f"unsupported history shape in {path}",
    )


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def for_terminal(text: str, tty: bool) -> str:
    """Markdown bold as a terminal shows it: bold on a terminal, plain text in a pipe or file
    (a terminal does not render Markdown, so literal `**` would stand around the key sentences).
    A marker left unpaired (a streamed chunk ends inside a bold span) is dropped too."""
    return _BOLD.sub(r"\033[1m\1\033[0m" if tty else r"\1", text).replace("**", "")


def _plain(question: str) -> str:
    return "".join(question.split()).rstrip("？?")


def render_human(answer: Answer, include_text: bool = True, tty: bool = False) -> str:
    """The answer, how a follow-up was understood, then the cited articles with their text.

    Article text is printed once: the answer quotes only each article's key sentence, the
    引用条文 list below gives the full text.
    """
    lines = [answer_digest(answer).strip()] if include_text else []
    if answer.standalone_question and _plain(answer.standalone_question) != _plain(answer.question):
        lines += ["", f"（按“{answer.standalone_question}”理解您的问题）"]
    if answer.notes and answer.mode == "llm":
        lines += ["", *answer.notes]
    if answer.citations:
        lines += ["", "引用条文："]
        for c in answer.citations:
            where = c.article or (f"「{c.heading}」" if c.heading else "")
            lines.append(f"[{c.n}] 《{c.title}》{where}（{c.doc_type}，{c.status}）")
            lines.extend(f"    {line}" for line in c.text.strip().splitlines() if line.strip())
    return for_terminal("\n".join(lines), tty)


def run(args: argparse.Namespace, services: Services) -> int:
    history = load_history(args.history) if args.history else []
    ensure_index(services, quiet=args.json)
    qa = services.qa
    if args.json:
        answer = qa.ask(args.question, history)
        print(json.dumps(answer.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return 0
    tty = sys.stdout.isatty()
    if qa.mode == "llm" and not args.no_stream and sys.stderr.isatty():
        answer = _with_progress(qa.stream(args.question, history))
    else:
        answer = qa.ask(args.question, history)
    print(render_human(answer, tty=tty))
    return 0


#: Label of the model's text while it is generated (stderr only: it is not yet checked against the articles).
PROGRESS_LABEL = "大模型生成中（未核实，仅显示进度）："


def _with_progress(parts: Iterator[str | Answer]) -> Answer:
    """Show the model's tokens on stderr as they come, under a label, and return the final Answer:
    standard output carries only the verified answer (`ask … | head -1` is its first line)."""
    final: Answer | None = None
    print(PROGRESS_LABEL, end="", file=sys.stderr, flush=True)
    for part in parts:
        if isinstance(part, Answer):
            final = part
        else:
            print(for_terminal(part, False), end="", file=sys.stderr, flush=True)
    print("\n", file=sys.stderr, flush=True)
    assert final is not None
    return final
