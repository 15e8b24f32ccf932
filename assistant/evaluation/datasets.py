"""Load and validate the evaluation sets (JSONL) so that a broken item fails loudly, in Chinese.

Formats (one JSON object per line):
- policy Q&A: id, question, gold [{title, article} | {title, section}], gold_passages [str], doc_type, tags, note
- out of scope: id, question, category, requires_absent [title], note
- tender labels: file, variant (risky|compliant), kind, labels [{id, rule_id, category, alt_rule_ids, text, ...}]
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from assistant.errors import UserError

Format = Literal["qa", "oos", "tenders"]


class DatasetError(UserError):
    """An evaluation set file that is missing or malformed."""

    http_status = 400


@dataclass(frozen=True)
class GoldRef:
    title: str
    article: str | None = None  # "第二十四条"
    section: str | None = None  # non-article documents: a heading prefix such as "T01"
    #: why this article was added to the collector's gold (eval/real/gold_additions.tsv); "" = the collector's own
    added: str = ""


@dataclass
class QAItem:
    id: str
    question: str
    gold: list[GoldRef]
    gold_passages: list[str]
    doc_type: str = "法律"
    tags: list[str] = field(default_factory=list)
    note: str = ""


#: the tag of a real-question item collected in round N (eval/real/build_real_qa.py; 0 = ../shared practitioner_qa)
_ROUND_TAG = re.compile(r"^round-(\d+)$")


def round_tag(n: int) -> str:
    """The tag of a real-question item collected in round ``n`` (「round-3」)."""
    return f"round-{n}"


def round_of(tags: list[str]) -> int | None:
    """The collection round an item's tags name, else None."""
    return next((int(m.group(1)) for t in tags if (m := _ROUND_TAG.match(t))), None)


#: how the real out-of-scope sets say a question is not about procurement law at all; their other
#: questions are about procurement but rest on a document the knowledge base lacks
OFF_TOPIC_MARKERS = ("not a procurement-law question", "not a legal question", "corporate purchasing practice",
                     "非法律问题")


@dataclass
class OOSItem:
    id: str
    question: str
    category: str = ""
    requires_absent: list[str] = field(default_factory=list)
    note: str = ""
    why: str = ""  # the real sets: why the question is out of scope

    @property
    def off_topic(self) -> bool:
        """Not a procurement-law question at all (a market price, a brand list), as opposed to one whose
        answer rests on a document the knowledge base lacks."""
        return any(m in self.why for m in OFF_TOPIC_MARKERS)


@dataclass
class Label:
    id: str
    rule_id: str
    category: str
    text: str
    alt_rule_ids: list[str] = field(default_factory=list)
    severity: str = "high"
    note: str = ""


@dataclass
class TenderFile:
    file: str
    path: Path
    variant: Literal["risky", "compliant"]
    kind: str = ""
    labels: list[Label] = field(default_factory=list)
    note: str = ""


def _read_jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    if not path.is_file():
        raise DatasetError(f"找不到评测数据文件：{path}", f"dataset file not found: {path}")
    rows: list[tuple[int, dict[str, Any]]] = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"评测数据第 {n} 行不是合法的 JSON：{path.name}", f"{path}:{n}: {exc}") from exc
        if not isinstance(obj, dict):
            raise DatasetError(f"评测数据第 {n} 行应为 JSON 对象：{path.name}", f"{path}:{n}: not an object")
        rows.append((n, obj))
    if not rows:
        raise DatasetError(f"评测数据文件为空：{path.name}", f"{path}: no items")
    return rows


def _need(obj: dict[str, Any], key: str, path: Path, n: int) -> Any:
    value = obj.get(key)
    if value in (None, "", []):
        raise DatasetError(f"评测数据第 {n} 行缺少字段「{key}」：{path.name}", f"{path}:{n}: missing {key!r}")
    return value


def _unique(ids: list[tuple[int, str]], path: Path) -> None:
    seen: dict[str, int] = {}
    for n, item_id in ids:
        if item_id in seen:
            raise DatasetError(
                f"评测数据的编号「{item_id}」重复（第 {seen[item_id]} 行和第 {n} 行）：{path.name}",
                f"{path}: duplicate id {item_id!r} at lines {seen[item_id]} and {n}",
            )
        seen[item_id] = n


def detect_format(path: Path) -> Format:
    """Which suite a file belongs to, from its first item's fields."""
    _, first = _read_jsonl(path)[0]
    if "labels" in first and "file" in first:
        return "tenders"
    if "gold" in first or "gold_passages" in first:
        return "qa"
    if "question" in first:
        return "oos"
    raise DatasetError(
        f"无法识别评测数据格式（需要 question+gold、question 或 file+labels 字段）：{path.name}",
        f"{path}: unknown dataset format, keys={sorted(first)}",
    )


def load_policy_qa(path: Path) -> list[QAItem]:
    from assistant.text_zh import article_label, parse_article_no

    rows = _read_jsonl(path)
    items: list[QAItem] = []
    for n, obj in rows:
        item_id = str(_need(obj, "id", path, n))
        question = str(_need(obj, "question", path, n)).strip()
        gold: list[GoldRef] = []
        for g in obj.get("gold") or []:
            if not isinstance(g, dict) or not g.get("title"):
                raise DatasetError(f"第 {n} 行的 gold 需要 title 字段：{path.name}", f"{path}:{n}: bad gold {g!r}")
            article = g.get("article")
            if article:
                no = parse_article_no(str(article))
                if no is None:
                    raise DatasetError(
                        f"第 {n} 行的条号「{article}」无法识别：{path.name}", f"{path}:{n}: bad article {article!r}"
                    )
                article = article_label(no)
            gold.append(GoldRef(title=str(g["title"]), article=article, section=g.get("section"),
                                added=str(g.get("added") or "")))
        passages = [str(p.get("text", "") if isinstance(p, dict) else p) for p in obj.get("gold_passages") or []]
        if not gold and not passages:
            raise DatasetError(
                f"第 {n} 行（{item_id}）既没有 gold 也没有 gold_passages：{path.name}",
                f"{path}:{n}: item {item_id} has no gold",
            )
        items.append(QAItem(item_id, question, gold, [p for p in passages if p], str(obj.get("doc_type") or "法律"),
                            list(obj.get("tags") or []), str(obj.get("note") or "")))
    _unique([(n, str(o.get("id"))) for n, o in rows], path)
    return items


def load_out_of_scope(path: Path) -> list[OOSItem]:
    rows = _read_jsonl(path)
    items = [
        OOSItem(str(_need(o, "id", path, n)), str(_need(o, "question", path, n)).strip(), str(o.get("category") or ""),
                [str(t) for t in o.get("requires_absent") or []], str(o.get("note") or ""), str(o.get("why") or ""))
        for n, o in rows
    ]
    _unique([(n, str(o.get("id"))) for n, o in rows], path)
    return items


def load_tender_labels(path: Path, check_files: bool = True) -> list[TenderFile]:
    rows = _read_jsonl(path)
    out: list[TenderFile] = []
    for n, o in rows:
        name = str(_need(o, "file", path, n))
        variant = o.get("variant")
        if variant not in ("risky", "compliant"):
            raise DatasetError(f"第 {n} 行的 variant 必须是 risky 或 compliant：{path.name}", f"{path}:{n}: variant={variant!r}")
        labels = []
        for lab in o.get("labels") or []:
            for key in ("id", "rule_id", "text"):
                if not lab.get(key):
                    raise DatasetError(f"第 {n} 行有标注缺少字段「{key}」：{path.name}", f"{path}:{n}: label without {key}")
            labels.append(Label(str(lab["id"]), str(lab["rule_id"]), str(lab.get("category") or ""), str(lab["text"]),
                                [str(x) for x in lab.get("alt_rule_ids") or []], str(lab.get("severity") or "high"),
                                str(lab.get("note") or "")))
        if variant == "risky" and not labels:
            raise DatasetError(f"第 {n} 行是有风险版本但没有标注：{path.name}", f"{path}:{n}: risky file without labels")
        file_path = (path.parent / name).resolve()
        if check_files and not file_path.is_file():
            raise DatasetError(f"标注引用的招标文件不存在：{name}", f"{path}:{n}: missing tender file {file_path}")
        out.append(TenderFile(name, file_path, variant, str(o.get("kind") or ""), labels, str(o.get("note") or "")))
    _unique([(n, str(o.get("file"))) for n, o in rows], path)
    _unique([(n, lab.get("id", "")) for n, o in rows if o.get("variant") == "risky" and o.get("file", "").endswith(".docx")
             for lab in o.get("labels") or []], path)
    return out


def _read_yaml(path: Path) -> dict[str, Any]:
    """A YAML mapping; {} when the file is absent."""
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DatasetError(f"{path.name} 格式错误：{path}", str(exc)) from exc
    return data if isinstance(data, dict) else {}


def dataset_versions(datasets_dir: Path) -> dict[str, Any]:
    """`datasets.yaml` content (versions recorded with every run); {} when absent."""
    data = _read_yaml(datasets_dir / "datasets.yaml")
    return {k: v.get("version") if isinstance(v, dict) else v for k, v in data.items()}


def file_versions(datasets_dir: Path) -> dict[Path, str]:
    """Resolved path of every file `datasets.yaml` lists -> its version."""
    data = _read_yaml(datasets_dir / "datasets.yaml")
    return {(datasets_dir / v["file"]).resolve(): str(v.get("version", "")) for v in data.values()
            if isinstance(v, dict) and v.get("file")}


def suite_descriptions(eval_dir: Path) -> dict[str, dict[str, Any]]:
    """`suites.yaml`: per suite, the nature of its data (synthetic / real), its source, its real
    counterpart and whether it is held out; {} when absent."""
    return {k: v for k, v in _read_yaml(eval_dir / "suites.yaml").items() if isinstance(v, dict)}


def content_hash(paths: list[Path]) -> str:
    """First 12 hex digits of the SHA-256 of the files' contents, in order."""
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes())
    return h.hexdigest()[:12]
