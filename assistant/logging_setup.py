"""Logging to stderr (CLI keeps stdout for --json output) and to data_dir/logs/assistant.log.

The log file gets everything, in English, with timestamps. The console is for the user: by default
(quiet) it shows warnings and errors as one Chinese line each (a record whose message is not
Chinese is replaced by a pointer to the log file), and never the same line twice in a row;
`-v` shows the full English log on the console too.

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


LEVEL_ZH = {"WARNING": "提示", "ERROR": "错误", "CRITICAL": "严重错误"}


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class ConsoleFormatter(logging.Formatter):
    """One Chinese line per record for users; English details stay in the log file.

    `log_path` is None when no log file is written (no data dir, or a read-only one): the line
    then never claims that details were written anywhere.
    """

    def __init__(self, log_path: Path | None = None) -> None:
        super().__init__()
        self.log_path = log_path

    def format(self, record: logging.LogRecord) -> str:
        level = LEVEL_ZH.get(record.levelname, "信息")
        message = record.getMessage().strip().splitlines()[0] if record.getMessage().strip() else ""
        if not _has_cjk(message):
            message = (f"运行中出现一个问题，详细信息已写入日志文件：{self.log_path}" if self.log_path
                       else "运行中出现一个问题（日志未写入文件，加 -v 可查看详细信息）")
        return f"{level}：{message}"


class _NoRepeat(logging.Filter):
    """Drops a console line identical to the previous one (e.g. the same warning for every file)."""

    def __init__(self) -> None:
        super().__init__()
        self.last = ""
        self.quiet = True

    def filter(self, record: logging.LogRecord) -> bool:
        if self.quiet and record.name == "py.warnings":  # library warnings: log file only
            return False
        key = f"{record.levelno}:{record.getMessage()}"
        if key == self.last:
            return False
        self.last = key
        return True


def _named(root: logging.Logger, name: str) -> logging.Handler | None:
    return next((h for h in root.handlers if h.get_name() == name), None)


def _log_to_file(root: logging.Logger, log_path: Path) -> bool:
    """Point the file handler at `log_path`; False (and no file handler) when it cannot be written."""
    current = _named(root, _FILE)
    if isinstance(current, logging.FileHandler) and Path(current.baseFilename) == log_path:
        return True
    if current is not None:
        root.removeHandler(current)
        current.close()
    try:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        fh = logging.handlers.RotatingFileHandler(log_path, maxBytes=5_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return False
    fh.set_name(_FILE)
    fh.setLevel(logging.DEBUG)
    fh.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(fh)
    return True


def setup_logging(level: str = "INFO", data_dir: Path | None = None, quiet: bool = False) -> None:
    root = logging.getLogger()
    root.setLevel(logging.DEBUG)
    console = _named(root, _CONSOLE)
    if console is None:
        console = _CurrentStderrHandler()
        console.set_name(_CONSOLE)
        console.addFilter(_NoRepeat())
        root.addHandler(console)
    for f in console.filters:
        if isinstance(f, _NoRepeat):
            f.quiet = quiet
    wanted = (Path(data_dir) / "logs" / "assistant.log").resolve() if data_dir is not None else None
    # a read-only data dir (a supported mode) has no log file, and the console says nothing about it
    log_path = wanted if wanted is not None and _log_to_file(root, wanted) else None
    console.setFormatter(ConsoleFormatter(log_path) if quiet else logging.Formatter(_FORMAT))
    console.setLevel(logging.WARNING if quiet else getattr(logging, level.upper(), logging.INFO))
    logging.captureWarnings(True)  # Python warnings (e.g. from libraries) go to the log, not raw to stderr
    if wanted is not None and log_path is None:
        root.debug("log file %s is not writable (read-only data dir?): console only", wanted)
    for noisy in (
        "httpx", "httpx2", "httpcore", "httpcore2", "openai", "chromadb", "jieba", "urllib3",
        "onnxruntime", "multipart", "matplotlib", "PIL", "gradio", "uvicorn.error",
    ):
        logging.getLogger(noisy).setLevel(logging.WARNING)
