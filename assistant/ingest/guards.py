"""The limit every reader enforces: the block count."""

from __future__ import annotations

from assistant.config import LimitsSettings
from assistant.errors import LimitExceededError


def check_block_count(count: int, name: str, limits: LimitsSettings) -> None:
    """Refuse a document with more paragraphs/table rows than `limits.max_blocks`."""
    if count > limits.max_blocks:
        raise LimitExceededError(
            f"文件“{name}”的段落和表格行超过 {limits.max_blocks} 个，已停止读取（每份文件段落数"
            f"{limits.hint('max_blocks')}）。请拆分文件后再上传。",
            f"block limit: {name} has more than {limits.max_blocks} blocks",
        )
