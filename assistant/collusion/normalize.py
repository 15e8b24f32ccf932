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


@dataclass
class MatchText:
    """A document's match string with, per character, the index of the unit it came from."""

    chars: str
    unit_of: list[int]

    @classmethod
    def build(cls, texts: list[str]) -> MatchText:
        parts: list[str] = []
        owners: list[int] = []
        for i, t in enumerate(texts):
            key = match_key(t)
            parts.append(key)
            owners.extend([i] * len(key))
        return cls("".join(parts), owners)

    def key_of(self, unit: int) -> str:
        """One unit's match key: its characters are one run of the match string (units are appended in order)."""
        return self.chars[bisect_left(self.unit_of, unit):bisect_right(self.unit_of, unit)]
