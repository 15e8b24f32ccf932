"""Pair risk from signal tiers (words, not probabilities); a single 弱 signal never makes a finding."""

from __future__ import annotations

from assistant.collusion.models import TIER_ORDER, Risk, Signal

WEIGHT = {"强": 100.0, "中": 10.0, "弱": 1.0}


def score(signals: list[Signal]) -> float:
    """Ranking key: strong families first, then medium, then weak; evidence count breaks ties."""
    total = sum(WEIGHT[s.tier] for s in signals)
    total += min(9, sum(len(s.evidence) for s in signals if s.tier != "弱")) * 0.1
    return round(total, 2)


def risk(signals: list[Signal]) -> Risk:
    tiers = [s.tier for s in signals]
    if "强" in tiers or tiers.count("中") >= 2:
        return "high"
    if "中" in tiers or tiers.count("弱") >= 2:
        return "medium"
    return "low"


def sort_signals(signals: list[Signal]) -> list[Signal]:
    return sorted(signals, key=lambda s: (TIER_ORDER[s.tier], s.kind))
