"""tqdm progress bars on stderr for long work (index builds, reviews, evaluation): one bar per stage.

Shared by the CLI commands and the web server's first-start build, so every shell shows the
same progress for the same `progress(stage, done, total)` callbacks.
"""

from __future__ import annotations

import sys
from typing import Any

STAGE_LABELS = {"load": "读取文档", "embed": "生成向量", "keywords": "关键词索引"}


class TqdmProgress:
    """A `progress(stage, done, total)` callback drawing tqdm bars on stderr."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled and sys.stderr is not None
        self._bars: dict[str, Any] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        from tqdm import tqdm

        bar = self._bars.get(stage)
        if bar is None:
            bar = tqdm(total=total, desc=STAGE_LABELS.get(stage, stage), file=sys.stderr, leave=False, unit="项")
            self._bars[stage] = bar
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()
            self._bars.pop(stage, None)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()
        self._bars.clear()


def ensure_index(services: Any, quiet: bool = False) -> None:
    """Build the default knowledge base on first use, with a progress bar."""
    kb = services.kb
    if kb.is_built():
        return
    print("首次使用：正在建立默认知识库（约需 1–3 分钟）……", file=sys.stderr)
    progress = TqdmProgress(enabled=not quiet)
    try:
        kb.ensure_built(progress=progress)
    finally:
        progress.close()
