"""Logging to stderr (CLI keeps stdout for --json output) and to data_dir/logs/assistant.log."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def setup_logging(level: str = "INFO", data_dir: Path | None = None, quiet: bool = False) -> None:
    root = logging.getLogger()
    if getattr(root, "_assistant_configured", False):
        return
    root.setLevel(logging.DEBUG)
    console = logging.StreamHandler()
    console.setLevel(logging.WARNING if quiet else getattr(logging, level.upper(), logging.INFO))
    console.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(console)
    if data_dir is not None:
        try:
            log_dir = Path(data_dir) / "logs"
            log_dir.mkdir(parents=True, exist_ok=True)
            fh = logging.handlers.RotatingFileHandler(
                log_dir / "assistant.log", maxBytes=5_000_000, backupCount=3, encoding="utf-8"
            )
            fh.setLevel(logging.DEBUG)
            fh.setFormatter(logging.Formatter(_FORMAT))
            root.addHandler(fh)
        except OSError:
            root.warning("cannot write log file under %s", data_dir)
    for noisy in ("httpx", "chromadb", "jieba", "urllib3", "httpcore", "onnxruntime"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    root._assistant_configured = True  # type: ignore[attr-defined]
