"""`tender-assistant search QUERY` / `--queries FILE`: hybrid retrieval over the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.commands import Subparsers
from assistant.errors import InputFileError, UserError
from assistant.progress import ensure_index
from assistant.schema import Hit

if TYPE_CHECKING:
    from assistant.services import Services


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("search", help="检索法规条文（语义 + 关键词混合检索）",
                                   description="检索法规条文（语义 + 关键词混合检索）")
    parser.add_argument("query", nargs="?", metavar="问题", help="问题或关键词，如“发标后最快几天可以开标”")
    parser.add_argument("--queries", type=Path, metavar="文件", help="批量模式：每行一个问题，每行输出一个 JSON 数组")
    parser.add_argument("-k", type=int, default=None, metavar="N", help="返回条数（默认 5）")
    parser.add_argument("--doc-type", action="append", metavar="类型", help="只检索某类文档（法律/行政法规/部门规章…，可重复）")
    parser.add_argument("--status", action="append", metavar="状态", help="只检索某状态（现行有效/已修订/已废止/征求意见稿，可重复）")
    parser.add_argument("--title", action="append", metavar="文件名称", help="只检索某文件（全称或简称，可重复）")
    parser.add_argument("--include-superseded", action="store_true", help="包括已被新版本取代的旧版本")
    return parser


def _hit_json(hit: Hit) -> dict[str, Any]:
    return hit.model_dump(mode="json")


def _print_hits(query: str, hits: list[Hit]) -> None:
    if not hits:
        print(f"未找到与“{query}”相关的条文（知识库中没有依据）。")
        return
    for i, h in enumerate(hits, 1):
        label = h.article or h.heading or ""
        flags = "" if h.is_current else "（非现行版本）"
        print(f"[{i}] 《{h.title}》{label}  {h.status}{flags}  相关度 {h.score:.3f}")
        print(h.text.strip())
        print()


def run(args: argparse.Namespace, services: Services) -> int:
    if not args.query and not args.queries:
        raise UserError("请提供要检索的问题，或用 --queries FILE 批量检索。", "search: no query")
    if args.query and args.queries:
        raise UserError("QUERY 与 --queries 只能二选一。", "search: both query and --queries")
    k = args.k if args.k is not None else services.settings.retrieval.k
    max_k = services.settings.limits.max_k
    if k <= 0 or k > max_k:
        raise UserError(f"-k 必须在 1 到 {max_k} 之间（返回条数{services.settings.limits.hint('max_k')}）。",
                        f"search: bad k={k}")
    queries: list[str]
    if args.queries:
        path: Path = args.queries
        if not path.is_file():
            raise InputFileError(f"找不到问题文件：{path}", f"--queries file missing: {path}")
        try:
            queries = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError as exc:
            raise InputFileError(f"问题文件“{path.name}”不是 UTF-8 文本。", f"{path}: {exc}") from exc
    else:
        queries = [args.query]
    ensure_index(services, quiet=args.json)
    filters = {"doc_types": args.doc_type, "status": args.status, "titles": args.title,
               "include_superseded": args.include_superseded or None}
    retriever = services.retriever
    if args.queries:
        texts = [q.strip() for q in queries]
        nonempty = [q for q in texts if q]
        results = iter(retriever.search_batch(nonempty, k, **filters)) if nonempty else iter(())
        for q in texts:  # one output line per input line (empty line -> [])
            hits = next(results) if q else []
            sys.stdout.write(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False) + "\n")
        return 0
    hits = retriever.search(queries[0], k, **filters)
    if args.json:
        print(json.dumps([_hit_json(h) for h in hits], ensure_ascii=False))
    else:
        _print_hits(queries[0], hits)
    return 0
