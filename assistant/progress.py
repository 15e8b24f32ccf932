"""Progress for long work (index builds, imports, reviews, evaluation), shown in Chinese.

Every long operation reports `progress(stage, done, total)`. `stage_label` turns the internal
stage names into Chinese; `TqdmProgress` draws one bar per stage on stderr for the CLI and the
web server's first-start build; the web UI adapts the same callback in `assistant.ui.common`.
"""

from __future__ import annotations

import sys
import time
from typing import Any, Protocol

from assistant.errors import BusyError

STAGE_LABELS = {
    "load": "读取文档",
    "embed": "生成向量",
    "keywords": "建立关键词索引",
    "index": "写入向量库",
    "read": "读取文件",
    "rules": "规则审查",
    "semantic": "语义审查",
}
STAGE_UNITS = {"load": "个文档", "embed": "条", "keywords": "步", "读取文件": "步", "规则审查": "条", "语义审查": "批"}
BAR_FORMAT = "{desc}：{percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} {unit}，已用 {elapsed}"


def stage_label(stage: str) -> str:
    """Chinese name of a progress stage (stages already in Chinese are kept)."""
    return STAGE_LABELS.get(stage, stage)


def stage_unit(stage: str) -> str:
    return STAGE_UNITS.get(stage, "项")


class _Bar(Protocol):
    total: float
    n: float

    def refresh(self) -> None: ...
    def close(self) -> None: ...


class TqdmProgress:
    """A `progress(stage, done, total)` callback drawing tqdm bars on stderr (no rate: it means nothing here)."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr is not None
        self._bars: dict[str, _Bar] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=stage_label(stage), file=sys.stderr, leave=False, unit=stage_unit(stage),
                       bar_format=BAR_FORMAT, dynamic_ncols=True)
            self._bars[stage] = bar
        bar.total = total
        bar.n = min(done, total)
        bar.refresh()
        if done >= total:
            bar.close()
            self._bars.pop(stage, None)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def ensure_index(services: Any, quiet: bool = False) -> None:
    """Build the default knowledge base on first use, with a progress bar and a one-line result."""
    kb = services.kb
    if kb.is_built():
        return
    print("首次使用：正在建立默认知识库（约需 1–3 分钟）……", file=sys.stderr)
    progress = TqdmProgress(enabled=not quiet)
    try:
        kb.ensure_built(progress=progress)
    except BusyError:
        # another process (the web app's first start) is building it: wait for that build, not fail
        _wait_for_build(kb)
    finally:
        progress.close()
    if not quiet:
        try:
            stats = kb.stats()
        except OSError:
            return
        print(f"知识库已建立：{stats.get('documents', 0)} 个文档，{stats.get('chunks', 0)} 条条文/片段。", file=sys.stderr)


#: How long a command waits for another process's first build of the knowledge base.
FIRST_BUILD_WAIT_S = 600.0


def _wait_for_build(kb: Any, timeout: float = FIRST_BUILD_WAIT_S, poll: float = 1.0) -> None:
    print("另一个进程正在建立知识库，等待其完成……", file=sys.stderr)
    deadline = time.monotonic() + timeout
    while not kb.is_built():
        if time.monotonic() > deadline:
            raise BusyError(f"等待另一个进程建立知识库超过 {int(timeout // 60)} 分钟，请稍后再试。",
                            f"first build not finished after {timeout} s")
        time.sleep(poll)
