"""CLI subcommands: each module has `add_parser(subparsers)` and `run(args, services) -> int`.

Owned per area so that the shells stay thin: kb/search (knowledge base), ask (Q&A),
review (tender review), eval (evaluation), mcp (agents' tool server), serve (web app).
"""

from __future__ import annotations

import argparse
from typing import TypeAlias

COMMAND_MODULES = ["kb", "search", "ask", "review", "collusion", "eval", "mcp", "serve"]

#: what `add_parser` receives: `parser.add_subparsers()`
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
