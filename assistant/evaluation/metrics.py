"""Metric arithmetic and text matching, kept pure so that it can be unit-tested without models."""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from difflib import SequenceMatcher

from assistant.text_zh import char_pairs

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def squash(text: str) -> str:
    """NFKC, drop whitespace and punctuation: PDF line breaks and 全角/半角 differences vanish."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text or ""))


def contains_passage(text: str, passage: str) -> bool:
    p = squash(passage)
    return bool(p) and p in squash(text)


def overlaps(a: str, b: str, min_common: int = 10) -> bool:
    """Do two clause texts overlap? Containment, or a common run of ≥ min(min_common, 60% of the shorter)."""
    x, y = squash(a), squash(b)
    if not x or not y:
        return False
    if x in y or y in x:
        return True
    shorter = min(len(x), len(y))
    need = max(4, min(min_common, math.ceil(0.6 * shorter)))
    m = SequenceMatcher(None, x, y, autojunk=False).find_longest_match(0, len(x), 0, len(y))
    return m.size >= need


def bigram_dice(a: str, b: str) -> float:
    """Dice similarity of two texts' character pairs (0..1): how nearly one question restates another."""
    x, y = char_pairs(a), char_pairs(b)
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def first_rank(flags: Sequence[bool]) -> int | None:
    """1-based rank of the first True, or None."""
    for i, ok in enumerate(flags, 1):
        if ok:
            return i
    return None


def fold_of(key: str, k: int) -> int:
    """The cross-validation fold (0..k-1) of an item, fixed by the sha1 of ``key`` (its id or question)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % k


def hit_at(ranks: Iterable[int | None], k: int) -> float:
    ranks = list(ranks)
    return sum(1 for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def mrr(ranks: Iterable[int | None], k: int = 10) -> float:
    ranks = list(ranks)
    return sum(1.0 / r for r in ranks if r is not None and r <= k) / len(ranks) if ranks else 0.0


def ranking_metrics(ranks: Sequence[int | None]) -> dict[str, float | int]:
    return {"n": len(ranks), "hit@1": round(hit_at(ranks, 1), 4), "hit@5": round(hit_at(ranks, 5), 4),
            "mrr@10": round(mrr(ranks, 10), 4)}


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall, F1 (None-free: an empty denominator gives 0 and says so via counts)."""
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}


def percentile(values: Sequence[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return float(xs[lo] + (xs[hi] - xs[lo]) * (pos - lo))


def ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 0.0
