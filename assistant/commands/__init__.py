"""CLI subcommands: each module has `add_parser(subparsers)` and `run(args, services) -> int`.

Owned per area so that the shells stay thin: kb/search (knowledge base), ask (Q&A),
review (tender review), eval (evaluation), mcp (agents' tool server), serve (web app).
"""

COMMAND_MODULES = ["kb", "search", "ask", "review", "collusion", "eval", "mcp", "serve"]
