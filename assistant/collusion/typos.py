"""T2 shared misspellings found with the tokenizer's dictionary, not with a list of known typos.

A candidate is two characters that jieba (without its HMM, which would glue unknown characters into a
"new word") leaves as two single-character tokens and that are no dictionary word, but become a common
word when one character is changed (「提共」 -> 「提供」). The common word must be used in the tender at
least FIX_MIN_USES times, so the error is one in this project's own vocabulary. It counts only when exactly
two bids contain it, at most twice each, and neither the tender nor any other bid does: independent writers
rarely make the same slip in the same word. Names of people and companies found in the bids, numerals, pairs
with a function character (在、由…), pairs led by a negation (「未作规定」: negation + verb is a phrase) and
pairs whose characters belong to a neighbouring word (「人员及」) are never candidates; correct technical terms the
dictionary lacks (运维、割接…) are listed in lexicon.yaml `not_typos`.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from itertools import combinations

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.duplicates import count_bidders
from assistant.collusion.normalize import shown_text
from assistant.text_zh import tokenizer

FIX_MIN_FREQ = 300  # the corrected word must be common in the language (jieba frequency) ...
FIX_MIN_USES = 10  # ... and in this project: the tender uses it at least this often
FUNCTION_CHAR_FREQ = 50_000  # 在、由、前、后…: they stand between words everywhere, any pair with them is noise
# Negation adverbs join the next verb, adjective or noun freely (「未作规定」「未按」「非属」「无此」): a pair that starts
# with one is a phrase, not a two-character word one could misspell. 不 and 没 are already function characters.
NEGATIONS = frozenset("不没未无非勿毋莫")
CONTEXT = 2  # characters either side of a slip: a correction is printed only when the tender writes it next to them
MAX_USES = 2  # a habitual spelling repeated all over a bid is more likely a term than a slip
_NUMERALS = set("〇零一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_CJK_SIDE = re.compile(rf"[\u4e00-\u9fff]{{{CONTEXT}}}")

_lock = threading.Lock()
_tables: tuple[dict[str, int], dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]] | None = None


def _dictionary() -> tuple[dict[str, int], dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
    """jieba's frequencies, and its common two-character words by first and by second character."""
    global _tables
    if _tables is None:
        with _lock:
            if _tables is None:
                freq: dict[str, int] = tokenizer().FREQ
                by_first: dict[str, list[tuple[int, str]]] = defaultdict(list)
                by_second: dict[str, list[tuple[int, str]]] = defaultdict(list)
                for w, f in freq.items():
                    if len(w) == 2 and f >= FIX_MIN_FREQ and all("\u4e00" <= c <= "\u9fff" for c in w):
                        by_first[w[0]].append((f, w))
                        by_second[w[1]].append((f, w))
                for table in (by_first, by_second):
                    for v in table.values():
                        v.sort(reverse=True)
                _tables = (freq, dict(by_first), dict(by_second))
    return _tables


def flat(text: str) -> str:
    """Text as the typo checks read it: spaces and invisible characters removed (zero-width characters put
    between the letters of a slip must not hide it, as they do not hide a copied passage)."""
    return "".join(shown_text(text).split())


def candidates(text: str) -> set[str]:
    """Two-character non-words as the tokenizer cuts them (see the module docstring)."""
    freq = _dictionary()[0]
    tok = tokenizer()
    out: set[str] = set()
    for run in _CJK_RUN.findall(shown_text(text)):  # invisible characters out, spaces still separate runs
        words = tok.lcut(run, HMM=False)
        pos = 0
        for n in range(len(words) - 1):
            pair = words[n] + words[n + 1]
            if (len(pair) == 2 and not freq.get(pair) and not _NUMERALS & set(pair) and pair[0] not in NEGATIONS
                    and all(freq.get(c, 0) < FUNCTION_CHAR_FREQ for c in pair) and not _bound(run, pos, freq)):
                out.add(pair)
            pos += len(words[n])
    return out


def _bound(run: str, pos: int, freq: dict[str, int]) -> bool:
    """The pair at run[pos:pos+2] straddles word boundaries: a word ends at its first character or starts at its
    second (「人员及」: 「人员」; 「尚未作」: 「尚未」), so the two characters belong to their neighbours, not together."""
    ends = any(freq.get(run[pos + 1 - n:pos + 1]) for n in range(2, 5) if pos + 1 - n >= 0)
    starts = any(freq.get(run[pos + 1:pos + 1 + n]) for n in range(2, 5) if pos + 1 + n <= len(run))
    return ends or starts


def corrections(pair: str, tender: str) -> list[str]:
    """The common words one character away that the tender uses at least FIX_MIN_USES times, most used first
    (none: not a misspelling of this project's vocabulary)."""
    _, by_first, by_second = _dictionary()
    options = {w for _f, w in by_first.get(pair[0], []) if w[1] != pair[1]}
    options |= {w for _f, w in by_second.get(pair[1], []) if w[0] != pair[0]}
    uses = sorted(((tender.count(w), w) for w in options), reverse=True)
    return [w for n, w in uses if n >= FIX_MIN_USES]


def contexts(wrong: str, texts: list[str]) -> set[tuple[str, str]]:
    """The CONTEXT characters before and after each use of a misspelling ("" for a side that is not all 汉字)."""
    out: set[tuple[str, str]] = set()
    for t in texts:
        for m in re.finditer(re.escape(wrong), t):
            left, right = t[max(0, m.start() - CONTEXT):m.start()], t[m.end():m.end() + CONTEXT]
            out.add((left if _CJK_SIDE.fullmatch(left) else "", right if _CJK_SIDE.fullmatch(right) else ""))
    return out


def sure_correction(options: list[str], around: set[tuple[str, str]], corpus: str) -> str:
    """The word to print as 「应为」: the only option that the tender (or another bid) writes next to the same
    characters as the misspelling (「技术服务保章」: the tender has 「服务保障」, never 「服务保证」 or 「服务保密」, although it
    uses 保证 more often, in 保证金). "" when no option or several fit: a guess must not reach the minutes."""
    fits = [w for w in options if any((left and left + w in corpus) or (right and w + right in corpus)
                                      for left, right in around)]
    return fits[0] if len(fits) == 1 else ""


@dataclass(frozen=True)
class SharedTypo:
    wrong: str
    right: str  # "" when the intended word is not certain
    unit_a: int
    unit_b: int


class TypoIndex:
    """Per bid: its candidate misspellings; shared ones are looked up per pair."""

    def __init__(self, bids: list[BidFacts], party: list[int], tender_text: str, known: list[str], not_typos: list[str]) -> None:
        """`party`: per bid, its bidder (as in `SharedIndex`); a misspelling counts when two bidders share it."""
        self.flat = [flat(b.doc.text) for b in bids]
        tender = flat(tender_text)
        corpus = "\n".join([tender, *self.flat])  # where a correction is looked for next to the slip's neighbours
        names = _names(bids) | set(not_typos)
        found_in: dict[str, set[int]] = defaultdict(set)
        for i, b in enumerate(bids):
            for unit in b.doc.units:
                for c in candidates(unit.text):
                    found_in[c].add(i)
        self.shared: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        for c, who in sorted(found_in.items()):
            if count_bidders(who, party) != 2 or c in tender or any(c in nm for nm in names) or any(c in k for k in known):
                continue
            if any(self.flat[i].count(c) > MAX_USES for i in who):
                continue
            options = corrections(c, tender)
            if options:
                right = sure_correction(options, contexts(c, [self.flat[i] for i in who]), corpus)
                for i, j in combinations(sorted(who), 2):
                    if party[i] != party[j]:
                        self.shared[(i, j)].append((c, right))

    def pair(self, i: int, j: int, a: BidFacts, b: BidFacts) -> list[SharedTypo]:
        out = []
        for wrong, right in self.shared.get((min(i, j), max(i, j)), []):
            ua = next((n for n, u in enumerate(a.doc.units) if wrong in flat(u.text)), 0)
            ub = next((n for n, u in enumerate(b.doc.units) if wrong in flat(u.text)), 0)
            out.append(SharedTypo(wrong, right, ua, ub))
        return out


def _names(bids: list[BidFacts]) -> set[str]:
    """People and companies named in the bids: their characters are never a misspelling."""
    names: set[str] = set()
    for b in bids:
        for found in b.entities.people.values():
            names |= {f.value for f in found}
        names |= {f.value for f in b.entities.companies}
        if b.entities.bidder:
            names.add(b.entities.bidder)
    return names
