"""A small in-memory knowledge base and retriever implementing the interfaces QAChain uses.

Real statute text (招标投标法, 政府采购法) and a policy paragraph, so that key-sentence picking,
grouping and citation checks are exercised on realistic content. Scores follow character
bigram overlap (like the product's fake embeddings) so that tests are deterministic.
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from assistant.citations import find_article_refs
from assistant.schema import Chunk, DocumentMeta, Hit
from assistant.text_zh import article_label

ZBTB = "中华人民共和国招标投标法"
ZFCG = "中华人民共和国政府采购法"
PLAN = "婺城区招标投标领域治理改革方案(2025-2027年)"

DOCS = [
    DocumentMeta(doc_id="law-zbtbf", title=ZBTB, aliases=["招标投标法", "招投标法"], doc_type="法律"),
    DocumentMeta(doc_id="law-zfcgf", title=ZFCG, aliases=["政府采购法"], doc_type="法律"),
    DocumentMeta(doc_id="law-zfcgf-2002", title=ZFCG, aliases=[], doc_type="法律", status="已修订",
                 superseded_by="law-zfcgf", version="2002-06-29"),
    DocumentMeta(doc_id="wucheng-reform-2025", title=PLAN, aliases=["改革方案"], doc_type="规范性文件",
                 structure="headings"),
]

ARTICLES: list[tuple[str, int | None, str, str | None]] = [
    ("law-zbtbf", 18, "招标人可以根据招标项目本身的要求，在招标公告或者投标邀请书中，要求潜在投标人提供有关资质证明文件和业绩情况，"
     "并对潜在投标人进行资格审查；国家对投标人的资格条件有规定的，依照其规定。\n招标人不得以不合理的条件限制或者排斥潜在投标人，"
     "不得对潜在投标人实行歧视待遇。", None),
    ("law-zbtbf", 24, "招标人应当确定投标人编制投标文件所需要的合理时间；但是，依法必须进行招标的项目，自招标文件开始发出之日起"
     "至投标人提交投标文件截止之日止，最短不得少于二十日。", None),
    ("law-zbtbf", 46, "招标人和中标人应当自中标通知书发出之日起三十日内，按照招标文件和中标人的投标文件订立书面合同。"
     "招标人和中标人不得再行订立背离合同实质性内容的其他协议。\n招标文件要求中标人提交履约保证金的，中标人应当提交。", None),
    ("law-zbtbf", 3, "在中华人民共和国境内进行下列工程建设项目包括项目的勘察、设计、施工、监理以及与工程建设有关的重要设备、"
     "材料等的采购，必须进行招标：（一）大型基础设施、公用事业等关系社会公共利益、公众安全的项目；（二）全部或者部分使用"
     "国有资金投资或者国家融资的项目；（三）使用国际组织或者外国政府贷款、援助资金的项目。", None),
    ("law-zfcgf", 22, "供应商参加政府采购活动应当具备下列条件：（一）具有独立承担民事责任的能力；（二）具有良好的商业信誉和健全的"
     "财务会计制度；（三）具有履行合同所必需的设备和专业技术能力；（四）有依法缴纳税收和社会保障资金的良好记录；（五）参加政府"
     "采购活动前三年内，在经营活动中没有重大违法记录；（六）法律、行政法规规定的其他条件。\n采购人可以根据采购项目的特殊要求，"
     "规定供应商的特定条件，但不得以不合理的条件对供应商实行差别待遇或者歧视待遇。", None),
    ("law-zfcgf-2002", 22, "供应商参加政府采购活动应当具备下列条件：（一）具有独立承担民事责任的能力；（二）具有良好的商业信誉和健全的"
     "财务会计制度。", None),
    ("wucheng-reform-2025", None, "全面推行招标投标全流程电子化，推进远程异地评标，实现评标专家资源共享，"
     "严禁以特定行政区域或者特定行业的业绩、奖项作为加分条件。", "二、重点任务 / （一）推进全流程电子化"),
]


def _meta(doc_id: str) -> DocumentMeta:
    return next(d for d in DOCS if d.doc_id == doc_id)


def make_chunk(doc_id: str, no: int | None, text: str, heading: str | None) -> Chunk:
    meta = _meta(doc_id)
    return Chunk(
        chunk_id=f"{doc_id}:{no or heading}", doc_id=doc_id, title=meta.title, text=text,
        article=article_label(no) if no else None, article_no=no, heading=heading, doc_type=meta.doc_type,
        status=meta.status, is_current=meta.is_current,
    )


CHUNKS = [make_chunk(*a) for a in ARTICLES]


def to_hit(chunk: Chunk, score: float, dense: float | None, via: list[str]) -> Hit:
    return Hit(
        title=chunk.title, article=chunk.article, text=chunk.text, score=score, doc_id=chunk.doc_id,
        doc_type=chunk.doc_type, status=chunk.status, chunk_id=chunk.chunk_id, heading=chunk.heading,
        article_no=chunk.article_no, is_current=chunk.is_current, via=via, dense_score=dense,
    )


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


class FakeKB:
    """The KnowledgeBase methods the Q&A chain calls."""

    def __init__(self, chunks: list[Chunk] = CHUNKS, docs: list[DocumentMeta] = DOCS) -> None:
        self.chunks = chunks
        self.docs = docs

    def generation(self) -> SimpleNamespace:
        """Like KnowledgeBase.generation(): a snapshot name and its chunks (for the vocabulary)."""
        return SimpleNamespace(name="fake-gen", chunks={c.chunk_id: c for c in self.chunks})

    def list_documents(self, include_superseded: bool = True) -> list[DocumentMeta]:
        return [d for d in self.docs if include_superseded or d.is_current]

    def resolve_title(self, name: str) -> DocumentMeta | None:
        for d in self.docs:
            if d.is_current and (name == d.title or name in d.aliases or "中华人民共和国" + name == d.title):
                return d
        return None

    def title_of(self, name: str) -> str | None:
        meta = self.resolve_title(name)
        return meta.title if meta is not None else None

    def alias_map(self) -> dict[str, str]:
        return {a: d.title for d in self.docs if d.is_current for a in (d.title, *d.aliases)}

    def doc_chunks(self, doc_id: str) -> list[Chunk]:
        return [c for c in self.chunks if c.doc_id == doc_id]

    def get_article(self, title_or_alias: str, article_no: int, include_superseded: bool = False) -> Chunk | None:
        meta = self.resolve_title(title_or_alias)
        if meta is None:
            return None
        return next((c for c in self.chunks if c.doc_id == meta.doc_id and c.article_no == article_no), None)


class FakeRetriever:
    """Bigram-overlap search over FakeKB; dense_score is a bounded function of the overlap."""

    def __init__(self, kb: FakeKB) -> None:
        self.kb = kb
        self.queries: list[str] = []

    def search(self, query: str, k: int = 5, *, include_superseded: bool = False, **_: object) -> list[Hit]:
        self.queries.append(query)
        q = _bigrams(query)
        scored = []
        for c in self.kb.chunks:
            if not include_superseded and not c.is_current:
                continue
            overlap = len(q & _bigrams(c.text + c.title)) / max(1, len(q))
            scored.append((overlap, c))
        scored.sort(key=lambda x: -x[0])
        return [to_hit(c, round(s, 4), round(0.7 + 0.3 * s, 4), ["dense", "bm25"]) for s, c in scored[:k] if s > 0]

    def lookup_articles(self, text: str) -> list[Hit]:
        hits = []
        for ref in find_article_refs(text):
            chunk = self.kb.get_article(ref.name, ref.article_no)
            if chunk is not None:
                hits.append(to_hit(chunk, 1.0, None, ["direct"]))
        return hits
