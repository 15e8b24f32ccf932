"""The review rule catalogue (knowledge_base/review_rules.yaml): load, validate, verify, index.

Why data: officials and agents must be able to read and amend what the product checks
(article numbers, thresholds, wording of suggestions) without touching code.
"""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from assistant.config import resource_dir
from assistant.errors import BackendError, ConfigError
from assistant.review.check_params import CHECK_PARAMS
from assistant.schema import CONFIDENCE_ZH, SEVERITY_ZH, Chunk, DocumentMeta, Location

if TYPE_CHECKING:
    from assistant.review.facts import ProjectFacts
from assistant.titles import facts_for, knowledge_base_dir

log = logging.getLogger(__name__)

AppliesTo = Literal["工程", "政府采购", "both"]
Regime = Literal["工程", "政府采购"]

CATALOGUE_DOC_ID = "review-rules"
CATALOGUE_TITLE = "招标文件审查要点"
DEFAULT_CATALOGUE = resource_dir("knowledge_base") / "review_rules.yaml"
NOT_IN_KB_NOTE = "知识库未收录该法规，请导入后核对条文"


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str
    aliases: list[str] = Field(default_factory=list)
    # the regime the document governs (《招标投标领域公平竞争审查规则》: 工程); cited against a tender of the
    # other regime its articles are at most medium confidence
    regime: Literal["工程", "政府采购", "both"] = "both"


def source_aliases(src: Source) -> list[str]:
    """A source's short names: the one title table (manifest + aliases.yaml), then any listed here."""
    facts = facts_for(src.title)
    known = [*(facts.aliases if facts else ()), *([facts.doc_number] if facts and facts.doc_number else [])]
    return list(dict.fromkeys([*known, *src.aliases]))


class BasisRef(BaseModel):
    """One legal basis of a rule: a title and an article, as the checklist states them."""

    model_config = ConfigDict(extra="forbid")

    src: str
    title: str = ""  # filled from `sources`
    aliases: list[str] = Field(default_factory=list)
    article: str | None = None  # "第二十四条"
    part: str | None = None  # "第一款", "第（七）项": shown, not looked up
    applies_to: AppliesTo = "both"
    confidence: Literal["high", "med"] = "high"
    key: str | None = None  # detectors may select basis items by key
    quote: str | None = None  # a phrase the article text must contain (checked against the shipped KB text)
    regime: Literal["工程", "政府采购", "both"] = "both"  # filled from `sources`

    @field_validator("article")
    @classmethod
    def _article_label(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"第[零一二三四五六七八九十百千]+条(之[一二三四五六七八九十])?", v):
            raise ValueError(f"article must look like 第二十四条, got {v!r}")
        return v

    @property
    def label(self) -> str:
        return f"《{self.title}》{self.article or ''}{self.part or ''}"


UseContext = Literal["scoring", "qualification", "any"]


class LawfulCase(BaseModel):
    """A situation a rule's legal basis expressly permits, and the basis saying so (shown when a model's
    finding on it is rejected)."""

    model_config = ConfigDict(extra="forbid")

    pattern: str
    why: str


class Detector(BaseModel):
    """How a rule finds candidates: a pattern, a concept, a number near a keyword, a cross-clause check, or the LLM.

    `concept` describes a risk as concepts rather than sentences: `what` (terms such as 注册地,
    本地, 办公用房), optionally `who` (投标人/供应商), and `use` — the term must appear in a scoring
    context (a 评分 table row, 「得N分」「加N分」) or a qualification context (须/应/资格条件/否则无效).
    """

    model_config = ConfigDict(extra="forbid")

    type: Literal["pattern", "concept", "quantity", "numeric", "semantic"]
    key: str | None = None
    applies_to: AppliesTo | None = None
    # only when the procurement's object (工程/货物/服务, read from the tender) is one of these; empty: any
    subjects: list[Literal["工程", "货物", "服务"]] = Field(default_factory=list)
    # not when the object of procurement is one of these (an unknown object still qualifies)
    except_subjects: list[Literal["工程", "货物", "服务"]] = Field(default_factory=list)
    severity: Literal["high", "medium", "low"] | None = None
    confidence: Literal["high", "med", "low"] | None = None
    severity_by_regime: dict[str, Literal["high", "medium", "low"]] = Field(default_factory=dict)
    confidence_by_regime: dict[str, Literal["high", "med", "low"]] = Field(default_factory=dict)
    basis_keys: list[str] = Field(default_factory=list)
    # a sentence appended to this detector's findings (e.g. a later rate the cited article does not show yet)
    note: str = ""
    # pattern / concept / quantity
    patterns: list[str] = Field(default_factory=list)
    require: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    unless_scope: Literal["sentence", "clause"] = "sentence"
    # exceptions that count only before the match in its sentence: the term is the object of a
    # post-award duty or promise (「承诺中标后在本地设立…」 is quiet; 「在本地设有…或承诺中标后设置」 is not)
    unless_before: list[str] = Field(default_factory=list)
    scope: str = ""
    allow_negated: bool = False
    # only on a project of this kind: its name (ProjectFacts.project_name) or the clause's sentence matches one of
    # these (ISO27001 asked of a 食堂餐饮服务 supplier); empty: any project
    project: list[str] = Field(default_factory=list)
    # not on a project of this kind (its name or the clause's sentence matches one of these)
    project_unless: list[str] = Field(default_factory=list)
    # a duty 招标投标法 and its 实施条例 set only for 依法必须进行招标的项目 (等标期, 评标委员会, 公示): not applied, unless the
    # tender is 政府采购, to one that says its project is not such a project (「非依法必须招标项目，自愿采用公开招标」)
    mandatory_only: bool = False
    # concept
    what: list[str] = Field(default_factory=list)
    who: list[str] = Field(default_factory=list)
    use: UseContext = "any"
    # quantity
    keyword: str | None = None
    # duration: a calendar period in days, read from days, months and years alike (一年, 12个月, 半年)
    # date_span: a period written from one date to another (「11月8日9:00至11月8日17:00」), in calendar days counting both ends
    kind: Literal["percent", "days", "workdays", "amount", "count", "years", "duration", "date_span"] | None = None
    op: Literal["gt", "lt", "ge", "le", "outside"] | None = None
    value: float | list[float] | None = None
    # the unit the law states `value` in, where it differs from kind's (「7个工作日」 of 质疑 against a days kind)
    value_unit: str = ""
    window: int = 30
    before: int = 0
    # quantity: the comma-delimited part of the sentence holding the number must match one of these
    require_near: list[str] = Field(default_factory=list)
    # numeric: a check named in check_params.CHECK_PARAMS with its typed parameters
    check: str | None = None
    params: dict[str, float | int | str] = Field(default_factory=dict)
    # semantic
    candidates: list[str] = Field(default_factory=list)
    # situations the rule's basis expressly permits (投标有效期内撤销投标文件 → 不退还保证金): a model's
    # "violation" quoting only such situations is rejected
    lawful: list[LawfulCase] = Field(default_factory=list)

    _typed: BaseModel | None = PrivateAttr(default=None)

    @field_validator("severity_by_regime", "confidence_by_regime")
    @classmethod
    def _regime_keys(cls, v: dict[str, str]) -> dict[str, str]:
        bad = sorted(set(v) - {"工程", "政府采购"})
        if bad:
            raise ValueError(f"unknown procurement type(s) {bad}; use 工程 or 政府采购")
        return v

    @model_validator(mode="after")
    def _check(self) -> Detector:
        for rx in [*self.patterns, *self.require, *self.unless, *self.unless_before, *self.require_near, *self.candidates,
                   *(c.pattern for c in self.lawful), *self.what, *self.who, *self.project, *self.project_unless,
                   *([self.keyword] if self.keyword else []), *([self.scope] if self.scope else [])]:
            try:
                re.compile(rx)
            except re.error as exc:
                raise ValueError(f"bad regex {rx!r}: {exc}") from exc
        if self.type == "pattern" and not self.patterns:
            raise ValueError("pattern detector needs patterns")
        if self.type == "concept" and not self.what:
            raise ValueError("concept detector needs what")
        if self.type == "quantity" and not (self.keyword and self.kind and self.op and self.value is not None):
            raise ValueError("quantity detector needs keyword, kind, op and value")
        if self.type == "numeric":
            if not self.check:
                raise ValueError("numeric detector needs check")
            model = CHECK_PARAMS.get(self.check)
            if model is None:
                raise ValueError(f"unknown check {self.check!r}; known: {sorted(CHECK_PARAMS)}")
            self._typed = model.model_validate(self.params)
        elif self.params:
            raise ValueError("params are only for numeric detectors")
        return self

    @property
    def typed_params(self) -> BaseModel:
        """The validated parameters of a numeric check."""
        if self._typed is None:
            raise ValueError("not a numeric detector")
        return self._typed


class Examples(BaseModel):
    """Example clauses next to a rule: the generated test runs every one of them."""

    model_config = ConfigDict(extra="forbid")

    violating: list[str] = Field(default_factory=list)
    compliant: list[str] = Field(default_factory=list)
    regime: Regime | None = None  # the procurement type the examples are written for
    # whether the exemplar step compares clauses with these examples: not for a rule whose violating and compliant
    # clauses differ only in a number (embeddings do not tell 「60日内签订合同」 from 「30日内」: the lawful restatement of
    # the statute became a candidate, and the new examples shadowed other rules' look-alikes)
    by_similarity: bool = True


class Rule(BaseModel):
    id: str
    category: str
    applies_to: AppliesTo
    severity: Literal["high", "medium", "low"]
    confidence: Literal["high", "med", "low"] = "high"
    detect: list[Detector]
    basis: list[BasisRef]
    explanation: str
    # the explanation in one regime's terms (采购人/供应商 and its own law), where `explanation` fits only the other
    explanation_by_regime: dict[Regime, str] = Field(default_factory=dict)
    suggestion: str
    # a 政府采购政策 point (applies_to 政府采购): it also applies to a 政府采购工程 tendered under 招标投标法
    procurement_policy: bool = False
    # the fix for a finding on a scoring row (评分表 row, 「得N分」): delete or replace the points item,
    # where `suggestion` rewrites a qualification condition; empty: `suggestion` serves both
    scoring_suggestion: str = ""
    examples: Examples = Field(default_factory=Examples)

    model_config = ConfigDict(extra="forbid")

    def explanation_for(self, regime: str | None) -> str:
        """What is risky and why, in the terms of this regime when the rule words it for each."""
        return next((e for r, e in self.explanation_by_regime.items() if r == regime), self.explanation)

    def suggestion_for(self, scoring: bool) -> str:
        """The fix for a finding on a scoring row (when the rule has one of its own) or on any other clause."""
        return self.scoring_suggestion if scoring and self.scoring_suggestion else self.suggestion

    def regime_in(self, facts: ProjectFacts) -> str | None:
        """The regime this rule judges the project under (a 政府采购政策 point: `ProjectFacts.regime_for`)."""
        return facts.regime_for(self.procurement_policy)

    def applies(self, facts: ProjectFacts, detector: Detector | None = None) -> bool:
        """Procurement-type gating (工程-only rules are not applied to 政府采购 and vice versa) and, for a
        detector limited to `subjects`, the object of the procurement (an unknown one does not qualify)."""
        subject = facts.subject
        if detector is not None and detector.subjects and subject not in detector.subjects:
            return False
        if detector is not None and subject is not None and subject in detector.except_subjects:
            return False
        regime = self.regime_in(facts)
        if detector is not None and self.waived(detector, facts):
            return False
        target = (detector.applies_to if detector and detector.applies_to else None) or self.applies_to
        return regime is None or target == "both" or target == regime

    def waived(self, detector: Detector, facts: ProjectFacts) -> bool:
        """A duty of 依法必须进行招标的项目 on a tender that says its project is not one (「非依法必须招标」 is 招标投标法's
        own notion: a tender whose regime is not read is taken at its word too)."""
        return detector.mandatory_only and facts.not_mandatory is not None and self.regime_in(facts) != "政府采购"

    def covers(self, facts: ProjectFacts) -> bool:
        """At least one detector applies to this project (its regime and object of procurement)."""
        return any(self.applies(facts, d) for d in self.detect)

    def basis_for(self, regime: str | None, keys: list[str] | None = None) -> list[BasisRef]:
        """The basis items for this procurement type (and detector keys, when given)."""
        items = [b for b in self.basis if (b.key in keys if keys else b.key is None)]
        if not items and keys:
            items = [b for b in self.basis if b.key is None]
        if regime is not None:
            items = [b for b in items if b.applies_to in ("both", regime)] or items
            # a document of the other regime (招标投标领域 rules against a 政府采购 tender) applies by analogy only
            items = [b.model_copy(update={"confidence": "med"}) if b.regime not in ("both", regime) else b
                     for b in items]
        return items


class Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = 1
    sources: dict[str, Source]
    rules: list[Rule]
    path: str = ""
    sha256: str = ""

    @model_validator(mode="after")
    def _resolve(self) -> Catalogue:
        ids = [r.id for r in self.rules]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"duplicate rule ids: {sorted(dupes)}")
        for rule in self.rules:
            for b in rule.basis:
                src = self.sources.get(b.src)
                if src is None:
                    raise ValueError(f"rule {rule.id}: unknown source {b.src!r}")
                b.title, b.aliases, b.regime = src.title, source_aliases(src), src.regime
        return self

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def ids(self) -> set[str]:
        return {r.id for r in self.rules}


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue; a broken file is a ConfigError naming the problem."""
    p = Path(path) if path else knowledge_base_dir() / "review_rules.yaml"  # Settings.knowledge_base_dir
    # the basis aliases come from the active title table, so the folder it is read from is part of the key
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0, str(knowledge_base_dir()))


M = TypeVar("M", bound=BaseModel)


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice in one mapping (YAML keeps the last one silently:
    a rule's second `severity_by_regime` or `unless` would replace the first without a word)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_yaml_model(p: Path, model: type[M], what: str) -> tuple[M, str]:
    """A YAML data file validated as `model`, and its sha256; every failure is a ConfigError naming the
    file (`what`: how the user knows it, e.g. 审查规则目录文件)."""
    try:
        raw = p.read_bytes()
        data = yaml.load(raw.decode("utf-8"), Loader=_StrictLoader)
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到{what}：{p}", str(exc)) from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what}格式错误：{p.name}", str(exc)) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{what}格式错误：{p.name}", "top level is not a mapping")
    try:
        obj = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"{what}内容无效：{p.name}（{exc.error_count()} 处错误）", str(exc)) from exc
    return obj, hashlib.sha256(raw).hexdigest()


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime: int, _titles_dir: str) -> Catalogue:
    cat, digest = read_yaml_model(Path(path), Catalogue, "审查规则目录文件")
    cat.path, cat.sha256 = path, digest
    return cat


# --------------------------------------------------------------------------- KB verification

def lookup_article(kb: Any, basis: BasisRef) -> Any | None:
    """The KB chunk for a basis (title, then aliases); None when absent.

    A store that cannot be reached (BackendError: the Chroma server is down) is raised, never
    read as 「not in the knowledge base」: users would import a duplicate of a bundled regulation.
    """
    if kb is None or not basis.article:
        return None
    from assistant.text_zh import parse_article_no

    no = parse_article_no(basis.article)
    if no is None:
        return None
    for name in (basis.title, *basis.aliases):
        try:
            chunk = kb.get_article(name, no)
        except BackendError:
            raise
        except Exception as exc:
            log.debug("get_article(%s, %s) failed: %s", name, no, exc)
            chunk = None
        if chunk is not None:
            return chunk
    return None


def title_in_kb(kb: Any, basis: BasisRef) -> bool:
    """True when the KB holds the regulation (under its title or an alias); an unreachable store raises."""
    if kb is None:
        return False
    for name in (basis.title, *basis.aliases):
        try:
            if kb.resolve_title(name) is not None:
                return True
        except BackendError:
            raise
        except Exception:
            continue
    return False


def verify_catalogue(catalogue: Catalogue, kb: Any) -> dict[str, list[str]]:
    """Check every basis against the KB.

    Returns {"missing_articles": [...], "missing_titles": [...], "verified": [...]}: a title the
    KB holds whose article is absent is a catalogue error (wrong article number); a title the
    KB does not hold is only reported (users import regulations themselves).
    """
    out: dict[str, list[str]] = {"missing_articles": [], "missing_titles": [], "verified": []}
    seen: set[tuple[str, str | None]] = set()
    for rule in catalogue.rules:
        for b in rule.basis:
            key = (b.title, b.article)
            if key in seen or not b.article:
                continue
            seen.add(key)
            if not title_in_kb(kb, b):
                out["missing_titles"].append(f"{rule.id} {b.label}")
            elif lookup_article(kb, b) is None:
                out["missing_articles"].append(f"{rule.id} {b.label}")
            else:
                out["verified"].append(f"{rule.id} {b.label}")
    if out["missing_articles"]:
        log.warning("review catalogue cites articles missing from the KB: %s", out["missing_articles"])
    return out


# --------------------------------------------------------------------------- indexing as 审查要点

def _rule_text(rule: Rule) -> str:
    scope = {"工程": "依法必须招标的工程建设项目", "政府采购": "政府采购项目", "both": "工程建设项目和政府采购项目"}
    basis = "；".join(f"{b.label}（{'适用' + b.applies_to if b.applies_to != 'both' else '通用'}，"
                     f"置信度{CONFIDENCE_ZH.get(b.confidence, b.confidence)}）"
                     for b in rule.basis)
    kinds = sorted({d.type for d in rule.detect})
    how = "、".join({"pattern": "措辞匹配", "concept": "概念与用途识别", "quantity": "数值比对", "numeric": "跨条款数值核对", "semantic": "语义判断"}[k] for k in kinds)
    return (
        f"审查要点 {rule.id}：{rule.category}\n"
        f"适用范围：{scope[rule.applies_to]}{'（含采用招标方式的政府采购工程，政府采购法实施条例第七条第三款）' if rule.procurement_policy else ''}。风险等级：{SEVERITY_ZH[rule.severity]}。检查方式：{how}。\n"
        f"风险说明：{rule.explanation}\n"
        f"法律依据：{basis}\n"
        f"修改建议：{rule.suggestion}"
    )


def catalogue_documents(path: str | Path | None = None) -> list[tuple[DocumentMeta, list[Chunk]]]:
    """The catalogue as one 审查要点 document with one chunk per rule (for Q&A retrieval)."""
    cat = load_catalogue(path)
    meta = DocumentMeta(
        doc_id=CATALOGUE_DOC_ID,
        title=CATALOGUE_TITLE,
        aliases=["审查要点", "招标文件审查规则"],
        issuer="招投标审查助手",
        doc_type="审查要点",
        status="现行有效",
        source=f"builtin:{Path(cat.path).name}",
        content_hash=cat.sha256,
        structure="headings",
    )
    chunks = [
        Chunk(
            chunk_id=f"{CATALOGUE_DOC_ID}:{rule.id}",
            doc_id=CATALOGUE_DOC_ID,
            title=CATALOGUE_TITLE,
            text=_rule_text(rule),
            heading=f"{rule.id} {rule.category}",
            location=Location(section=f"{rule.id} {rule.category}", paragraph=i),
            doc_type="审查要点",
            status="现行有效",
        )
        for i, rule in enumerate(cat.rules)
    ]
    meta.chunk_count = len(chunks)
    return [(meta, chunks)]
