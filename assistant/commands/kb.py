"""`tender-assistant kb build|add|remove|list|show`: manage the knowledge base."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import NotFoundError, UserError
from assistant.kb.builder import duplicate_note
from assistant.kb.provenance import provenance_lines, source_file
from assistant.kb.sources import DOC_TYPE_CHOICES, user_overrides
from assistant.kb.store import removal_note
from assistant.kb.summary import build_summary_zh
from assistant.progress import TqdmProgress
from assistant.uploads import REGULATION_SUFFIXES, suffixes_zh


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("kb", help="管理知识库（建立、添加、删除、列出文档）", description="管理知识库")
    sub = parser.add_subparsers(dest="kb_command", metavar="子命令", title="子命令")
    build = sub.add_parser("build", help="建立/增量更新索引（默认文档 + 已添加文档 + --source）")
    build.add_argument("--source", type=Path, action="append", default=[], metavar="路径",
                       help="额外加入的文件或文件夹（可重复）")
    build.add_argument("--rebuild", action="store_true", help="全部重新建立：重新生成向量（更换向量模型后使用），并恢复已删除的随软件提供的文档")
    add = sub.add_parser("add", help=f"添加文件或文件夹（{suffixes_zh(REGULATION_SUFFIXES)}）")
    add.add_argument("paths", type=Path, nargs="+", metavar="路径")
    add.add_argument("--title", metavar="标题", help="文档标题（默认取文件中的标题行，如「……办法（试行）」；只能添加一个文件时使用）")
    add.add_argument("--doc-type", choices=DOC_TYPE_CHOICES, metavar="类型",
                     help=f"文档类型（效力层级），可选：{'、'.join(DOC_TYPE_CHOICES)}（默认按标题和文号推断）")
    remove = sub.add_parser("remove", help="按文档编号删除文档")
    remove.add_argument("doc_id", metavar="文档编号")
    lst = sub.add_parser("list", help="列出知识库中的文档")
    lst.add_argument("--current-only", action="store_true", help="只列出现行有效的版本")
    show = sub.add_parser("show", help="查看一个文档的信息和条文")
    show.add_argument("doc_id", metavar="文档编号")
    gc = sub.add_parser("gc", help="清理：未完成的索引版本、超出保留数的旧版本、过期的审查上传与导出文件")
    gc.add_argument("--upload-days", type=float, default=7.0, metavar="天数",
                    help="审查上传与导出文件保留天数（默认 7）")
    for p in (build, add, remove, lst, show, gc):  # accept the common flags after the sub-command too
        p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="机器可读输出")
        p.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS, metavar="目录", help="数据目录")
        p.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="调试日志")
    return parser


#: how `kb list` / `kb show` mark a document with OCR'd pages
OCR_NOTE = "含 OCR 识别页"


def _add_overrides(args: argparse.Namespace) -> dict[str, str]:
    """`kb add --title/--doc-type`, checked (a title names one file)."""
    if args.title is not None and (len(args.paths) > 1 or args.paths[0].is_dir()):
        raise UserError("指定 --title 时只能添加一个文件。", f"kb add --title with paths {args.paths}")
    return user_overrides(args.title, args.doc_type)


def _doc_json(meta: Any, origin: str | None = None) -> dict[str, Any]:
    data = meta.model_dump(mode="json")
    data["is_current"] = meta.is_current
    if origin:
        data["origin"] = origin
    if origin == "user":
        data["source_file"] = source_file(meta)
    return data


def _print_table(docs: list[Any], kb: Any) -> None:
    if not docs:
        print("知识库为空。运行 `tender-assistant kb build` 建立默认知识库。")
        return
    print(f"{'文档编号':<22}{'类型':<8}{'状态':<8}{'条目':>6}  {'版本':<12}{'文号':<22}标题")
    for m in docs:
        status = m.status + ("（被取代）" if m.superseded_by and m.status == "现行有效" else "")
        number = m.doc_number or "-"
        print(f"{m.doc_id:<24}{m.doc_type:<8}{status:<8}{m.chunk_count:>6}  {(m.version or '-'):<12}{number:<22}{m.title}"
              f"{_title_notes(m, kb.document_origin(m.doc_id))}")
    print(f"共 {len(docs)} 个文档。")


def _print_added(docs: list[Any], duplicates: list[dict[str, str]], kb: Any, as_json: bool) -> None:
    """`kb add` output: each added document, and each file not added because its content is indexed
    (JSON: that document, with `duplicate_of` and the warning)."""
    if as_json:
        out = [_doc_json(m, "user") for m in docs]
        for dup in duplicates:
            held = kb.get_document(dup["doc_id"])
            if held is not None:
                out.append({**_doc_json(held, kb.document_origin(held.doc_id)), "duplicate_of": held.doc_id,
                            "warning": duplicate_note(dup)})
        print(json.dumps(out, ensure_ascii=False))
        return
    for m in docs:
        note = "（取代了旧版本）" if any(o.superseded_by == m.doc_id for o in kb.list_documents()) else ""
        print(f"已添加：{m.doc_id}  《{m.title}》 {m.doc_type} {m.status}，{m.chunk_count} 个条目{note}")
    for dup in duplicates:
        print(f"注意：{duplicate_note(dup)}", file=sys.stderr)


def _title_notes(meta: Any, origin: str | None) -> str:
    """After a title in `kb list`: a user document's source file name (copies told apart) and OCR."""
    notes = [f"用户，来源文件 {source_file(meta)}"] if origin == "user" else []
    if meta.ocr_pages:
        notes.append(OCR_NOTE)
    return f"（{'；'.join(notes)}）" if notes else ""


def _summary_text(s: dict[str, Any]) -> str:
    lines = [f"知识库已更新：{build_summary_zh(s)}"]
    lines += [f"  未能读取：{f['source']}：{f['error']}" for f in s.get("failed", [])]
    return "\n".join(lines)


def interrupted_note(args: argparse.Namespace, services: Any) -> str:
    """What a Ctrl-C left behind (the CLI prints it instead of an error): a build that did not
    finish never replaces the serving index."""
    if getattr(args, "kb_command", None) not in {"build", "add", "remove"}:
        return "已中断。"
    if services.kb.is_built():
        return "已中断，原索引继续可用。"
    return "已中断，知识库尚未建立完成，请重新运行 `tender-assistant kb build`。"


def run(args: argparse.Namespace, services: Any) -> int:  # noqa: C901 - one branch per `kb` subcommand (helper kb owns this file)
    kb = services.kb
    cmd = getattr(args, "kb_command", None)
    if cmd is None:
        print("用法：tender-assistant kb {build,add,remove,list,show,gc} …（-h 查看帮助）", file=sys.stderr)
        return 1
    progress = TqdmProgress(enabled=not args.json)
    try:
        if cmd == "build":
            summary = kb.build(sources=args.source, progress=progress, rebuild=args.rebuild)
            out = {k: v for k, v in summary.items() if k != "source_doc_ids"}
            print(json.dumps(out, ensure_ascii=False) if args.json else _summary_text(summary))
            return 0
        if cmd == "add":
            docs, duplicates = kb.add_report(args.paths, progress=progress, overrides=_add_overrides(args))
            _print_added(docs, duplicates, kb, args.json)
            return 0
        if cmd == "remove":
            meta = kb.remove(args.doc_id)
            if args.json:
                print(json.dumps(_doc_json(meta), ensure_ascii=False))
            else:
                print(f"已删除：{meta.doc_id}  《{meta.title}》")
                if note := removal_note(meta):
                    print(f"注意：{note}", file=sys.stderr)
            return 0
    finally:
        progress.close()
    if cmd == "gc":
        from assistant.format_zh import fmt_bytes

        if args.upload_days < 0:
            raise UserError("--upload-days 不能为负数。", f"gc: upload_days={args.upload_days}")
        result = kb.gc(upload_max_age_s=args.upload_days * 24 * 3600)
        if args.json:
            print(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            gens = result.generations_removed
            print(f"已清理：索引版本 {len(gens)} 个{('（' + '、'.join(gens) + '）') if gens else ''}，"
                  f"过期上传/导出 {result.uploads_removed} 个，释放 {fmt_bytes(result.bytes_freed)}。")
        return 0
    if cmd == "list":
        from assistant.progress import ensure_index

        ensure_index(services, quiet=args.json)
        docs = kb.list_documents(include_superseded=not args.current_only)
        if args.json:
            print(json.dumps([_doc_json(m, kb.document_origin(m.doc_id)) for m in docs], ensure_ascii=False))
        else:
            _print_table(docs, kb)
        return 0
    if cmd == "show":
        # a document id (law-zbtbf), else a title, alias or 文号 (招标投标法, 87号令): its current version
        meta = kb.get_document(args.doc_id) or kb.resolve_title(args.doc_id)
        if meta is None:
            raise NotFoundError(f"知识库中没有编号、标题或简称为“{args.doc_id}”的文档。"
                                "运行 `tender-assistant kb list` 查看全部文档及其编号。",
                                f"show: unknown doc_id {args.doc_id}")
        chunks = kb.doc_chunks(meta.doc_id)
        if args.json:
            data = _doc_json(meta, kb.document_origin(meta.doc_id))
            data["chunks"] = [c.model_dump(mode="json") for c in chunks]
            print(json.dumps(data, ensure_ascii=False))
            return 0
        print(f"《{meta.title}》 {meta.doc_type} {meta.status} 版本 {meta.version or '-'}")
        for line in provenance_lines(meta):
            print(line)
        if meta.ocr_pages:
            print(f"{OCR_NOTE}：第 {'、'.join(map(str, meta.ocr_pages))} 页的文字由扫描图像识别，可能有错字，请以原件为准。")
        if meta.superseded_by:
            print(f"已被 {meta.superseded_by} 取代")
        for c in chunks:
            # an article's cited text starts with its label; a section is shown under its heading
            print(f"\n{c.cited_text}" if c.article else f"\n{c.heading or ''}\n{c.text}")
        return 0
    return 1
