"""Data for the browser-drawn charts (Gradio native plots, rendered by Vega as SVG in the page).

The server only sends numbers and Chinese labels; the browser lays out the text with its own
fonts, so the chart never depends on fonts installed on the server (no □ on a bare machine).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd

from assistant.format_zh import axis_labels
from assistant.schema import SEVERITY_ZH, Finding

SEVERITY_COLORS = {"高风险": "#dc2626", "中风险": "#f97316", "低风险": "#0ea5e9"}
CATEGORY_COL, SEVERITY_COL, COUNT_COL, FULL_NAME_COL = "风险类别", "风险等级", "问题数量", "类别全称"
FRAME_DTYPES = {CATEGORY_COL: "string", SEVERITY_COL: "string", COUNT_COL: "int64", FULL_NAME_COL: "string"}
#: the count axis reaches at least this far: the browser draws about one tick per 40 px of the
#: chart's height (≤ 8 at 320 px), so a domain of at least 6 always gets whole-number steps (1, 2, 5…)
#: instead of 0.0 / 0.5 / 1.0 for a count
MIN_COUNT_AXIS = 6


def count_axis_top(frame: pd.DataFrame) -> int:
    """The upper end of the count axis: the largest category's total (bars are stacked), at least MIN_COUNT_AXIS."""
    largest = int(frame.groupby(CATEGORY_COL)[COUNT_COL].sum().max()) if not frame.empty else 0
    return max(largest, MIN_COUNT_AXIS)


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    """One row per (category, severity) with its count and the category's full name (its axis label
    may be shortened): high-severity rows first, then medium, then low, each severity's categories by
    total, largest first.

    The browser takes the colour legend's order from the rows' first appearance, so this order makes
    the legend read 高风险 / 中风险 / 低风险 (the bars themselves are sorted by the plot's ``sort``).
    """
    counts = Counter((f.category, f"{SEVERITY_ZH[f.severity]}风险") for f in findings)
    totals = Counter(f.category for f in findings)
    order = {c: i for i, (c, _) in enumerate(sorted(totals.items(), key=lambda kv: (-kv[1], kv[0])))}
    sev_order = {s: i for i, s in enumerate(SEVERITY_COLORS)}
    rows = sorted(counts.items(), key=lambda kv: (sev_order.get(kv[0][1], 9), order[kv[0][0]]))
    labels = axis_labels(list(order))
    frame = pd.DataFrame([{CATEGORY_COL: labels[c], SEVERITY_COL: s, COUNT_COL: n, FULL_NAME_COL: c}
                          for (c, s), n in rows],
                         columns=[CATEGORY_COL, SEVERITY_COL, COUNT_COL, FULL_NAME_COL])
    # The same column types with or without rows: an empty frame would otherwise have object columns,
    # Gradio would call the count "nominal", and the browser keeps the empty chart's scales when the
    # next review has a single row (a y-axis tick 「1」, no bar, a legend title without entries).
    return frame.astype(FRAME_DTYPES)

