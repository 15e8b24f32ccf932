"""Uploaded files that are not two bidders: one file uploaded twice, or two files of the same bidder.

Screened before any pair is scored. Identical files are analysed once. Two files that name the same bidder
are never compared with each other (that is no 「两家」), but each is still compared with the other bidders.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.normalize import match_key

#: identical text shorter than this (a scan with only a typed cover line) does not make two files the same
MIN_IDENTICAL_CHARS = 200


@dataclass
class Screening:
    bids: list[BidFacts]  # the files analysed (one of each set of identical files)
    repeated: list[str]  # the files left out: the same content as an analysed file
    party: list[int]  # per analysed file: the index of the first file of its bidder (itself when alone)
    warnings: list[str]

    def same_bidder(self, i: int, j: int) -> bool:
        return self.party[i] == self.party[j]

    def bidder_of(self) -> dict[str, int]:
        """File name -> its bidder (the index of the bidder's first file)."""
        return {b.file: self.party[n] for n, b in enumerate(self.bids)}

    def first_files(self) -> list[BidFacts]:
        """One file per bidder (its first), for the statistics over bidders (报价规律、离散度)."""
        return [b for n, b in enumerate(self.bids) if self.party[n] == n]


def count_bidders(files: Iterable[int], party: Sequence[int]) -> int:
    """How many bidders the files (indices into the analysed bids) belong to: one bidder's files count once."""
    return len({party[i] for i in files})


def screen(bids: list[BidFacts], tender_key: str) -> Screening:
    """Drop repeated uploads and group files by bidder name; `tender_key` is the tender's match key (a name
    that the tender itself contains is its placeholder or agent, not a bidder's)."""
    kept, warnings = _drop_identical(bids)
    party, same = _parties(kept, tender_key)
    warnings += same
    if warnings and len(set(party)) < 2:
        warnings.append("除去重复的文件后只剩一家投标人，没有可以比对的投标人对。")
    analysed = {b.file for b in kept}
    return Screening(bids=kept, repeated=[b.file for b in bids if b.file not in analysed], party=party, warnings=warnings)


def _identical(a: BidFacts, b: BidFacts) -> bool:
    if a.doc.digest and a.doc.digest == b.doc.digest:
        return True
    return len(a.match.chars) >= MIN_IDENTICAL_CHARS and a.match.chars == b.match.chars


def _drop_identical(bids: list[BidFacts]) -> tuple[list[BidFacts], list[str]]:
    kept: list[BidFacts] = []
    warnings: list[str] = []
    for b in bids:
        first = next((k for k in kept if _identical(k, b)), None)
        if first is None:
            kept.append(b)
        else:
            warnings.append(f"{first.file} 与 {b.file} 内容完全相同，已只分析其中一份（{first.file}）。若为同一投标人重复上传，"
                            "可不予理会；若两份分别由两家投标人递交，则属投标文件异常一致（视为串通投标的情形），"
                            "请按递交记录核实。")
    return kept, warnings


def _bidder_key(b: BidFacts, tender_key: str) -> str:
    """The bidder name as matched across files; "" when unknown or when the tender itself has the name."""
    key = match_key(b.entities.bidder or "")
    return "" if not key or key in tender_key else key


def _other_entity(a: BidFacts, b: BidFacts) -> bool:
    """Both files carry 统一社会信用代码 and share none: two legal entities, whatever name they print."""
    ca, cb = {f.value for f in a.entities.usccs}, {f.value for f in b.entities.usccs}
    return bool(ca and cb and not ca & cb)


def _parties(bids: list[BidFacts], tender_key: str) -> tuple[list[int], list[str]]:
    party: list[int] = []
    warnings: list[str] = []
    first_of: dict[str, int] = {}
    for n, b in enumerate(bids):
        key = _bidder_key(b, tender_key)
        first = first_of.setdefault(key, n) if key else n
        if _other_entity(bids[first], b):
            first = n
        party.append(first)
        if first != n:
            warnings.append(f"{bids[first].file} 与 {b.file} 为同一投标人（{b.entities.bidder}）的两份文件，"
                            "未作为两家投标人比对。请按递交记录核实：若分别由两家投标人递交，"
                            "应将两份文件作为两家投标人重新分析。")
    return party, warnings
