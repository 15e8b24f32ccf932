"""Everything the pair checks need about one bid, computed once per bid."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.collusion.entities import Entities, extract
from assistant.collusion.models import Evidence, Excerpt
from assistant.collusion.normalize import MatchText, StockAnswers
from assistant.collusion.prices import PriceTable, read_prices
from assistant.collusion.reader import ParsedDoc


@dataclass
class BidFacts:
    doc: ParsedDoc
    entities: Entities
    match: MatchText
    prices: PriceTable
    #: per unit: inside product literature (filled on first use by text_signals.literature_units)
    literature: list[bool] | None = field(default=None, repr=False, compare=False)

    @property
    def file(self) -> str:
        return self.doc.file

    @classmethod
    def build(cls, doc: ParsedDoc, fixed_fee_keywords: list[str], tender_keys: frozenset[str] = frozenset(),
              stock: StockAnswers | None = None) -> BidFacts:
        """`stock`: the answers written under requirements copied from the tender, left out of the match text."""
        return cls(doc=doc, entities=extract(doc), match=MatchText.build([u.text for u in doc.units], stock),
                   prices=read_prices(doc, fixed_fee_keywords, tender_keys))

    def excerpt(self, unit: int, highlight: str = "", width: int = 160) -> Excerpt:
        if not self.doc.units:
            return Excerpt(file=self.file)
        u = self.doc.units[max(0, min(unit, len(self.doc.units) - 1))]
        text = whole = u.verbatim  # evidence as the bidder wrote it (full-width colons and digits kept)
        highlight = u.verbatim_of(highlight)
        if len(text) > width:
            pos = text.find(highlight) if highlight else -1
            start = max(0, pos - 30) if pos >= 0 else 0
            text = ("…" if start else "") + text[start:start + width] + ("…" if start + width < len(whole) else "")
        return Excerpt(file=self.file, location=u.location, text=text, highlight=highlight)


def value_evidence(description: str, value: str, a: BidFacts, ua: int, b: BidFacts, ub: int,
                   value_b: str | None = None) -> Evidence:
    """A value found in both bids; `value_b`: B's own text of it when B writes it differently (a price)."""
    return Evidence(description=description, value=value, a=a.excerpt(ua, value), b=b.excerpt(ub, value_b or value))
