"""Findings-by-category chart rendered on the server with matplotlib (no browser-side plot library).

Why matplotlib: the image is drawn on the machine with local CJK fonts, so it renders offline
and identically in every browser; horizontal bars keep long Chinese category names readable.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import matplotlib
from matplotlib.ticker import MaxNLocator

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

from assistant.schema import SEVERITY_ZH, Finding

_CJK_FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC",
              "SimHei"]
_COLORS = {"high": "#dc2626", "medium": "#f97316", "low": "#0ea5e9"}


def _font() -> list[str]:
    available = {f.name for f in font_manager.fontManager.ttflist}
    return [f for f in _CJK_FONTS if f in available] + ["DejaVu Sans"]


def findings_chart(findings: list[Finding]) -> Any:
    """A stacked horizontal bar chart: categories × severity counts (a matplotlib Figure)."""
    plt.rcParams["font.sans-serif"] = _font()
    plt.rcParams["axes.unicode_minus"] = False
    counts = Counter((f.category, f.severity) for f in findings)
    categories = sorted({f.category for f in findings}, key=lambda c: -sum(n for (cc, _), n in counts.items() if cc == c))
    height = 1.6 + 0.42 * max(len(categories), 1)
    fig, ax = plt.subplots(figsize=(6.4, height), dpi=110)
    if not categories:
        ax.text(0.5, 0.5, "未发现问题", ha="center", va="center", fontsize=12, color="#64748b")
        ax.axis("off")
        return fig
    left = [0] * len(categories)
    for sev in ("high", "medium", "low"):
        values = [counts.get((c, sev), 0) for c in categories]
        if any(values):
            ax.barh(categories, values, left=left, color=_COLORS[sev], label=f"{SEVERITY_ZH[sev]}风险", height=0.6)
            left = [a + b for a, b in zip(left, values, strict=False)]
    ax.invert_yaxis()
    ax.set_xlabel("问题数量")
    locator = ax.xaxis.get_major_locator()
    if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
        locator.set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title("各类别问题数量", fontsize=11, loc="left")
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=9, frameon=False)
    ax.tick_params(axis="y", labelsize=9)
    fig.tight_layout()
    return fig
