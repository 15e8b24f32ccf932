"""Numbers, dates, booleans and review facts written for people, in Simplified Chinese.

One definition shared by the web UI, the CLI and the report renderers: 「20 日」, 「15%」, 「是/否」,
「2026年3月16日」, 「1,200,000 元（120 万元）」. Machine formats (JSON, the REST API) keep raw values.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$")

MONEY_KEYS = frozenset({"budget", "max_price", "estimate", "bid_bond", "performance_bond", "estimated_price"})
FRACTION_KEYS = frozenset({"bid_bond_pct", "price_weight", "sme_share"})
DAY_KEYS = frozenset({"bid_validity_days", "bond_validity_days"})
PEOPLE_KEYS = frozenset({"committee_size", "committee_experts"})
DATE_KEYS = frozenset({"sale_start", "sale_end", "announce_date", "deadline", "clarification_dates", "issue_date",
                       "bid_open_date", "bid_deadline", "objection_by", "prequal_sale_end", "prequal_deadline"})
REGIME_ZH = {"工程": "依法必须招标的工程建设项目（招标投标法体系）", "政府采购": "政府采购项目（政府采购法体系）"}
SUBJECT_ZH = {"goods": "货物", "services": "服务", "works": "工程"}
_UNIT_SUFFIX = re.compile(r"（(?:元|日|天|%|人)）$")


def number(value: float) -> str:
    """12 → 「12」, 90.0 → 「90」, 0.125 → 「0.125」 (never a trailing 「.0」)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return f"{value:g}" if isinstance(value, float) else str(value)


def days(value: float) -> str:
    return f"{number(value)} 日"


def percent(value: float) -> str:
    """A fraction (0.15) or a percentage (15) → 「15%」."""
    pct = value * 100 if abs(value) <= 1 else value
    return f"{round(pct, 2):g}%"


def _wan(value: float) -> str:
    """3064194 → 「306.4194」: the amount in 万元 with every digit of the yuan amount (:g keeps only 6)."""
    return f"{value / 10000:,.4f}".rstrip("0").rstrip(".")


def money(value: float) -> str:
    """1200000 → 「1,200,000 元（120 万元）」; cents only when present."""
    text = f"{value:,.2f}".removesuffix(".00")
    if abs(value) >= 10000:
        return f"{text} 元（{_wan(value)} 万元）"
    return f"{text} 元"


def money_short(value: float) -> str:
    """The amount inside a sentence: 3064194 → 「306.4194万元」, 5000 → 「5,000元」 (every digit kept)."""
    if abs(value) >= 10000:
        return f"{_wan(value)}万元"
    return f"{value:,.2f}".removesuffix(".00") + "元"


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def date_zh(value: str | _dt.date | None, with_time: bool = True) -> str:
    """ISO date or timestamp → 「2026年3月16日」 (with 「 14:05」 when it has a time of day).

    Anything that is not an ISO date is returned unchanged (it is already text for people).
    """
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        value = value.isoformat(timespec="minutes")
    elif isinstance(value, _dt.date):
        value = value.isoformat()
    m = _ISO.match(str(value).strip())
    if not m:
        return str(value)
    y, mo, d, hh, mm = m.groups()
    text = f"{int(y)}年{int(mo)}月{int(d)}日"
    if with_time and hh is not None and (int(hh), int(mm)) != (0, 0):
        text += f" {int(hh):02d}:{mm}"
    return text


def plain_label(label: str) -> str:
    """「投标有效期（日）」 → 「投标有效期」: the unit moves into the value (「90 日」)."""
    return _UNIT_SUFFIX.sub("", label)


def fact_text(key: str, value: Any) -> str:  # noqa: C901 - one branch per fact kind
    """One extracted project fact as a person reads it."""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, _dt.date):
        return date_zh(value)
    if isinstance(value, (list, tuple)):
        return "、".join(fact_text(key, v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{fact_text(k, v)}" for k, v in value.items() if v not in (None, "", []))
    if isinstance(value, (int, float)):
        if key in MONEY_KEYS:
            return money(value)
        if key in FRACTION_KEYS or key.endswith("_pct"):
            return percent(value)
        if key in DAY_KEYS or key.endswith("_days"):
            return days(value)
        if key in PEOPLE_KEYS:
            return f"{number(value)} 人"
        return number(value)
    if key == "regime":
        return REGIME_ZH.get(str(value), str(value))
    if key == "subject":
        return SUBJECT_ZH.get(str(value), str(value))
    if key in DATE_KEYS or (isinstance(value, str) and _ISO.match(value.strip())):
        return date_zh(str(value))
    return str(value)


def fact_rows(facts: dict[str, Any], default_labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(label, text) rows of a report's `facts` (its own `labels` entry names the keys)."""
    facts = dict(facts or {})
    labels = {**(default_labels or {}), **{k: str(v) for k, v in (facts.pop("labels", None) or {}).items()}}
    rows = []
    for key, value in facts.items():
        if value in (None, "", [], {}) or (isinstance(value, dict) and not any(value.values())):
            continue
        rows.append((plain_label(labels.get(key, key)), fact_text(key, value)))
    return rows


_PHRASE_STOPS = frozenset("，。；：、！？,.;:!?（）()【】「」『』“”\"'《》\n\t ")


def phrase_bounds(text: str, start: int, end: int, reach: int = 4) -> tuple[int, int]:
    """Widen [start, end) of `text` to whole phrases: back to the previous and on to the next
    punctuation mark, each at most `reach` characters away (else the span is kept as it was)."""
    start, end = max(0, start), min(len(text), end)
    a = start
    while a > 0 and start - a < reach and text[a - 1] not in _PHRASE_STOPS:
        a -= 1
    if a > 0 and text[a - 1] not in _PHRASE_STOPS:
        a = start
    b = end
    while b < len(text) and b - end < reach and text[b] not in _PHRASE_STOPS:
        b += 1
    if b < len(text) and text[b] not in _PHRASE_STOPS:
        b = end
    return a, b


def sentences(*parts: str) -> str:
    """Chinese sentences run together without spaces (「……理由）。采购限额……」); a part with no closing
    punctuation gets a full stop so that it does not run into the next one."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1] not in "。！？；…":
            out += "。"
        out += part
    return out


def fmt_bytes(n: int) -> str:
    """A size in bytes for people: 「1.5 MB」, 「2.0 GB」, 「512 字节」."""
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} 字节"


#: chart axis labels longer than this are shortened (the full name goes in a tooltip)
LABEL_CHARS = 8


def axis_labels(categories: list[str]) -> dict[str, str]:
    """Category → its axis label: the name itself, or its first characters and 「…」 when long;
    longer prefixes where two would read the same."""
    labels: dict[str, str] = {}
    for cat in categories:
        n = LABEL_CHARS - 1
        label = cat if len(cat) <= LABEL_CHARS else cat[:n] + "…"
        while label in labels.values() and n < len(cat):
            n += 1
            label = cat if n >= len(cat) else cat[:n] + "…"
        labels[cat] = label
    return labels
