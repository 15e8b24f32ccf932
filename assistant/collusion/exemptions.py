"""What honest bids may share: the tender (text, metadata values, images) and the 范本 library.

Every text signal works on k-grams that are *not* in this set; every metadata signal ignores
values the tender file itself carries (bidders start from its 投标文件格式).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.collusion.normalize import match_key
from assistant.collusion.reader import DocMeta, ParsedDoc

K = 10  # characters per k-gram (after normalisation: 汉字, letters, digits only)
# Shortest tender/范本 piece on either side of a join: a k-gram that is two such pieces put together is a form
# filled in (「我方已仔细研究了」+「全国司法加密网专线传输项目」: the 投标函's words around the project's own name).
PIECE = 4


def kgrams(chars: str, k: int = K) -> set[str]:
    return {chars[i:i + k] for i in range(len(chars) - k + 1)}


def pieces(chars: str, k: int = K) -> set[str]:
    """Every substring of PIECE to k - PIECE characters: the halves `Exemptions.covers` joins."""
    return {chars[i:i + n] for n in range(PIECE, k - PIECE + 1) for i in range(len(chars) - n + 1)}


@dataclass
class Exemptions:
    kgrams: set[str] = field(default_factory=set)
    tender_text_key: str = ""
    meta_values: set[str] = field(default_factory=set)
    rsids: set[str] = field(default_factory=set)
    image_hashes: set[str] = field(default_factory=set)
    template_names: list[str] = field(default_factory=list)
    pieces: set[str] = field(default_factory=set)  # of the tender and the 范本 library (see `covers`)

    @classmethod
    def build(cls, tender: ParsedDoc | None, templates: dict[str, str], extra_texts: list[str] | None = None) -> Exemptions:
        ex = cls(template_names=sorted(templates))
        for text in [*templates.values(), *(extra_texts or [])]:
            ex.kgrams |= kgrams(match_key(text))
            ex.pieces |= pieces(match_key(text))
        if tender is not None:
            key = "".join(match_key(u.text) for u in tender.units)
            ex.tender_text_key = key
            ex.kgrams |= kgrams(key)
            ex.pieces |= pieces(key)
            ex.meta_values |= _meta_values(tender.meta)
            ex.rsids = set(tender.meta.rsids) | ({tender.meta.rsid_root} if tender.meta.rsid_root else set())
            ex.image_hashes = set(tender.image_hashes)
        return ex

    def covers(self, gram: str) -> bool:
        """The k-gram is text honest bids share: in the tender, the 范本 library or the laws, or two pieces of the
        tender or 范本 joined. Every bidder fills in a form with the same values, which the tender names too (project
        name and number, 招标代理, 「见开标一览表」), so the joins between the form's words and these values are common
        to all bids although the tender never has them in one piece."""
        return gram in self.kgrams or any(gram[:s] in self.pieces and gram[s:] in self.pieces
                                          for s in range(PIECE, len(gram) - PIECE + 1))

    def in_tender_text(self, value: str) -> bool:
        key = match_key(value)
        return bool(key) and key in self.tender_text_key


def _meta_values(meta: DocMeta) -> set[str]:
    vals = {meta.author, meta.last_modified_by, meta.company, meta.template, meta.wps_hdid, meta.wps_user_id,
            meta.wps_icv, meta.pdf_id0, meta.xmp_document_id, meta.xmp_original_document_id}
    return {v for v in vals if v}
