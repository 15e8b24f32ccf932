"""Typed results of the collusion analysis (the JSON contract of issue #15)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.schema import Basis

Tier = Literal["强", "中", "弱"]
Risk = Literal["high", "medium", "low"]
Regime = Literal["工程", "政府采购"]

TIER_ORDER: dict[str, int] = {"强": 0, "中": 1, "弱": 2}


class Excerpt(BaseModel):
    """One side of a piece of evidence: where it is and the text around the shared part."""

    file: str
    location: str = ""
    text: str = ""
    highlight: str = ""  # the shared part inside `text` (shown highlighted)


class Evidence(BaseModel):
    """A concrete item: a shared passage, value or price row, with both sides when they exist."""

    description: str
    value: str | None = None
    a: Excerpt | None = None
    b: Excerpt | None = None


class Signal(BaseModel):
    """One signal family found for a pair, with its tier, evidence, legal hook and innocent checks."""

    kind: str
    label: str
    tier: Tier
    evidence: list[Evidence] = Field(default_factory=list)
    legal_ref: str = ""
    basis: list[Basis] = Field(default_factory=list)
    innocent_explanations_checked: list[str] = Field(default_factory=list)
    is_collusion_presumption: bool = True  # False: 同一法定代表人 (投标无效, not 串通)


class PairResult(BaseModel):
    a: str
    b: str
    bidder_a: str | None = None
    bidder_b: str | None = None
    risk: Risk
    score: float
    signals: list[Signal] = Field(default_factory=list)


class Group(BaseModel):
    """Bidders linked by strong evidence, or a finding that concerns three or more bids."""

    members: list[str]
    kind: str
    description: str
    tier: Tier = "中"
    evidence: list[Evidence] = Field(default_factory=list)
    legal_ref: str = ""
    basis: list[Basis] = Field(default_factory=list)


class BidSummary(BaseModel):
    file: str
    bidder: str | None = None
    total_price: float | None = None
    format: str = ""
    pages: int | None = None
    warnings: list[str] = Field(default_factory=list)


class CollusionReport(BaseModel):
    tender: str
    regime: Regime
    # where the regime was read: the 招标文件, or the bids when the 招标文件 is another project's (see warnings)
    regime_from: Literal["tender", "bids"] = "tender"
    bids: list[BidSummary]
    pairs: list[PairResult]
    groups: list[Group] = Field(default_factory=list)
    context: list[str] = Field(default_factory=list)  # dispersion screens: never findings alone
    checks: dict[str, object] = Field(default_factory=dict)
    limitations: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    glossary: list[str] = Field(default_factory=list)  # 术语说明: the score scale and the technical words used
    elapsed_s: float = 0.0
