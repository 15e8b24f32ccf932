"""Property tests (hypothesis) for the parsers every answer and finding depends on.

Why: a tender mixes 阿拉伯数字, 中文数字 and 大写金额 in one clause; a parser that raises stops a
review, and one that misreads 第二十四条 cites the wrong article. These properties hold for any
input, not just the examples the owners thought of: never raise, round-trip, monotonic, and the
chunker keeps every character of every article.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from assistant import text_zh
from assistant.review import numbers
from assistant.schema import Block, DocumentMeta, LoadedDocument

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that looks like tender prose: CJK, numerals of all kinds, units, punctuation, digits, noise.
_ALPHABET = (
    "零〇○一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億"
    "元万元圆整角分人民币大写%％百分之千分之点年月日号天个工作日历周星期上午下午时:：-/.,，。；"
    "第条款项章节编之的投标保证金不得超过招标人应当"
    "0123456789 \n\t（）()《》“”¥￥"
)
tenderish = st.text(alphabet=_ALPHABET, max_size=80)
anything = st.text(max_size=80)  # includes surrogates, controls, combining marks, full-width forms
any_text = st.one_of(tenderish, anything)


# --------------------------------------------------------------------------- numerals (text_zh)


@FAST
@given(st.integers(min_value=0, max_value=99_999_999))
def test_cn_numeral_round_trip(n: int) -> None:
    assert text_zh.cn_to_int(text_zh.int_to_cn(n)) == n


@FAST
@given(st.integers(min_value=1, max_value=9999))
def test_article_no_round_trip_chinese_and_arabic(n: int) -> None:
    assert text_zh.parse_article_no(text_zh.article_label(n)) == n
    assert text_zh.parse_article_no(f"第{n}条") == n
    assert text_zh.parse_article_no(f"第 {n} 条") == n
    # full-width digits (what a PDF or an IME often yields) read the same
    full = "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    assert text_zh.parse_article_no(f"第{full}条") == n


@FAST
@given(any_text)
def test_numeral_parsers_never_raise(text: str) -> None:
    for fn in (text_zh.cn_to_int, text_zh.parse_article_no):
        value = fn(text)
        assert value is None or (isinstance(value, int) and value >= 0)


@FAST
@given(any_text)
def test_normalize_is_total_and_idempotent(text: str) -> None:
    once = text_zh.normalize(text)
    assert isinstance(once, str)
    assert text_zh.normalize(once) == once


@FAST
@given(any_text)
def test_split_sentences_keeps_every_character(text: str) -> None:
    parts = text_zh.split_sentences(text)
    squash = lambda s: re.sub(r"\s", "", s)  # noqa: E731
    assert squash("".join(parts)) == squash(text)


# --------------------------------------------------------------------------- review numbers


@FAST
@given(any_text)
@example("壹" * 400 + "元")  # digit-by-digit numeral too large for a float (was hidden by `except Exception`)
@example("9" * 400 + "元，百分之" + "九" * 300 + "，" + "9" * 400 + "日")
@example("二〇二五年十三月四十日，0年0月0日，99999999999年1月1日")
def test_review_parsers_never_raise(text: str) -> None:
    # the parsers have no catch-all handler: any exception here is a parser bug and fails the test
    numbers.cn_number(text)
    numbers.parse_amount(text)
    numbers.parse_percent(text)
    numbers.parse_date(text)
    numbers.parse_date(text, default_year=2025)
    for a in numbers.find_amounts(text):
        assert a.yuan >= 0 and 0 <= a.start < a.end <= len(text_zh.normalize(text)) + 64
    for p in numbers.find_percents(text):
        assert p.value >= 0
    for d in numbers.find_day_counts(text):
        assert d.n >= 0 and d.days >= 0
    for m in numbers.find_dates(text, default_year=2025):
        assert isinstance(m.date, dt.date)


@FAST
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["元", "万元", "亿元"]))
def test_amount_round_trip_arabic(n: int, unit: str) -> None:
    factor = {"元": 1, "万元": 10_000, "亿元": 100_000_000}[unit]
    assert numbers.parse_amount(f"投标保证金为人民币{n}{unit}。") == pytest.approx(n * factor)


@FAST
@given(st.integers(min_value=1, max_value=99_999_999))
def test_amount_round_trip_chinese(n: int) -> None:
    assert numbers.parse_amount(f"合同价{text_zh.int_to_cn(n)}元") == pytest.approx(n)
    assert numbers.cn_number(text_zh.int_to_cn(n)) == n


@FAST
@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**7))
def test_amount_monotonic(a: int, b: int) -> None:
    assume(a != b)
    lo, hi = sorted((a, b))
    assert numbers.parse_amount(f"{lo}元") < numbers.parse_amount(f"{hi}元")  # type: ignore[operator]
    assert numbers.parse_amount(f"{lo}万元") < numbers.parse_amount(f"{hi}万元")  # type: ignore[operator]


@FAST
@given(st.integers(min_value=0, max_value=10_000), st.sampled_from(["%", "％"]))
def test_percent_round_trip(hundredths: int, sign: str) -> None:
    text = f"{hundredths / 100:g}{sign}"
    assert numbers.parse_percent(f"不得超过项目估算价的{text}") == pytest.approx(hundredths / 10_000)


@FAST
@given(st.integers(min_value=1, max_value=100))
def test_percent_chinese(n: int) -> None:
    assert numbers.parse_percent(f"百分之{text_zh.int_to_cn(n)}") == pytest.approx(n / 100)


@FAST
@given(st.integers(min_value=1, max_value=999), st.sampled_from(["日", "天", "个工作日", "日历天", "个月"]))
def test_day_counts_round_trip(n: int, unit: str) -> None:
    for written in (str(n), text_zh.int_to_cn(n)):
        found = numbers.find_day_counts(f"自招标文件发出之日起不少于{written}{unit}。")
        assert found, written + unit
        expected = {"日": ("日", 1), "天": ("日", 1), "个工作日": ("工作日", 1), "日历天": ("日", 1),
                    "个月": ("月", 30)}[unit]
        assert found[-1].unit == expected[0]
        assert found[-1].days == n * expected[1]


@FAST
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_date_round_trip(d: dt.date) -> None:
    assert numbers.parse_date(f"投标截止时间：{d.year}年{d.month}月{d.day}日上午9:30") == d
    assert numbers.parse_date(f"{d.isoformat()}") == d
    assert numbers.parse_date(f"{d.year}/{d.month}/{d.day}") == d
    year_cn = "".join("〇一二三四五六七八九"[int(c)] for c in str(d.year))
    assert numbers.parse_date(f"{year_cn}年{text_zh.int_to_cn(d.month)}月{text_zh.int_to_cn(d.day)}日") == d


@FAST
@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 1, 1)),
       st.integers(min_value=0, max_value=400), st.integers(min_value=0, max_value=400))
def test_workdays_monotonic(start: dt.date, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    w_lo = numbers.workdays_between(start, start + dt.timedelta(days=lo))
    w_hi = numbers.workdays_between(start, start + dt.timedelta(days=hi))
    assert 0 <= w_lo <= w_hi <= hi + 1
    assert numbers.days_between(start, start + dt.timedelta(days=hi)) == hi


# --------------------------------------------------------------------------- chunker


_BODY_CHARS = "招标人投标应当在规定的期限内提交文件不得限制排斥潜在供应商资格条件保证金合同一二三四五0123456789，、：（）。；"
bodies = st.lists(st.text(alphabet=_BODY_CHARS, min_size=1, max_size=900), min_size=1, max_size=12)


def _squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bodies, st.booleans())
def test_chunker_keeps_every_article_whole(texts: list[str], arabic: bool) -> None:
    from assistant.ingest.chunker import chunk_document

    # a body starting with a cross-reference tail would legitimately not open an article
    texts = ["规则" + t for t in texts]
    labels = [f"第{i}条" if arabic else text_zh.article_label(i) for i in range(1, len(texts) + 1)]
    blocks = [Block(text=f"{label} {body}", location=__import__("assistant.schema").schema.Location(paragraph=i))
              for i, (label, body) in enumerate(zip(labels, texts, strict=False))]
    doc = LoadedDocument(path="fuzz.md", format="md", title="测试办法", blocks=blocks)
    meta = DocumentMeta(doc_id="fuzz", title="测试办法")
    chunks = chunk_document(doc, meta)
    by_no: dict[int, list[str]] = {}
    for c in chunks:
        assert c.text.strip()
        if c.article_no is not None:
            by_no.setdefault(c.article_no, []).append(c.text)
    assert sorted(by_no) == list(range(1, len(texts) + 1))
    for i, body in enumerate(texts, start=1):
        canon = text_zh.article_label(i)
        parts = by_no[i]
        joined = parts[0] + "".join(p.removeprefix(f"{canon}（续）") for p in parts[1:])
        assert _squash(joined) == _squash(f"{canon} {body}"), f"article {i} lost or changed text"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(any_text, st.sampled_from(["heading", "paragraph", "list_item", "table_row"])),
                min_size=1, max_size=20))
def test_chunker_never_raises_on_any_blocks(items: list[tuple[str, str]]) -> None:
    from assistant.ingest.chunker import chunk_document

    # loaders hand the chunker normalised text (LoadedDocument contract)
    items = [(text_zh.normalize(t), k) for t, k in items]
    blocks = [Block(text=t, kind=k, level=1 if k == "heading" else None) for t, k in items]  # type: ignore[arg-type]
    doc = LoadedDocument(path="x.txt", format="txt", title="x", blocks=blocks)
    for structure in ("articles", "headings", "plain"):
        meta = DocumentMeta(doc_id="x", title="x", structure=structure)  # type: ignore[arg-type]
        chunks = chunk_document(doc, meta)
        ids = [c.chunk_id for c in chunks]
        assert len(ids) == len(set(ids)), "chunk ids must be unique"
        # nothing of substance disappears: every CJK/alnum character is in some chunk
        kept = _squash("".join(c.text for c in chunks))
        for t, _ in items:
            for ch in set(re.findall(r"[\u4e00-\u9fff0-9A-Za-z]", t)):
                assert ch in kept
