"""MCP server (stdio) for AI agents: tools `search`, `ask`, `review`, `collusion` over the same use cases.

Why: agents (Claude Desktop, Cursor, in-house agent frameworks) call tools, not web pages.
Results are the contract JSON shapes (hits, answer, report), the same as CLI `--json` and REST.
User errors come back as tool errors carrying the Chinese message (never a traceback).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import Field

from assistant import __version__
from assistant.collusion.pipeline import MAX_BIDS, MIN_BIDS  # the one bid-count limit (CLI, REST, UI too)
from assistant.errors import FileTooLargeError, InputFileError, UserError
from assistant.schema import HISTORY_DESCRIPTION, HistoryPair, HistoryTurn, history_turns
from assistant.services import Services
from assistant.uploads import BID_SUFFIXES, REVIEW_SUFFIXES, check_suffix
from assistant.validation_zh import validation_message

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

log = logging.getLogger("assistant.mcp")

T = TypeVar("T")

#: every tool with what it does (the `initialize` instructions and `mcp -h` are built from it)
TOOLS = {
    "search": "检索法规条文（返回条文原文与出处）",
    "ask": "回答招投标政策问题（带《法规》第N条引用，无依据时 refused=true）",
    "review": "审查本机上的招标文件（DOCX/PDF/TXT/MD 路径），返回风险条款、位置和法律依据",
    "collusion": "投标文件雷同分析（本机上的招标文件路径和多份投标文件路径），返回可疑投标人对、证据和法律依据",
}
INSTRUCTIONS = "招投标审查助手：" + "；".join(f"{name} {what}" for name, what in TOOLS.items()) + "。"


def validate_review_path(path: str, max_bytes: int) -> Path:
    """A local tender file the server may read: exists, regular file, supported type, under the size limit."""
    p = Path(path).expanduser()
    if not p.is_absolute():
        p = Path.cwd() / p
    p = p.resolve()
    if not p.exists():
        raise InputFileError(f"找不到文件「{path}」，请提供本机上招标文件的完整路径。", f"missing: {p}")
    if not p.is_file():
        raise InputFileError(f"「{path}」不是文件。", f"not a regular file: {p}")
    check_suffix(p.name, REVIEW_SUFFIXES)
    size = p.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(f"文件「{p.name}」超过大小上限 {max_bytes // (1024 * 1024)} MB。", f"{p}: {size} bytes")
    return p


def build_server(services: Services) -> MCPServer:
    """The MCP server with its four tools bound to `services` (models load on first call)."""
    from mcp.server.mcpserver.exceptions import ToolError

    server = _chinese_errors_server()(name="tender-assistant", title="招投标审查助手", version=__version__,
                                      instructions=INSTRUCTIONS)

    def guarded(fn: Callable[[], T]) -> T:
        try:
            return fn()
        except UserError as exc:
            # the agent gets the message as a tool error; stderr stays quiet (a console warning would
            # be the stray 「提示：运行中出现一个问题…」 line), the detail goes to the log file
            log.info("%s: %s", type(exc).__name__, exc.detail)
            raise ToolError(exc.message) from None

    @server.tool(name="search", description="混合检索知识库中的法规条文，返回条文原文、出处（标题、第N条）、效力状态和得分。")
    def search(
        query: Annotated[str, Field(min_length=1, description="检索内容，例如“投标保证金 上限”")],
        k: Annotated[int, Field(ge=1, description="返回条数（上限见 ASSISTANT_LIMITS__MAX_K，默认 30）")] = 5,
    ) -> dict[str, Any]:
        limits = services.settings.limits
        if k > limits.max_k:
            raise ToolError(f"返回条数 k={k} 超过上限（返回条数{limits.hint('max_k')}）。")
        hits = guarded(lambda: services.retriever.search(query, k=k))
        return {"hits": [h.model_dump(mode="json") for h in hits]}

    @server.tool(name="ask", description="回答招投标政策问题，给出《法规》第N条引用及条文原文；知识库中没有依据时 refused=true。")
    def ask(
        question: Annotated[str, Field(min_length=1, description="政策问题")],
        history: Annotated[list[HistoryTurn | HistoryPair] | None, Field(max_length=20, description=HISTORY_DESCRIPTION)] = None,
    ) -> dict[str, Any]:
        turns = history_turns(history or [])
        return guarded(lambda: services.qa.ask(question, history=turns)).model_dump(mode="json")

    @server.tool(name="review", description="审查本机上的招标文件（DOCX/PDF/TXT/MD 的完整路径），返回风险条款、原文位置、法律依据和修改建议。")
    def review(
        path: Annotated[str, Field(min_length=1, max_length=4096, description="招标文件在本机上的路径")],
    ) -> dict[str, Any]:
        def run() -> Any:
            target = validate_review_path(path, services.settings.max_upload_bytes)
            return services.reviewer.review(target)

        return guarded(run).model_dump(mode="json")

    @server.tool(name="collusion", description=f"投标文件雷同分析（围标串标预警）：给出本机上的招标文件路径和 {MIN_BIDS}–{MAX_BIDS} "
                 "份投标文件路径（DOCX/PDF），返回按证据强弱排序的可疑投标人对、证据、法律依据和检查局限。认定由评标委员会和监督部门作出。")
    def collusion(
        tender: Annotated[str, Field(min_length=1, max_length=4096, description="招标文件在本机上的路径")],
        bids: Annotated[list[str], Field(min_length=MIN_BIDS, max_length=MAX_BIDS, description="投标文件在本机上的路径列表")],
    ) -> dict[str, Any]:
        def run() -> Any:

            limit = services.settings.max_upload_bytes
            paths = [validate_local_path(p, limit, BID_SUFFIXES) for p in (tender, *bids)]
            return services.collusion.analyze(paths[0], paths[1:])

        return guarded(run).model_dump(mode="json")

    return server


def _chinese_errors_server() -> type[MCPServer]:
    """MCPServer whose tool errors reach the agent in Chinese only: argument validation gets
    validation_zh's sentence instead of pydantic's English (with its errors.pydantic.dev link), and
    our own ToolError messages lose the SDK's English 「Error executing tool …:」 prefix."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
    from pydantic import ValidationError

    class ChineseErrorsServer(MCPServer):
        async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
            try:
                return await super().call_tool(name, arguments, context)
            except UnexpectedToolError:
                raise
            except ToolError as exc:
                cause = exc.__cause__
                if isinstance(cause, ValidationError):  # the cause stays: the SDK logs the field names
                    raise ToolError(validation_message(cause.errors(), prefix=f"工具 {name} 的参数有误：")) from cause
                if isinstance(cause, ToolError):
                    raise ToolError(str(cause)) from cause
                if cause is None and str(exc).startswith("Unknown tool"):
                    raise ToolError(f"没有名为「{name}」的工具，可用工具：{'、'.join(TOOLS)}。") from None
                raise

    return ChineseErrorsServer


def validate_local_path(path: str, max_bytes: int, suffixes: tuple[str, ...]) -> Path:
    """Like validate_review_path, for another set of allowed suffixes."""
    p = Path(path).expanduser()
    p = (p if p.is_absolute() else Path.cwd() / p).resolve()
    if not p.is_file():
        raise InputFileError(f"找不到文件「{path}」，请提供本机上文件的完整路径。", f"missing: {p}")
    check_suffix(p.name, suffixes)
    if p.stat().st_size > max_bytes:
        raise FileTooLargeError(f"文件「{p.name}」超过大小上限 {max_bytes // (1024 * 1024)} MB。", f"{p}: too large")
    return p


def run_stdio(services: Services) -> None:
    """Serve over stdin/stdout until the client disconnects (logs go to stderr only)."""
    build_server(services).run("stdio")
