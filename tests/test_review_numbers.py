"""Parsers of amounts, percentages, periods and dates: exact values, and never raising."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.review import numbers as nb


def test_amounts_in_all_spellings() -> None:
    got = [a.yuan for a in nb.find_amounts("保证金人民币80万元（大写：捌拾万元整），估算价2,000万元，¥5000.00元，壹佰万元整，1.5亿元")]
    assert got == [800000, 800000, 20000000, 5000, 1000000, 150000000]
    assert nb.parse_amount("叁拾伍万陆仟元") == 356000
    assert nb.parse_amount("占地5万平方米") is None
    assert nb.parse_amount("没有金额") is None


def test_percentages() -> None:
    assert [round(p.value, 4) for p in nb.find_percents("2%、2％、百分之十、千分之五、百分之二点五")] == [0.02, 0.02, 0.1, 0.005, 0.025]


def test_day_counts_and_units() -> None:
    got = [(d.n, d.unit) for d in nb.find_day_counts("5个工作日，二十日，90日历天，3个月，2年")]
    assert got == [(5, "工作日"), (20, "日"), (90, "日"), (3, "月"), (2, "年")]
    # calendar dates are not periods
    assert nb.find_day_counts("2025年6月1日") == []


def test_dates_with_year_inference_and_rollover() -> None:
    ds = nb.find_dates("2025年6月1日发布，6月20日截止；2025-06-01；二〇二五年六月一日上午9:30")
    assert [d.date for d in ds] == [dt.date(2025, 6, 1), dt.date(2025, 6, 20), dt.date(2025, 6, 1), dt.date(2025, 6, 1)]
    assert ds[1].year_inferred and ds[3].time == (9, 30)
    assert [d.date for d in nb.find_dates("12月30日至1月5日", 2025)] == [dt.date(2025, 12, 30), dt.date(2026, 1, 5)]
    assert nb.parse_date("2025年2月30日") is None  # impossible date
    assert nb.parse_date("6月1日") is None  # no year anywhere


def test_workdays() -> None:
    assert nb.workdays_between(dt.date(2022, 11, 4), dt.date(2022, 11, 11)) == 6
    assert nb.workdays_between(dt.date(2025, 1, 10), dt.date(2025, 1, 1)) == 0


def test_cn_numbers() -> None:
    assert nb.cn_number("一百零八") == 108
    assert nb.cn_number("壹亿贰仟万") == 120000000
    assert nb.cn_number("十") == 10
    assert nb.cn_number("abc") is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789.,%％年月日号元万亿个工作日历天周零一二三四五六七八九十百千壹贰叁拾佰仟整点之分百分之千分之-/: ")), max_size=60))
def test_parsers_never_raise(text: str) -> None:
    nb.find_amounts(text)
    nb.find_percents(text)
    nb.find_day_counts(text)
    nb.find_dates(text, 2025)
    nb.parse_amount(text)
    nb.parse_percent(text)
    nb.cn_number(text)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.none(), st.integers(), st.text()))
def test_parsers_accept_any_object(value: object) -> None:
    assert isinstance(nb.find_amounts(value), list)  # type: ignore[arg-type]
    assert isinstance(nb.find_dates(value), list)  # type: ignore[arg-type]
