"""Review checklist: one status per catalogue point, and the contents a tender must state.

Silence is ambiguous in a findings-only report, so every rule of the catalogue gets a status
(发现问题 / 未发现问题 / 无法判断 / 不适用) with what it rests on, and the required contents of
a tender (质疑 way, 评标办法, 投标有效期, 合同条款, 中小企业 policy, 最高限价, 预算) are
checked for absence. Both are data: knowledge_base/review_checklist.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant.errors import ConfigError
from assistant.format_zh import fact_text, plain_label
from assistant.review.catalogue import AppliesTo, BasisRef, Catalogue, Rule, Source, read_yaml_model
from assistant.review.facts import Fact, ProjectFacts, fact_labels
from assistant.review.reader import Clause
from assistant.schema import CHECKLIST_STATUSES, SEVERITY_ZH, ChecklistItem, Finding

__all__ = [
    "ABSENT_LOCATION",
    "DEFAULT_CHECKLIST",
    "AbsenceHit",
    "AbsenceItem",
    "CheckSpec",
    "ChecklistSpec",
    "SemanticOutcome",
    "build_checklist",
    "find_absences",
    "load_checklist",
    "status_counts",
]

DEFAULT_CHECKLIST = Path(__file__).resolve().parents[2] / "knowledge_base" / "review_checklist.yaml"
#: Where an absence finding "is": the whole document was searched.
ABSENT_LOCATION = "全文未找到"
_EXCERPT = 80


def _check_regex(values: Sequence[str]) -> None:
    for rx in values:
        try:
            re.compile(rx)
        except re.error as exc:
            raise ValueError(f"bad regex {rx!r}: {exc}") from exc


class CheckSpec(BaseModel):
    """How one catalogue rule is reported when it found nothing."""

    checked: str
    topic: str | None = None
    if_absent: Literal["clear", "na"] = "clear"
    na_reason: str = ""
    na_if: str | None = None  # a clause matching this makes the point 不适用 (e.g. 本项目不收取投标保证金)
    where: str | None = None  # prefer topic clauses whose section path / table kind matches this
    # clauses that tell more than the first mention of the topic (「……至少15日前……通知」 for 澄清), shown first
    prefer: list[str] = Field(default_factory=list)
    needs: list[list[str]] = Field(default_factory=list)
    unknown: str = ""
    # what each `needs` group is called in `unknown`'s {missing} (only the groups not read are named)
    needs_labels: list[str] = Field(default_factory=list)
    subjects: list[Literal["工程", "货物", "服务"]] = Field(default_factory=list)
    # `needs` of one regime when its check reads other facts (资格预审: 停止发售 in 工程, 公告发布 in 政府采购);
    # its missing groups are named by the facts' own labels
    needs_by_regime: dict[Literal["工程", "政府采购"], list[list[str]]] = Field(default_factory=dict)

    def subject_excluded(self, subject: str | None) -> bool:
        """The point is declared for other objects of procurement (`subjects`) than this one."""
        return bool(self.subjects and subject and subject not in self.subjects)

    def needs_for(self, regime: str | None) -> list[list[str]]:
        """The fact groups the check needs in this regime."""
        return next((n for r, n in self.needs_by_regime.items() if r == regime), self.needs)

    def missing_names(self, missing: list[list[str]], labels: Mapping[str, str]) -> str:
        """What the unread fact groups are called: `needs_labels` for `needs`, else the facts' labels."""
        if missing and len(self.needs_labels) == len(self.needs) and all(g in self.needs for g in missing):
            return "和".join(self.needs_labels[self.needs.index(g)] for g in missing)
        return "、".join("或".join(labels.get(n, n) for n in g) for g in missing)

    @field_validator("topic", "na_if", "where")
    @classmethod
    def _topic(cls, v: str | None) -> str | None:
        if v:
            _check_regex([v])
        return v

    @field_validator("prefer")
    @classmethod
    def _prefer(cls, v: list[str]) -> list[str]:
        _check_regex(v)
        return v


class AbsenceCondition(BaseModel):
    mentions: str | None = None  # the item applies only when the text mentions this
    fact_missing: str | None = None  # a present fact means the content is there


class AbsenceItem(BaseModel):
    """Content a tender must state; when missing it is a finding located 「全文未找到」."""

    id: str
    category: str
    applies_to: AppliesTo
    severity: Literal["high", "medium", "low"]
    present: list[str]
    when: AbsenceCondition = Field(default_factory=AbsenceCondition)
    basis: list[BasisRef]
    explanation: str
    suggestion: str
    # a 政府采购政策 point: it also applies to a 政府采购工程 tendered under 招标投标法 (Rule.procurement_policy)
    procurement_policy: bool = False

    @field_validator("present")
    @classmethod
    def _present(cls, v: list[str]) -> list[str]:
        if not v:
            raise ValueError("an absence item needs at least one `present` pattern")
        _check_regex(v)
        return v


class ChecklistSpec(BaseModel):
    version: int = 1
    sources: dict[str, Source] = Field(default_factory=dict)
    checks: dict[str, CheckSpec] = Field(default_factory=dict)
    absence: list[AbsenceItem] = Field(default_factory=list)
    path: str = ""
    sha256: str = ""

    def in_scope(self, rule_id: str, subject: str | None) -> bool:
        """Whether a rule's point applies to this object of procurement (a point without `subjects` always does)."""
        spec = self.checks.get(rule_id)
        return spec is None or not spec.subject_excluded(subject)

    def resolve(self, catalogue: Catalogue) -> ChecklistSpec:
        """Fill basis titles from this file's and the catalogue's sources; unknown keys are errors."""
        sources = {**catalogue.sources, **self.sources}
        for item in self.absence:
            for b in item.basis:
                src = sources.get(b.src)
                if src is None:
                    raise ConfigError(f"审查清单文件内容无效：{Path(self.path).name}（{item.id} 引用了未定义的法规 {b.src}）",
                                      f"absence item {item.id}: unknown source {b.src!r}")
                b.title, b.aliases = src.title, list(src.aliases)
        ids = [a.id for a in self.absence]
        clash = (set(ids) & catalogue.ids) | {i for i in ids if ids.count(i) > 1}
        if clash:
            raise ConfigError(f"审查清单文件内容无效：{Path(self.path).name}（编号重复：{'、'.join(sorted(clash))}）",
                              f"absence ids clash with catalogue or each other: {sorted(clash)}")
        return self


def load_checklist(path: str | Path | None = None) -> ChecklistSpec:
    """Read and validate the checklist file; a broken file is a ConfigError naming the problem."""
    p = Path(path) if path else DEFAULT_CHECKLIST
    return _load_cached(str(p.resolve()), p.stat().st_mtime_ns if p.exists() else 0)


@lru_cache(maxsize=8)
def _load_cached(path: str, _mtime: int) -> ChecklistSpec:
    spec, digest = read_yaml_model(Path(path), ChecklistSpec, "审查清单文件")
    spec.path, spec.sha256 = path, digest
    return spec


# --------------------------------------------------------------------------- helpers

def _excerpt(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"


def _clause_location(c: Clause) -> dict[str, object]:
    loc: dict[str, object] = dict(c.location)
    loc["section"] = c.section or None
    loc["clause_index"] = c.index
    if c.table_kind:
        loc["table_kind"] = c.table_kind
    return loc


def _fact_present(facts: ProjectFacts, name: str) -> bool:
    value = getattr(facts, name, None)
    return bool(value) if isinstance(value, list) else value is not None


_EXTRA_LABELS = {"bond_validity_same": "投标保证金有效期与投标有效期一致（或更长）"}


def _facts_used(facts: ProjectFacts, names: Sequence[str]) -> dict[str, str]:
    labels = {**_EXTRA_LABELS, **fact_labels(facts)}
    out: dict[str, str] = {}
    for name in names:
        fact = getattr(facts, name, None)
        if isinstance(fact, Fact):
            out[plain_label(labels.get(name, name))] = fact_text(name, fact.value)
    return out


_TOC_LINE = re.compile(r"(\s|…|\.{3,})\d{1,3}$")


def _first(clauses: Sequence[Clause], rx: re.Pattern[str], headings: bool = False) -> Clause | None:
    """The first substantive clause matching (table-of-contents lines and bare headings only as a fallback).

    With `headings`, a clause under a chapter/section heading that matches comes first: a chapter
    titled 评标办法 states the method even when no sentence repeats the words.
    """
    if headings:
        under = [c for c in clauses if rx.search(c.section)]
        if under:
            # the section's first sentence, not its first sub-heading (「询问」 under 「质疑和投诉」)
            return next((c for c in under if _substantive(c)), under[0])
    fallback = None
    for c in clauses:
        if not rx.search(c.text):
            continue
        if _substantive(c):
            return c
        fallback = fallback or c
    return fallback


def _substantive(c: Clause) -> bool:
    """A sentence, not a table-of-contents line or a bare heading (「说明：」, 「项目合同」)."""
    text = c.text.strip()
    return len(text) >= 12 and not _TOC_LINE.search(text) and not text.endswith("：")


def _fact_clause(facts: ProjectFacts, names: Sequence[str], clauses: Sequence[Clause]) -> Clause | None:
    """The clause the first of the named facts was read from (the deadline's, the committee's …)."""
    for name in names:
        fact = getattr(facts, name, None)
        if isinstance(fact, Fact) and 0 <= fact.clause < len(clauses):
            return clauses[fact.clause]
    return None


_REGIME_ONLY = {"工程": "依法必须招标的工程建设项目", "政府采购": "政府采购货物和服务项目"}


def _project_kind(facts: ProjectFacts) -> str:
    """What the project is, in the words of the regime that governs it (a works project is never 「货物和服务」)."""
    if facts.government_works_tendered:
        return "采用招标方式的政府采购工程（适用招标投标法及其实施条例）"
    if facts.regime == "政府采购" and facts.subject == "工程":
        return "政府采购工程项目（适用政府采购法）"
    return _REGIME_ONLY.get(facts.regime or "", facts.regime or "")


def _regime_na(applies_to: str, facts: ProjectFacts, procurement_policy: bool = False) -> str | None:
    regime = facts.regime_for(procurement_policy)
    if regime is None or applies_to in ("both", regime):
        return None
    return f"本项目为{_project_kind(facts)}，该要点仅适用于{_REGIME_ONLY.get(applies_to, applies_to)}。"


@dataclass(frozen=True)
class SemanticOutcome:
    """What the semantic step did for one catalogue point: the clauses whose judgement it needed and,
    when the model did not judge some of them (call failed, timed out, unparsable reply), why."""

    clauses: tuple[Clause, ...]
    failure: str | None = None


def _unjudged_item(base: dict[str, str], outcome: SemanticOutcome) -> ChecklistItem:
    """A point whose clauses the model was asked about but did not judge: 无法判断, never 未发现问题."""
    first = outcome.clauses[0]
    return ChecklistItem(**base, status="无法判断",
                         note=f"大模型语义审查未完成（原因：{outcome.failure}），该要点未经语义判断，请人工核对。",
                         clause=_excerpt(first.text), location=_clause_location(first))


def _clear_note(spec: CheckSpec, topic: Clause | None, outcome: SemanticOutcome | None, llm_used: bool) -> str:
    """What a clean point rests on: no clause on the topic, or the clauses read (and judged by the model)."""
    candidates = len(outcome.clauses) if outcome is not None else 0
    if candidates and llm_used:
        return f"{spec.checked}：{candidates} 处相关条款经大模型语义审查，未发现问题。"
    if candidates and topic is None:
        return f"{spec.checked}：找到 {candidates} 处相关条款，规则未发现问题。"
    if spec.topic and topic is None:
        return f"{spec.checked}：全文未出现相关条款，未发现问题。"
    return f"{spec.checked}，未发现问题。"


# --------------------------------------------------------------------------- absence

@dataclass(frozen=True)
class AbsenceHit:
    item: AbsenceItem
    basis: list[BasisRef]


@dataclass(frozen=True)
class _AbsenceResult:
    item: AbsenceItem
    status: str
    note: str
    clause: Clause | None = None
    facts: dict[str, str] | None = None


_compiled: dict[str, re.Pattern[str]] = {}


def _rx(pattern: str) -> re.Pattern[str]:
    rx = _compiled.get(pattern)
    if rx is None:
        rx = _compiled[pattern] = re.compile(pattern)
    return rx


def _absence(item: AbsenceItem, facts: ProjectFacts, clauses: Sequence[Clause]) -> _AbsenceResult:
    na = _regime_na(item.applies_to, facts, item.procurement_policy)
    if na:
        return _AbsenceResult(item, "不适用", na)
    if facts.regime is None and item.applies_to != "both":
        return _AbsenceResult(item, "无法判断", f"未能判断项目适用的法律体系，该项（仅适用于{item.applies_to}）未核对。")
    name = item.when.fact_missing
    if name and _fact_present(facts, name):
        return _AbsenceResult(item, "未发现问题", "已载明。", _fact_clause(facts, [name], clauses), _facts_used(facts, [name]))
    if item.when.mentions and _first(clauses, _rx(item.when.mentions)) is None:
        return _AbsenceResult(item, "不适用", "文件未提及该事项（如未设定最高限价），无须载明。")
    for pattern in item.present:
        c = _first(clauses, _rx(pattern), headings=True)
        if c is not None:
            return _AbsenceResult(item, "未发现问题", "已载明。", c)
    return _AbsenceResult(item, "发现问题", f"{ABSENT_LOCATION}相关内容。")


def find_absences(spec: ChecklistSpec, facts: ProjectFacts, clauses: Sequence[Clause]) -> list[AbsenceHit]:
    """Required contents the tender does not state (none when it has no clauses at all)."""
    if not clauses:
        return []
    out = []
    for item in spec.absence:
        if _absence(item, facts, clauses).status == "发现问题":
            regime = facts.regime_for(item.procurement_policy)
            basis = [b for b in item.basis if regime is None or b.applies_to in ("both", regime)]
            out.append(AbsenceHit(item, basis or list(item.basis)))
    return out


# --------------------------------------------------------------------------- checklist

def _found_item(base: dict[str, str], mine: Sequence[Finding]) -> ChecklistItem:
    where = "；".join(f"【{SEVERITY_ZH[f.severity]}{'·疑似' if f.source == 'exemplar' else ''}】{_excerpt(f.evidence or f.clause)}"
                     for f in mine[:3])
    first = mine[0]
    # candidates of the exemplar step alone: no rule decided, a person checks them
    what = "处疑似问题（与违规示例相似，规则未能判定，请人工核对）" if all(f.source == "exemplar" for f in mine) else "处问题"
    return ChecklistItem(**base, status="发现问题", findings=len(mine),
                         note=f"发现 {len(mine)} {what}：{where}" + ("等" if len(mine) > 3 else ""),
                         clause=_excerpt(first.clause) or None, location=dict(first.location))


def _topic_clause(spec: CheckSpec, clauses: Sequence[Clause]) -> Clause | None:
    """The clause a clean point rests on: the first matching `topic`, preferably in the `where` chapters."""
    if not spec.topic:
        return None
    topic = _first(clauses, _rx(spec.topic))
    if topic is not None and spec.where:
        in_place = _rx(spec.where)
        topic = _first([c for c in clauses if in_place.search(c.scope_text)], _rx(spec.topic)) or topic
    if topic is not None:
        topic = next((c for p in spec.prefer if (c := _first(clauses, _rx(p))) is not None), topic)
    return topic


def _spec_item(base: dict[str, str], spec: CheckSpec, has_semantic: bool, facts: ProjectFacts,
               clauses: Sequence[Clause], llm_used: bool, outcome: SemanticOutcome | None) -> ChecklistItem:
    if spec.subject_excluded(facts.subject):
        return ChecklistItem(**base, status="不适用",
                             note=f"本项目采购标的为{facts.subject}，该要点仅适用于{'、'.join(spec.subjects)}。")
    topic = _topic_clause(spec, clauses)
    if spec.topic and topic is None and spec.if_absent == "na":
        return ChecklistItem(**base, status="不适用", note=spec.na_reason or "文件不涉及该事项。")
    waived = _first(clauses, _rx(spec.na_if)) if spec.na_if else None
    if waived is not None:
        return ChecklistItem(**base, status="不适用", note=spec.na_reason or "文件不涉及该事项。",
                             clause=_excerpt(waived.text), location=_clause_location(waived))
    if outcome is not None and outcome.failure:
        return _unjudged_item(base, outcome)
    needs = spec.needs_for(facts.regime)
    used = [n for group in needs for n in group]
    missing = [g for g in needs if not any(_fact_present(facts, n) for n in g)]
    if missing:
        if spec.subjects and facts.subject is None:
            # the check reads its facts only for its objects of procurement (T40: 货物 or 服务), so they were not looked for
            note = f"未能判断采购标的类型（该要点仅适用于{'、'.join(spec.subjects)}），该要点未核对。"
        else:
            names = spec.missing_names(missing, {**_EXTRA_LABELS, **fact_labels(facts)})
            # `unknown` may name the facts actually missing ({missing}), not every fact the check needs
            note = spec.unknown.replace("{missing}", names) if spec.unknown else f"未读取到{names}，该要点未核对。"
        return ChecklistItem(**base, status="无法判断", note=note, facts=_facts_used(facts, used))
    # the clause the check read its facts from says more than the first mention of the topic
    topic = _fact_clause(facts, used, clauses) or topic
    note = _clear_note(spec, topic, outcome, llm_used)
    if topic is None and outcome is not None and outcome.clauses:
        topic = outcome.clauses[0]
    if has_semantic and not llm_used:
        note += "（该要点的语义判断部分需配置大模型，本次仅做规则检索。）"
    return ChecklistItem(**base, status="未发现问题", note=note, facts=_facts_used(facts, used),
                         clause=_excerpt(topic.text) if topic else None,
                         location=_clause_location(topic) if topic else {})


def _rule_item(rule: Rule, has_semantic: bool, spec: CheckSpec | None, facts: ProjectFacts, clauses: Sequence[Clause],
               findings: Sequence[Finding], llm_used: bool, outcome: SemanticOutcome | None) -> ChecklistItem:
    base = {"rule_id": rule.id, "category": rule.category, "severity": rule.severity}
    mine = [f for f in findings if f.rule_id == rule.id]
    if mine:
        return _found_item(base, mine)
    na = _regime_na(rule.applies_to, facts, rule.procurement_policy)
    if na:
        return ChecklistItem(**base, status="不适用", note=na)
    if (said := facts.not_mandatory) is not None \
            and all(rule.waived(d, facts) for d in rule.detect if d.applies_to in (None, "both", "工程")):
        where = _fact_clause(facts, ["not_mandatory"], clauses)
        return ChecklistItem(**base, status="不适用",
                             note=f"文件写明本项目不属于依法必须招标的项目（「{said.evidence}」），该要点只约束依法必须进行招标的项目。",
                             clause=_excerpt(where.text) if where else None,
                             location=_clause_location(where) if where else {})
    if spec is None:
        if outcome is not None and outcome.failure:
            return _unjudged_item(base, outcome)
        return ChecklistItem(**base, status="未发现问题", note="已按审查要点检索全文，未发现问题。")
    return _spec_item(base, spec, has_semantic, facts, clauses, llm_used, outcome)


def build_checklist(catalogue: Catalogue, spec: ChecklistSpec, facts: ProjectFacts, clauses: Sequence[Clause],
                    findings: Sequence[Finding], llm_used: bool = False,
                    semantic: Mapping[str, SemanticOutcome] | None = None) -> list[ChecklistItem]:
    """One item per catalogue rule, then one per required-content item, each with a status.

    `semantic` says, per rule id, which clauses needed the model's judgement and whether it was given.
    """
    items = []
    for rule in catalogue.rules:
        has_semantic = any(d.type == "semantic" for d in rule.detect)
        items.append(_rule_item(rule, has_semantic, spec.checks.get(rule.id), facts, clauses, findings, llm_used,
                                (semantic or {}).get(rule.id)))
    for a in spec.absence:
        mine = [f for f in findings if f.rule_id == a.id]
        res = _absence(a, facts, clauses)
        status = "发现问题" if mine else ("无法判断" if res.status == "发现问题" else res.status)
        note = res.note if not mine else f"{ABSENT_LOCATION}相关内容：{a.explanation}"
        items.append(ChecklistItem(
            rule_id=a.id, category=a.category, severity=a.severity, status=status,
            kind="absence", findings=len(mine), note=note,
            clause=_excerpt(res.clause.text) if res.clause is not None else None,
            location=_clause_location(res.clause) if res.clause is not None else {},
            facts=res.facts or {},
        ))
    return items


def status_counts(items: Sequence[ChecklistItem]) -> dict[str, int]:
    """Count of each status, in the fixed order 发现问题, 未发现问题, 无法判断, 不适用."""
    return {s: sum(1 for i in items if i.status == s) for s in CHECKLIST_STATUSES}
