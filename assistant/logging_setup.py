"""Logging to stderr (CLI keeps stdout for --json output) and to data_dir/logs/assistant.log.

Idempotent and re-targetable: a process that serves several data dirs (tests, an embedding
host) calls it again and the file handler follows the latest data dir.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path
from typing import TextIO

_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_CONSOLE = "assistant-console"
_FILE = "assistant-file"


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time (it may be swapped, e.g. by pytest)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def _named(root: logging.Logger, name: str) -> logging.Handler | None:
    return next((h for h in root.handlers if h.get_name() == name), None)


def setup_logging(level: str = "INFO", data_dir: Path | None = None, quiet: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    console = _named(root, _CONSOLE)
    if console is None:
        console = _CurrentStderrHandler()
        console.set_name(_CONSOLE)
        console.setFormatter(logging.Formatter(_FORMAT))
        root.addHandler(console)
    console.setLevel(logging.WARNING if quiet else getattr(logging, level.upper(), logging.INFO))

    if data_dir is not None:
        log_path = (Path(data_dir) / "logs" / "assistant.log").resolve()
        current = _named(root, _FILE)
        if not (isinstance(current, logging.FileHandler) and Path(current.baseFilename) == log_path):
            if current is not None:
                root.removeHandler(current)
                current.close()
            try:
                log_path.parent.mkdir(parents=True, exist_ok=True)
                fh = logging.handlers.RotatingFileHandler(
                    log_path, maxBytes=5_000_000, backupCount=3, encoding="utf-8"
                )
                fh.set_name(_FILE)
                fh.setLevel(logging.DEBUG)
                fh.setFormatter(logging.Formatter(_FORMAT))
                root.addHandler(fh)
            except OSError:
                root.warning("cannot write log file under %s", data_dir)
    for noisy in (
        "httpx", "httpx2", "httpcore", "httpcore2", "openai", "chromadb", "jieba", "urllib3",
        "onnxruntime", "multipart", "matplotlib", "PIL",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
