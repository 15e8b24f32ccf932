"""Tender review: read a 招标文件, find risky clauses, attach verified legal basis, render reports.

reader (clauses with locations) → facts (project facts, numbers) → rules (catalogue detectors)
→ semantic (LLM, verified) → pipeline.Reviewer → report (JSON / Markdown / DOCX 审查意见书).
"""

from __future__ import annotations

__all__ = ["Reviewer"]


def __getattr__(name: str):  # lazy: importing the package must stay cheap
    if name == "Reviewer":
        from assistant.review.pipeline import Reviewer

        return Reviewer
    raise AttributeError(name)
