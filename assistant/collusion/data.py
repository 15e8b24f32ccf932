"""Collusion data files (knowledge_base/collusion/): lexicon.yaml, glossary.yaml and the 范本 template library."""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.collusion.scoring import WEIGHT
from assistant.errors import ConfigError


class Lexicon(BaseModel):
    model_config = ConfigDict(extra="forbid")  # a misspelt list name is an error, not an empty list

    default_metadata: list[str] = Field(default_factory=list)
    default_rsids: list[str] = Field(default_factory=list)
    fixed_fee_keywords: list[str] = Field(default_factory=list)
    mixing_innocent_context: list[str] = Field(default_factory=list)
    typos: list[str] = Field(default_factory=list)
    not_typos: list[str] = Field(default_factory=list)
    brochure_words: list[str] = Field(default_factory=list)
    stock_answers: list[str] = Field(default_factory=list)
    stock_answer_labels: list[str] = Field(default_factory=list)


class Glossary(BaseModel):
    """The report's 术语说明: how the score is read, and a note per technical word."""

    model_config = ConfigDict(extra="forbid")

    score_scale: str  # {强} {中} {弱}: the points of one signal of that tier
    terms: dict[str, str]  # word -> note, printed when the report uses the word

    @field_validator("score_scale")
    @classmethod
    def _known_fields(cls, text: str) -> str:
        fields = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
        if fields - set(WEIGHT):
            raise ValueError(f"unknown fields {sorted(fields - set(WEIGHT))}; allowed: {sorted(WEIGHT)}")
        return text


M = TypeVar("M", bound=BaseModel)


def _load_yaml(path: Path, model: type[M], what: str) -> M:
    """A YAML mapping validated by `model`; a Chinese ConfigError naming the file (and the bad keys) otherwise."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"围标串标分析的{what}无法读取：{path}", f"{path}: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"围标串标分析的{what}格式不正确：{path}", f"{path}: not a mapping")
    raw.pop("version", None)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        where = "；".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
        raise ConfigError(f"围标串标分析的{what}格式不正确（{where}）：{path}", f"{path}: {exc}") from exc


class CollusionData(BaseModel):
    lexicon: Lexicon
    glossary: Glossary
    templates: dict[str, str]  # file name -> text

    @classmethod
    def load(cls, folder: Path) -> CollusionData:
        lexicon = _load_yaml(folder / "lexicon.yaml", Lexicon, "词表文件")
        glossary = _load_yaml(folder / "glossary.yaml", Glossary, "术语说明文件")
        templates: dict[str, str] = {}
        tdir = folder / "templates"
        if tdir.is_dir():
            for p in sorted(tdir.iterdir()):
                if p.suffix in (".txt",) and p.is_file():
                    templates[p.name] = p.read_text(encoding="utf-8")
        return cls(lexicon=lexicon, glossary=glossary, templates=templates)
