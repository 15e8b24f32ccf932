"""Issuing organs (发文机关) as data: `knowledge_base/organs.yaml`.

Each organ has its full name, the other names documents write (国家发展改革委), whether it issues
令 (财政部令第87号) and the codes of its 文号 (浙财采监〔2022〕13号). Metadata inference of imported
files reads it from the knowledge-base folder in use (`Settings.knowledge_base_dir`, which
services.py hands to `assistant.titles.use_knowledge_base_dir`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import ConfigError

log = logging.getLogger(__name__)

FILE_NAME = "organs.yaml"
_FIELDS = {"name", "short_names", "decree", "prefixes"}


@dataclass(frozen=True)
class Organ:
    name: str
    short_names: tuple[str, ...] = ()
    decree: bool = False
    prefixes: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.short_names)


class OrganTable:
    """The organs of one organs.yaml, with the patterns built from their names."""

    def __init__(self, organs: tuple[Organ, ...] = ()) -> None:
        self.organs = organs
        self._by_name = {n: o.name for o in organs for n in o.names}
        self._by_prefix = {p: o.name for o in organs for p in o.prefixes}
        decree = [n for o in organs if o.decree for n in o.names]
        self._by_decree = {f"{n}令": self._by_name[n] for n in decree}
        #: 「财政部令第87号」 (spaces and a line break allowed), or None without decree organs
        self.decree_number = re.compile(rf"({_alternation(decree)})令\s*第\s*(\d+)\s*号") if decree else None
        #: the organ names as one regex alternation, longest first (国务院办公厅 before 国务院)
        self.names_pattern = _alternation(list(self._by_name))

    def full_name(self, name: str) -> str:
        """The organ's full name for any of its names; other text unchanged."""
        return self._by_name.get(name, name)

    def issuer_of_number(self, doc_number: str) -> str | None:
        """The organ a 文号 names: its 令 (国务院令第613号) or its code (浙财采监〔2022〕13号)."""
        for decree, organ in self._by_decree.items():
            if doc_number.startswith(decree):
                return organ
        code = doc_number.split("〔", 1)[0]
        return self._by_prefix.get(code) if code != doc_number else None


def _alternation(names: list[str]) -> str:
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True))


def _strings(value: Any, what: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{where}的 {what} 应为文字列表")
    return tuple(v.strip() for v in value)


def _organ(entry: Any, n: int) -> Organ:
    where = f"第 {n} 个机关"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise ValueError(f"{where}缺少机关全称（name）")
    unknown = sorted(str(k) for k in entry if k not in _FIELDS)
    if unknown:
        raise ValueError(f"{where}（{entry['name']}）有未知的项：{'、'.join(unknown)}")
    if not isinstance(entry.get("decree", False), bool):
        raise ValueError(f"{where}（{entry['name']}）的 decree 应为 true 或 false")
    where = f"{where}（{entry['name']}）"
    return Organ(entry["name"].strip(), _strings(entry.get("short_names"), "short_names", where),
                 bool(entry.get("decree", False)), _strings(entry.get("prefixes"), "prefixes", where))


def parse_organs(data: Any) -> OrganTable:
    """The table of an organs.yaml mapping; ValueError (in Chinese) on a malformed entry."""
    if not isinstance(data, dict) or not isinstance(data.get("organs"), list):
        raise ValueError("应为含 organs 列表的映射")
    return OrganTable(tuple(_organ(entry, n) for n, entry in enumerate(data["organs"], start=1)))


@lru_cache(maxsize=4)
def _load(path: str, _mtime: float) -> OrganTable:
    p = Path(path)
    try:
        return parse_organs(yaml.safe_load(p.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else "无法读取或不是有效的 YAML"
        raise ConfigError(f"发文机关数据文件格式不正确（{reason}）：{p}", f"{p}: {exc}") from exc


def organ_table(kb_dir: Path | None = None) -> OrganTable:
    """The organs of the knowledge-base folder in use; an empty table (nothing recognised by name)
    when the file is missing, with a warning logged. ConfigError when it is malformed."""
    if kb_dir is None:
        from assistant.titles import knowledge_base_dir

        kb_dir = knowledge_base_dir()
    path = Path(kb_dir) / FILE_NAME
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        log.warning("organ table %s missing: issuers and 令 numbers are recognised by pattern only", path)
        return OrganTable()
    return _load(str(path), mtime)
