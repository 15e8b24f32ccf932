"""Text normalisation for matching: evasion-proof (zero-width, bidi, width, punctuation, spaces)."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D,
     0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x180E],
)
_SPACES = re.compile(r"\s+")


def shown_text(text: str) -> str:
    """The text as the bidder wrote it, for evidence: invisible and direction characters removed,
    whitespace collapsed, nothing else changed (full-width punctuation and digits stay)."""
    return _SPACES.sub(" ", text.translate(_INVISIBLE)).strip()


def clean_text(text: str) -> str:
    """Text for reading facts: NFKC, invisible and direction characters removed, whitespace collapsed."""
    return shown_text(unicodedata.normalize("NFKC", text))


def _keep(ch: str) -> bool:
    return ch.isalnum()  # CJK ideographs, letters and digits; punctuation and spaces are dropped


def match_key(text: str) -> str:
    """The string matched across bids: only letters, digits and 汉字, lower case."""
    return "".join(ch for ch in clean_text(text).lower() if _keep(ch))


@dataclass(frozen=True)
class StockAnswers:
    """Stock answers under requirements copied from the tender (「响应：满足。」, 「无偏离」): not the bidder's
    own text. Left in, they join the tender's paragraphs into runs the tender never has, so an honest
    point-by-point response looked like text all bids share and the tender lacks."""

    whole: re.Pattern[str] | None = None
    suffix: re.Pattern[str] | None = None

    @classmethod
    def build(cls, answers: list[str], labels: list[str]) -> StockAnswers:
        ans = _alternation(answers)
        if not ans:
            return cls()
        lab = _alternation(labels)
        whole = re.compile(rf"(?:{lab}|{ans})*(?:{ans})" if lab else rf"(?:{ans})+")
        suffix = re.compile(rf"(?:{lab})(?:{ans})+$") if lab else None
        return cls(whole, suffix)

    def strip(self, key: str) -> str:
        """A unit's match key without its stock answer: "" when it is nothing else."""
        if self.whole is not None and self.whole.fullmatch(key):
            return ""
        return self.suffix.sub("", key) if self.suffix is not None else key


def _alternation(words: list[str]) -> str:
    keys = sorted({match_key(w) for w in words} - {""}, key=len, reverse=True)
    return "|".join(re.escape(k) for k in keys)


@dataclass
class MatchText:
    """A document's match string with, per character, the index of the unit it came from."""

    chars: str
    unit_of: list[int]

    @classmethod
    def build(cls, texts: list[str], stock: StockAnswers | None = None) -> MatchText:
        parts: list[str] = []
        owners: list[int] = []
        for i, t in enumerate(texts):
            key = stock.strip(match_key(t)) if stock is not None else match_key(t)
            parts.append(key)
            owners.extend([i] * len(key))
        return cls("".join(parts), owners)

    def key_of(self, unit: int) -> str:
        """One unit's match key: its characters are one run of the match string (units are appended in order)."""
        return self.chars[bisect_left(self.unit_of, unit):bisect_right(self.unit_of, unit)]
