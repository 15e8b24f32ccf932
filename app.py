"""Start the web app: `python app.py [--host H] [--port P] [--data-dir DIR]`.

On a fresh machine this first builds the default knowledge base (progress on the console),
then serves the UI at http://HOST:PORT/ and the REST API under /api/v1/.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # before anything imports gradio


def main(argv: list[str] | None = None) -> int:
    from assistant import argparse_zh

    argparse_zh.install()
    parser = argparse_zh.ChineseArgumentParser(description="招投标审查助手 网页版（界面 + REST 接口）")
    parser.add_argument("--host", default=None, metavar="地址", help="监听地址（默认取配置 ASSISTANT_APP__HOST，即 127.0.0.1）")
    parser.add_argument("--port", type=int, default=None, metavar="端口", help="端口（默认 7860）")
    parser.add_argument("--data-dir", type=Path, default=None, metavar="目录", help="索引与上传文件所在目录（默认为当前用户的数据目录）")
    parser.add_argument("-v", "--verbose", action="store_true", help="输出调试日志")
    args = parser.parse_args(argv)

    from assistant.cli import load_settings, report_user_error
    from assistant.errors import UserError

    # the console shows Chinese progress and one-line messages; the full log goes to data/logs/assistant.log
    settings = load_settings(args.data_dir, verbose=args.verbose, quiet_console=not args.verbose)
    if settings is None:
        return 1
    from assistant.ui.server import serve

    try:
        serve(settings, host=args.host, port=args.port)
    except UserError as exc:
        report_user_error(exc)
        return 1
    except KeyboardInterrupt:
        print("已退出。", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
