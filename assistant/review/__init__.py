"""Tender review: read a 招标文件, find risky clauses, attach verified legal basis, render reports.

reader (clauses with locations) → facts (project facts, numbers) → rules (catalogue detectors)
→ semantic (LLM, verified) → pipeline.Reviewer → report (JSON / Markdown / DOCX 审查意见书).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.review.pipeline import Reviewer

__all__ = ["Reviewer"]


def __getattr__(name: str) -> type[Reviewer]:  # lazy: importing the package must stay cheap
    if name == "Reviewer":
        from assistant.review.pipeline import Reviewer

        return Reviewer
    raise AttributeError(name)
