"""`tender-assistant serve [--host H] [--port P]`: the web app (same as `python app.py`)."""

from __future__ import annotations

import argparse

from assistant.commands import Subparsers
from assistant.services import Services


def add_parser(subparsers: Subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("serve", help="启动网页版（界面 + REST 接口）", description="启动网页版：界面在 /，REST 接口在 /api/v1")
    p.add_argument("--host", default=None, metavar="地址", help="监听地址（默认 127.0.0.1）")
    p.add_argument("--port", type=int, default=None, metavar="端口", help="端口（默认 7860）")
    return p


def run(args: argparse.Namespace, services: Services) -> int:
    from assistant.ui.server import serve  # imports gradio: only when serving

    serve(services.settings, host=args.host, port=args.port, services=services)
    return 0
