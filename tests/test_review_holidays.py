"""The working-day calendar (knowledge_base/holidays.yaml) and the period checks that count on it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from assistant.config import resource_dir
from assistant.review import holidays
from assistant.review import numbers as nb
from assistant.review.pipeline import Reviewer

SHIPPED = resource_dir("knowledge_base") / holidays.FILE_NAME
GOV = "本项目为政府采购项目，采购方式：公开招标。\n"


def test_shipped_calendar_is_sourced_and_consistent() -> None:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    cal = holidays.parse_calendar(data)
    assert {2023, 2024, 2025, 2026} <= cal.years
    for year, entry in data["years"].items():
        assert entry["source"].startswith(f"国务院办公厅关于{year}年部分节假日安排的通知") and entry["url"].startswith("http")
        # the keys are not YAML booleans (an unquoted `off:` key reads as False and drops every holiday)
        assert set(entry) == {"source", "url", "days_off", "workdays"}
        assert all(d.weekday() >= 5 for d in holidays.parse_calendar({"years": {year: {"workdays": entry["workdays"]}}}).work)
    assert len(cal.off) > 100
    assert not cal.off & cal.work


def test_working_days_follow_the_notices() -> None:
    cal = holidays.calendar(SHIPPED.parent)
    # 2023: 9月29日—10月6日 off, 10月7日 and 8日 (weekend) worked
    assert nb.workdays_between(dt.date(2023, 9, 27), dt.date(2023, 10, 3), is_workday=cal.is_workday) == 2
    assert nb.workdays_between(dt.date(2023, 9, 27), dt.date(2023, 10, 3)) == 5  # Monday to Friday
    assert cal.is_workday(dt.date(2025, 9, 28)) and not cal.is_workday(dt.date(2025, 10, 8))
    assert cal.covers(dt.date(2025, 12, 30), dt.date(2026, 1, 5)) and not cal.covers(dt.date(2019, 3, 1), dt.date(2019, 3, 9))


def test_malformed_calendar_is_an_error_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="放假安排 2025 年的日期不正确"):
        holidays.parse_calendar({"years": {2025: {"days_off": ["2025-13-01"]}}})
    with pytest.raises(ValueError, match="首尾颠倒"):
        holidays.parse_calendar({"years": {2025: {"days_off": ["2025-10-08/2025-10-01"]}}})
    (tmp_path / holidays.FILE_NAME).write_text("years: [1, 2", encoding="utf-8")
    assert holidays.calendar(tmp_path) == holidays.HolidayCalendar()  # unreadable: Monday to Friday, logged
    assert holidays.calendar(tmp_path / "missing") == holidays.HolidayCalendar()


def test_sale_period_over_national_day_counts_the_holidays(reviewer: Reviewer) -> None:
    """「2023年9月27日至10月3日（法定节假日除外）」 is 2 working days, not 5 (Monday to Friday)."""
    rep = reviewer.review_text(GOV + "获取招标文件期限：2023年9月27日至2023年10月3日（法定节假日除外）。", use_llm=False)
    t02 = [f for f in rep.findings if f.rule_id == "T02"]
    assert t02 and "按国务院办公厅公布的放假调休安排计2个工作日" in t02[0].explanation
    ok = reviewer.review_text(GOV + "获取招标文件期限：2023年10月9日至2023年10月13日。", use_llm=False)
    assert "T02" not in {f.rule_id for f in ok.findings}


def test_negotiation_period_over_national_day(reviewer: Reviewer) -> None:
    head = "本项目为政府采购项目，采购方式：竞争性谈判。\n"
    short = reviewer.review_text(head + "谈判文件发出日期：2025年9月30日；响应文件提交截止时间：2025年10月9日9时。", use_llm=False)
    assert any(f.rule_id == "T01" and "计1个工作日" in f.explanation for f in short.findings)
    # 9月28日 is a Sunday worked (调休): 9月25、26、28、29日 are 4 working days
    ok = reviewer.review_text(head + "谈判文件发出日期：2025年9月24日；响应文件提交截止时间：2025年9月29日9时。", use_llm=False)
    assert "T01" not in {f.rule_id for f in ok.findings}


def test_year_not_listed_is_counted_monday_to_friday(reviewer: Reviewer) -> None:
    rep = reviewer.review_text(GOV + "获取招标文件期限：2019年3月4日至2019年3月6日。", use_llm=False)
    assert any(f.rule_id == "T02" and "按周一至周五计约3个工作日" in f.explanation for f in rep.findings)
