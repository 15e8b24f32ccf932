"""Housekeeping of the data directory: partial generations, old uploads/exports, disk use, read-only check.

Why a module of its own: the rules are small but easy to get wrong in ways that lose data. A
generation folder without `catalog.json` is a write that was killed (it never served); it must
not count against retention, or the last good previous generation gets deleted to make room for
it. Uploads of web reviews are kept only for a while (the report was downloaded long ago).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

#: generations kept: the current one and the newest complete one before it (readers may still use it)
KEEP_PREVIOUS = 1


@dataclass
class GenerationPlan:
    current: str | None
    keep: list[str] = field(default_factory=list)
    partial: list[str] = field(default_factory=list)  # never completed (no catalog.json) or never switched in
    old: list[str] = field(default_factory=list)  # complete, older than what is kept


def plan_generations(index_root: Path, current: str | None, keep_previous: int = KEEP_PREVIOUS) -> GenerationPlan:
    """Which gen-* folders to keep and which to delete; partial ones never count against retention."""
    gens = sorted((p for p in index_root.glob("gen-*") if p.is_dir()), key=lambda p: p.name)
    plan = GenerationPlan(current=current)
    complete = [p.name for p in gens if (p / "catalog.json").exists()]
    for p in gens:
        if p.name == current:
            continue
        if p.name not in complete or (current is not None and p.name > current):
            plan.partial.append(p.name)  # killed mid-write, or finished but never switched in
    before = [n for n in complete if current is None or n < current]
    kept_previous = before[-keep_previous:] if keep_previous else []
    plan.keep = ([current] if current else []) + kept_previous
    plan.old = [n for n in before if n not in kept_previous]
    return plan


@dataclass
class GcResult:
    generations_removed: list[str] = field(default_factory=list)
    uploads_removed: int = 0
    bytes_freed: int = 0

    def to_dict(self) -> dict[str, object]:
        return {"generations_removed": self.generations_removed, "uploads_removed": self.uploads_removed,
                "bytes_freed": self.bytes_freed}


def dir_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path, onerror=lambda exc: None):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue
    return total


def remove_generations(index_root: Path, names: list[str], result: GcResult) -> None:
    for name in names:
        path = index_root / name
        size = dir_size(path)
        shutil.rmtree(path, ignore_errors=True)
        if not path.exists():
            result.generations_removed.append(name)
            result.bytes_freed += size


def clean_uploads(data_dir: Path, max_age_s: float, result: GcResult, keep: set[Path] | None = None,
                  kinds: tuple[str, ...] = ("review", "exports")) -> None:
    """Delete upload folders of `kinds` older than `max_age_s` (regulations stay: they back the index)."""
    now = time.time()
    keep = {p.resolve() for p in keep or set()}
    for kind in kinds:
        base = Path(data_dir) / "uploads" / kind
        if not base.is_dir():
            continue
        for entry in base.iterdir():
            try:
                age = now - entry.stat().st_mtime
            except OSError:
                continue
            if age < max_age_s or entry.resolve() in keep:
                continue
            size = dir_size(entry) if entry.is_dir() else entry.stat().st_size
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            if not entry.exists():
                result.uploads_removed += 1
                result.bytes_freed += size


def disk_usage(data_dir: Path) -> dict[str, int]:
    """Bytes used under data_dir, by top-level folder (index, uploads, logs, ...) plus "total"."""
    data_dir = Path(data_dir)
    out: dict[str, int] = {}
    if data_dir.is_dir():
        for entry in sorted(data_dir.iterdir()):
            out[entry.name] = dir_size(entry) if entry.is_dir() else entry.stat().st_size
    out["total"] = sum(out.values())
    return out


def is_disk_full(exc: BaseException) -> bool:
    """Whether `exc` says the disk is full: ENOSPC/EDQUOT, or SQLite's 「database or disk is full」
    (code 13) as chromadb or sqlite3 report it."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "database or disk is full" in str(exc)


def is_writable(path: Path) -> bool:
    """Whether files can really be created in `path` (a read-only volume, or no permission, says no)."""
    path = Path(path)
    probe_dir = path if path.is_dir() else path.parent
    try:
        with tempfile.NamedTemporaryFile(dir=probe_dir, prefix=".write-probe-"):
            return True
    except OSError:
        return False
