"""Collusion data files (knowledge_base/collusion/): lexicon.yaml and the 范本 template library."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from assistant.errors import ConfigError


class Lexicon(BaseModel):
    default_metadata: list[str] = Field(default_factory=list)
    default_rsids: list[str] = Field(default_factory=list)
    fixed_fee_keywords: list[str] = Field(default_factory=list)
    mixing_innocent_context: list[str] = Field(default_factory=list)
    typos: list[str] = Field(default_factory=list)
    brochure_words: list[str] = Field(default_factory=list)


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
        raw.pop("version", None)
        templates: dict[str, str] = {}
        tdir = folder / "templates"
        if tdir.is_dir():
            for p in sorted(tdir.iterdir()):
                if p.suffix in (".txt",) and p.is_file():
                    templates[p.name] = p.read_text(encoding="utf-8")
        return cls(lexicon=Lexicon.model_validate(raw), templates=templates)
