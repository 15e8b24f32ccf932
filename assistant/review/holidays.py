"""The working-day calendar: public holidays and make-up working days (放假调休) as data.

`knowledge_base/holidays.yaml` lists, year by year, the days off and the weekend working days of the
State Council General Office's notices (国务院办公厅关于X年部分节假日安排的通知), each with its source.
Working days (工作日) in the review's period checks are counted on it; a year it does not list is
counted Monday to Friday, and the finding says so.
"""

from __future__ import annotations

import datetime as _dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

FILE_NAME = "holidays.yaml"


@dataclass(frozen=True)
class HolidayCalendar:
    off: frozenset[_dt.date] = frozenset()
    work: frozenset[_dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_workday(self, day: _dt.date) -> bool:
        if day in self.work:
            return True
        return day.weekday() < 5 and day not in self.off

    def covers(self, start: _dt.date, end: _dt.date) -> bool:
        """Whether every year from start to end is listed (else holidays in it are unknown)."""
        return all(y in self.years for y in range(start.year, end.year + 1))


def _days(spec: str) -> list[_dt.date]:
    first, _, last = str(spec).partition("/")
    a = _dt.date.fromisoformat(first.strip())
    b = _dt.date.fromisoformat(last.strip()) if last else a
    if b < a:
        raise ValueError(f"日期区间首尾颠倒：{spec}")
    return [a + _dt.timedelta(days=i) for i in range((b - a).days + 1)]


def parse_calendar(data: dict[str, Any]) -> HolidayCalendar:
    """The calendar of a holidays.yaml mapping; ValueError (in Chinese) on a malformed entry."""
    off: set[_dt.date] = set()
    work: set[_dt.date] = set()
    years: set[int] = set()
    for year, entry in (data.get("years") or {}).items():
        if not isinstance(entry, dict):
            raise ValueError(f"放假安排 {year} 年的格式不正确（应为含 days_off、workdays 的映射）")
        try:
            for spec in entry.get("days_off") or []:
                off.update(_days(spec))
            for spec in entry.get("workdays") or []:
                work.update(_days(spec))
        except ValueError as e:
            raise ValueError(f"放假安排 {year} 年的日期不正确：{e}") from e
        years.add(int(year))
    return HolidayCalendar(frozenset(off), frozenset(work), frozenset(years))


_lock = threading.Lock()
_cache: dict[tuple[Path, float], HolidayCalendar] = {}


def calendar(kb_dir: Path | None = None) -> HolidayCalendar:
    """The calendar of the knowledge-base folder in use (services.py points it at the deployment's);
    an empty one (Monday to Friday) when the file is missing or unreadable, with the reason logged."""
    if kb_dir is None:
        from assistant.titles import knowledge_base_dir

        kb_dir = knowledge_base_dir()
    path = Path(kb_dir) / FILE_NAME
    try:
        key = (path, path.stat().st_mtime)
    except FileNotFoundError:
        return HolidayCalendar()
    with _lock:
        if key not in _cache:
            try:
                _cache[key] = parse_calendar(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
            except (OSError, ValueError, yaml.YAMLError) as e:
                log.warning("holiday calendar %s unreadable, counting Monday to Friday: %s", path, e)
                _cache[key] = HolidayCalendar()
        return _cache[key]
