"""Collusion data files (knowledge_base/collusion/): lexicon.yaml and the 范本 template library."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

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


class CollusionData(BaseModel):
    lexicon: Lexicon
    templates: dict[str, str]  # file name -> text

    @classmethod
    def load(cls, folder: Path) -> CollusionData:
        lex_path = folder / "lexicon.yaml"
        try:
            raw = yaml.safe_load(lex_path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(f"围标串标分析的词表文件无法读取：{lex_path}", f"{lex_path}: {exc}") from exc
        if not isinstance(raw, dict):
            raise ConfigError(f"围标串标分析的词表文件格式不正确：{lex_path}", f"{lex_path}: not a mapping")
        raw.pop("version", None)
        try:
            lexicon = Lexicon.model_validate(raw)
        except ValidationError as exc:
            where = "；".join(".".join(str(p) for p in e["loc"]) for e in exc.errors()[:5])
            raise ConfigError(f"围标串标分析的词表文件格式不正确（{where}）：{lex_path}", f"{lex_path}: {exc}") from exc
        templates: dict[str, str] = {}
        tdir = folder / "templates"
        if tdir.is_dir():
            for p in sorted(tdir.iterdir()):
                if p.suffix in (".txt",) and p.is_file():
                    templates[p.name] = p.read_text(encoding="utf-8")
        return cls(lexicon=lexicon, templates=templates)
