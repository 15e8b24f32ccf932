"""`tender-assistant mcp`: serve search / ask / review / collusion as MCP tools over stdio (for AI agents)."""

from __future__ import annotations

import argparse

from assistant.commands import Subparsers
from assistant.services import Services


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    from assistant.mcp_server import TOOLS

    tools = "\n".join(f"  {name:<10}{what}" for name, what in TOOLS.items())
    return subparsers.add_parser(
        "mcp",
        help="以 MCP 工具方式（标准输入输出）提供检索、问答、审查和雷同分析，供 AI 助手调用",
        description=f"MCP 服务（标准输入输出），提供 {len(TOOLS)} 个工具：\n{tools}\n"
                    "在 AI 客户端中配置命令 `tender-assistant mcp` 即可。",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def run(args: argparse.Namespace, services: Services) -> int:
    from assistant.mcp_server import run_stdio

    services.kb.ensure_built()  # a fresh machine: build the defaults before the first tool call
    run_stdio(services)
    return 0
