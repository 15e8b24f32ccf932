"""Robust parsers for the numbers a tender states: amounts, percentages, day counts, dates.

Why hand-written: tenders mix 阿拉伯数字, 小写中文数字 and 大写金额 (壹佰万元整) in one clause,
and a review must never crash on odd text. Every public function returns None (or an empty
list) instead of raising.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from assistant.text_zh import CN_DIGIT_VALUES, CN_NUMERAL_CHARS, cn_number

__all__ = [
    "Amount",
    "DateMention",
    "DayCount",
    "Percent",
    "cn_number",
    "days_between",
    "find_amounts",
    "find_dates",
    "find_day_counts",
    "find_percents",
    "parse_amount",
    "parse_date",
    "parse_percent",
    "workdays_between",
]

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"


def _norm(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return unicodedata.normalize("NFKC", text)


def _to_float(num: str) -> float | None:
    try:
        return float(num.replace(",", ""))
    except (ValueError, AttributeError):
        return None


# --------------------------------------------------------------------------- amounts

@dataclass(frozen=True)
class Amount:
    """An amount of money in 元, and where it was written."""

    yuan: float
    start: int
    end: int
    text: str


_RE_AMOUNT_ARABIC = re.compile(
    rf"(?:人民币|RMB|¥|￥)?\s*(?P<num>{_NUM})\s*(?P<unit>亿元|万元|千元|元|亿|万)"
)
_RE_AMOUNT_CAPITAL = re.compile(
    rf"(?:人民币)?(?:大写[:：]?)?(?P<num>[{re.escape(CN_NUMERAL_CHARS)}]+)\s*(?P<unit>亿元|万元|元|圆)(?:整|正)?"
    r"(?:(?P<jiao>[零壹贰叁肆伍陆柒捌玖一二三四五六七八九])角)?(?:(?P<fen>[零壹贰叁肆伍陆柒捌玖一二三四五六七八九])分)?"
)
#: an amount written with its currency sign and no unit (「¥3,000,000.00」, 「RMB 500,000」): 元
_RE_AMOUNT_SIGN = re.compile(rf"(?:¥|RMB)\s*(?P<num>{_NUM})(?!\d|[,.]\d|\s*(?:亿|万|千|元|百分|[%‰]))")
#: 「预算：50W」「报价下限：45W」: W for 万 in shorthand, read only after a word of money (「功率50W」 is watts)
_RE_AMOUNT_W = re.compile(rf"(?:预算|金额|报价|限价|控制价|估算价?|保证金|费用?|价款|合同价|下限|上限)[^。；;\n\d]{{0,6}}?(?P<num>{_NUM})\s*[Ww](?![A-Za-z])")
_UNIT_FACTOR = {"亿元": 1e8, "亿": 1e8, "万元": 1e4, "万": 1e4, "千元": 1e3, "元": 1.0, "圆": 1.0}


def find_amounts(text: str) -> list[Amount]:
    """All money amounts in the text (元/万元/亿元, ¥, 大写), in order of position."""
    s = _norm(text)
    found: list[Amount] = []
    for m in _RE_AMOUNT_ARABIC.finditer(s):
        unit = m.group("unit")
        # 万/亿 without 元 must be followed by 元-ish context to be money ("5万平方米" is not)
        if unit in ("万", "亿"):
            tail = s[m.end(): m.end() + 2]
            if tail[:1] in ("平", "米", "人", "次", "台", "个", "吨", "件", "份", "字", "千", "公"):
                continue
        value = _to_float(m.group("num"))
        if value is None:
            continue
        found.append(Amount(value * _UNIT_FACTOR[unit], m.start(), m.end(), m.group(0).strip()))
    found += _shorthand_amounts(s, found)
    for m in _RE_AMOUNT_CAPITAL.finditer(s):
        value = cn_number(m.group("num"))
        if value is None:
            continue
        yuan = value * _UNIT_FACTOR[m.group("unit")]
        if m.group("jiao"):
            yuan += CN_DIGIT_VALUES.get(m.group("jiao"), 0) * 0.1
        if m.group("fen"):
            yuan += CN_DIGIT_VALUES.get(m.group("fen"), 0) * 0.01
        if any(a.start <= m.start() < a.end for a in found):
            continue
        found.append(Amount(yuan, m.start(), m.end(), m.group(0)))
    found.sort(key=lambda a: a.start)
    return found


def _shorthand_amounts(s: str, found: list[Amount]) -> list[Amount]:
    """Amounts written with a currency sign and no unit (「¥3,000,000.00」) or with W for 万 (「预算：50W」)."""
    out: list[Amount] = []
    for rx, factor in ((_RE_AMOUNT_SIGN, 1.0), (_RE_AMOUNT_W, 1e4)):
        for m in rx.finditer(s):
            value = _to_float(m.group("num"))
            start = m.start() if rx is _RE_AMOUNT_SIGN else m.start("num")
            if value is not None and not any(a.start <= start < a.end for a in found + out):
                out.append(Amount(value * factor, start, m.end(), s[start: m.end()].strip()))
    return out


def parse_amount(text: str) -> float | None:
    """The first money amount in the text, in 元; None when there is none."""
    amounts = find_amounts(text)
    return amounts[0].yuan if amounts else None


# --------------------------------------------------------------------------- percentages

@dataclass(frozen=True)
class Percent:
    """A percentage as a fraction (2% -> 0.02)."""

    value: float
    start: int
    end: int
    text: str


_RE_PCT = re.compile(rf"(?P<num>{_NUM})\s*[%％]")
_RE_PCT_CN = re.compile(rf"(?P<base>百分之|千分之)(?P<num>[{re.escape(CN_NUMERAL_CHARS)}点.\d]+)")
#: tenths (「三成」「一成半」「七成五」) and plain fractions (「五分之一」「一半」); 「三分之二」 too, as the share it is
_TENTHS = "一二两三四五六七八九"
_RE_PCT_TENTHS = re.compile(rf"(?<![{_TENTHS}十百千万零〇\d])(?P<n>[{_TENTHS}])成(?P<frac>半|[{_TENTHS}](?![成分]))?(?![交本员立为功果绩品型效熟])")
_RE_PCT_FRACTION = re.compile(rf"(?<![{_TENTHS}十百千万\d])(?P<den>[二两三四五六七八九十])分之(?P<num>[{_TENTHS}])|(?<![{_TENTHS}十\d])一半")


def _cn_decimal(raw: str) -> float | None:
    """A Chinese numeral with an optional 点 part (二点五 -> 2.5)."""
    if "点" not in raw:
        return cn_number(raw)
    whole, _, frac = raw.partition("点")
    w = cn_number(whole)
    digits = "".join(str(CN_DIGIT_VALUES.get(c, "")) for c in frac)
    return None if w is None or not digits else float(f"{int(w)}.{digits}")


def find_percents(text: str) -> list[Percent]:
    """All percentages (2%, 2％, 百分之二, 千分之五, 百分之二点五) as fractions."""
    s = _norm(text)
    out: list[Percent] = []
    for m in _RE_PCT.finditer(s):
        v = _to_float(m.group("num"))
        if v is not None:
            out.append(Percent(v / 100.0, m.start(), m.end(), m.group(0)))
    for m in _RE_PCT_CN.finditer(s):
        raw = m.group("num")
        v = _to_float(raw) if re.fullmatch(r"\d+(?:\.\d+)?", raw) else _cn_decimal(raw)
        if v is None:
            continue
        base = 100.0 if m.group("base") == "百分之" else 1000.0
        out.append(Percent(v / base, m.start(), m.end(), m.group(0)))
    for m in _RE_PCT_TENTHS.finditer(s):
        frac = m.group("frac")
        tenth = 0.5 if frac == "半" else (CN_DIGIT_VALUES[frac] / 10.0 if frac else 0.0)
        out.append(Percent((CN_DIGIT_VALUES[m.group("n")] + tenth) / 10.0, m.start(), m.end(), m.group(0)))
    for m in _RE_PCT_FRACTION.finditer(s):
        value = 0.5 if m.group(0) == "一半" else CN_DIGIT_VALUES[m.group("num")] / float(cn_number(m.group("den")) or 1)
        out.append(Percent(value, m.start(), m.end(), m.group(0)))
    out.sort(key=lambda p: p.start)
    return out


def parse_percent(text: str) -> float | None:
    """The first percentage in the text as a fraction; None when there is none."""
    p = find_percents(text)
    return p[0].value if p else None


# --------------------------------------------------------------------------- numerals as digits

_RUN_CHARS = "".join(c for c in CN_NUMERAL_CHARS if c not in "O万萬亿億")
#: a Chinese numeral before the unit it counts (「十五日」「伍拾万元」「四十八小时」「得一分」), not an ordinal (「第一名」)
#: nor a grade (「一级」); the run stops before 万/亿, which stay as the unit (「壹佰伍拾万元」 -> 「 150万元」)
_RE_CN_COUNT = re.compile(
    rf"(?<![第{_RUN_CHARS}])(?P<num>[{_RUN_CHARS}]+)(?=\s*(?:个\s*)?(?:工作日|日历天|日历日|自然日|天|日|月|年|周岁|岁|小时"
    rf"|[万萬亿億]?元|[万萬亿億](?![{_RUN_CHARS}])|倍))"
    rf"|(?<=[得加扣减计为共满至到（(：:、，,\s])(?P<pts>[{_RUN_CHARS}]+)(?=分(?!之))")
_RE_CN_PERCENT = re.compile(rf"(?P<base>百分之|千分之)(?P<num>[{_RUN_CHARS}点]+)")
_RE_ANY_NUMERAL = re.compile(f"[{_RUN_CHARS}]")


def _digits(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


@lru_cache(maxsize=8192)  # asked once per detector for each clause: the same few thousand texts
def digits_view(text: str) -> str:
    """The text with counts and percentages written in Chinese numerals put in digits, the same length (padded with
    spaces before the digits) so that positions hold: 「不低于人民币肆拾万元整」 -> 「不低于人民币40万元整」, 「百分之八十五」 ->
    「   85%」, 「十五日前」 -> 「 15日前」. Patterns written with \\d read both; evidence is cut from the text itself."""
    if not _RE_ANY_NUMERAL.search(text):
        return text

    def percent(m: re.Match[str]) -> str:
        v = _cn_decimal(m.group("num"))
        if v is None:
            return m.group(0)
        out = _digits(v / 10.0 if m.group("base") == "千分之" else v) + "%"
        return out.rjust(len(m.group(0))) if len(out) <= len(m.group(0)) else m.group(0)

    def count(m: re.Match[str]) -> str:
        raw = m.group(0)
        v = cn_number(raw)
        out = _digits(v) if v is not None else raw
        return out.rjust(len(raw)) if len(out) <= len(raw) else raw

    return _RE_CN_COUNT.sub(count, _RE_CN_PERCENT.sub(percent, text))


# --------------------------------------------------------------------------- day counts

@dataclass(frozen=True)
class DayCount:
    """A period: `n` units of `unit` (日 / 工作日 / 日历天 / 月 / 年)."""

    n: float
    unit: str
    start: int
    end: int
    text: str

    @property
    def is_workdays(self) -> bool:
        return self.unit == "工作日"

    @property
    def days(self) -> float:
        """Calendar days (months as 30, years as 365; 工作日 stay as counted)."""
        return self.n * {"月": 30, "年": 365}.get(self.unit, 1)


_RE_DAYS = re.compile(
    rf"(?P<num>\d+(?:\.\d+)?|[{re.escape(CN_NUMERAL_CHARS)}]+)\s*(?:个)?\s*"
    r"(?P<unit>工作日|日历天|日历日|自然日|天|日|个月|月|年|周(?!岁)|星期|小时)"
    r"|(?<![\d一二三四五六七八九十])(?P<half>半)(?P<halfunit>个月|个?年)"
)


def find_day_counts(text: str) -> list[DayCount]:
    """Periods like 20日, 五个工作日, 90日历天, 3个月, 2年, 半个月, 48小时 (dates such as 6月1日 are skipped)."""
    s = _norm(text)
    out: list[DayCount] = []
    for m in _RE_DAYS.finditer(s):
        if m.group("half"):  # 「半个月」「半年」
            month = m.group("halfunit") == "个月"
            out.append(DayCount(15.0 if month else 6.0, "日" if month else "月", m.start(), m.end(), m.group(0)))
            continue
        raw, unit = m.group("num"), m.group("unit")
        if _is_calendar(s, m, raw, unit):
            continue
        n = _to_float(raw) if raw[0].isdigit() else cn_number(raw)
        if n is None:
            continue
        if unit == "小时":  # whole days only (「四十八小时」「72小时」); 「2小时内响应」 is not a period of days
            if n < 24 or n % 24:
                continue
            n, unit = n / 24, "日"
        norm_unit = {"日历天": "日", "日历日": "日", "自然日": "日", "天": "日", "个月": "月",
                     "周": "周", "星期": "周"}.get(unit, unit)
        if norm_unit == "周":
            n, norm_unit = n * 7, "日"
        out.append(DayCount(n, norm_unit, m.start(), m.end(), m.group(0)))
    return out


def _is_calendar(s: str, m: re.Match[str], raw: str, unit: str) -> bool:
    """A calendar date or month name, not a period: 「6月1日」「2025年」「3月」."""
    before = s[max(0, m.start() - 1): m.start()]
    after = s[m.end(): m.end() + 1]
    if unit in ("日", "月") and (before == "月" or (unit == "月" and re.match(r"\d|[一二三四五六七八九十]", after or ""))):
        return True
    if unit == "年" and (len(raw) == 4 or after in ("度",) or re.match(r"\d|[一二三四五六七八九十]", after or "")):
        return True
    if unit == "月" and "个" not in m.group(0):
        return True  # bare "3月" is a month name, not a period
    return unit == "日" and before == "年"


# --------------------------------------------------------------------------- dates

@dataclass(frozen=True)
class DateMention:
    """A calendar date (time of day kept when written, else None)."""

    date: _dt.date
    start: int
    end: int
    text: str
    year_inferred: bool = False
    time: tuple[int, int] | None = None


_YEAR_CN = r"[零〇○一二三四五六七八九]{4}"
_MD_CN = r"[一二三四五六七八九十]{1,3}"
_RE_DATE_FULL = re.compile(
    rf"(?P<y>(?<!\d)\d{{2}}(?=\s*年)|\d{{4}}|{_YEAR_CN})\s*年\s*(?P<m>\d{{1,2}}|{_MD_CN})\s*月\s*(?P<d>\d{{1,2}}|{_MD_CN})\s*[日号]"
)
_RE_DATE_ISO = re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)")
_RE_DATE_MD = re.compile(rf"(?<![\d年])(?P<m>\d{{1,2}}|{_MD_CN})\s*月\s*(?P<d>\d{{1,2}}|{_MD_CN})\s*[日号]")
_TIME = r"\s*(?:上午|下午|晚上)?\s*(?P<h>\d{1,2})\s*(?:[:：]|时|点)\s*(?P<mi>\d{1,2})?(?:\s*分)?"
_RE_TIME = re.compile("^" + _TIME)
#: a weekday in brackets written after a date (「2024年11月8日（星期五）」)
_WEEKDAY = r"(?:\s*[（(][^）)]{1,4}[）)])?"
_RE_TIME_PAST_WEEKDAY = re.compile(_WEEKDAY + _TIME)


def _int_of(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    v = cn_number(raw)
    return int(v) if v is not None else None


def _year_of(raw: str) -> int | None:
    """The year of a date, 「24年5月6日」 written in two digits read as 2024."""
    year = _int_of(raw)
    return year + 2000 if year is not None and year < 100 else year


def _make_date(y: int | None, m: int | None, d: int | None) -> _dt.date | None:
    if y is None or m is None or d is None:
        return None
    try:
        return _dt.date(y, m, d)
    except (ValueError, OverflowError):
        return None


def _time_after(s: str, pos: int) -> tuple[int, int] | None:
    m = _RE_TIME.match(s[pos: pos + 16])
    if not m:
        return None
    h = int(m.group("h"))
    mi = int(m.group("mi") or 0)
    if "下午" in m.group(0) and h < 12:
        h += 12
    if 0 <= h <= 24 and 0 <= mi < 60:
        return (h, mi)
    return None


def time_end(text: str, pos: int) -> int | None:
    """Where a time of day written at ``pos`` of ``text`` ends, past a weekday in brackets (「（星期五）17:00」); None
    when no time is written there."""
    m = _RE_TIME_PAST_WEEKDAY.match(text, pos)
    return m.end() if m else None


def find_dates(text: str, default_year: int | None = None) -> list[DateMention]:
    """All dates: 2025年6月1日, 二〇二五年六月一日, 2025-06-01, 2025/6/1, and 6月1日.

    A date without a year takes the year of the closest preceding full date in the same text,
    else `default_year`; a month/day earlier than that anchor rolls into the next year
    (a deadline of 1月5日 after 12月20日). Without any year it is skipped.
    """
    s = _norm(text)
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for rx in (_RE_DATE_FULL, _RE_DATE_ISO):
        for m in rx.finditer(s):
            if any(a <= m.start() < b for a, b in taken):
                continue
            date = _make_date(_year_of(m.group("y")), _int_of(m.group("m")), _int_of(m.group("d")))
            if date is None:
                continue
            taken.append((m.start(), m.end()))
            out.append(DateMention(date, m.start(), m.end(), m.group(0), False, _time_after(s, m.end())))
    out.sort(key=lambda d: d.start)
    for m in _RE_DATE_MD.finditer(s):
        if any(a <= m.start() < b for a, b in taken):
            continue
        prev = sorted((d for d in out if d.end <= m.start()), key=lambda d: d.start)
        anchor = prev[-1].date if prev else None
        year = anchor.year if anchor else default_year
        if year is None:
            continue
        date = _make_date(year, _int_of(m.group("m")), _int_of(m.group("d")))
        if date is None:
            continue
        if anchor and date < anchor and (anchor - date).days > 180:
            date = _make_date(year + 1, date.month, date.day) or date
        out.append(DateMention(date, m.start(), m.end(), m.group(0), True, _time_after(s, m.end())))
    out.sort(key=lambda d: d.start)
    return _with_range_ends(s, out)


#: the end of a range written as a day of the start's month (「6月10日至11日」「6月10日-15日」)
_RE_DAY_END = re.compile(_WEEKDAY + r"\s*(?:至|到|—|－|-|~|～)\s*(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]")


def _with_range_ends(s: str, dates: list[DateMention]) -> list[DateMention]:
    """The dates with the ends of ranges that write only the day (「6月10日至11日」: 6月11日), the start's month and
    year; an end before its start is no such range."""
    ends: list[DateMention] = []
    for d in dates:
        m = _RE_DAY_END.match(s, d.end)
        if m is None or any(o.start == m.start("d") for o in dates):
            continue
        day = _make_date(d.date.year, d.date.month, _int_of(m.group("d")) or 0)
        if day is not None and day >= d.date:
            ends.append(DateMention(day, m.start("d"), m.end(), s[m.start("d"):m.end()], True,
                                    _time_after(s, m.end())))
    return sorted(dates + ends, key=lambda d: d.start) if ends else dates


def parse_date(text: str, default_year: int | None = None) -> _dt.date | None:
    """The first date in the text; None when there is none."""
    dates = find_dates(text, default_year)
    return dates[0].date if dates else None


def days_between(start: _dt.date, end: _dt.date) -> int:
    """Calendar days from start to end (the start day not counted, as 法定期间 are reckoned)."""
    return (end - start).days


def workdays_between(start: _dt.date, end: _dt.date, *, inclusive: bool = True,
                     is_workday: Callable[[_dt.date], bool] | None = None) -> int:
    """Working days from start to end (both ends counted when `inclusive`): by `is_workday` (the
    holiday calendar's, `review.holidays`), else Monday to Friday."""
    if end < start:
        return 0
    first = start if inclusive else start + _dt.timedelta(days=1)
    days = (end - first).days + 1
    if is_workday is not None:
        return sum(1 for i in range(days) if is_workday(first + _dt.timedelta(days=i)))
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for i in range(rest):
        if (first + _dt.timedelta(days=full_weeks * 7 + i)).weekday() < 5:
            count += 1
    return count
