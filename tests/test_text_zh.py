"""Chinese text helpers: normalisation, numerals, article labels, tokens, sentences."""

from __future__ import annotations

import pytest

from assistant import text_zh


def test_normalize_fixes_kangxi_and_radical_supplement() -> None:
    # U+2F08 ⼈ (Kangxi, NFKC fixes) and U+2EA0 ⺠ / U+2ED4 ⻔ / U+2EC5 ⻅ (need the extra table)
    raw = "中华\u2f08\u2ea0共和国财政部\u2ed4意\u2ec5"
    assert text_zh.normalize(raw) == "中华人民共和国财政部门意见"


def test_normalize_whitespace_and_fullwidth() -> None:
    raw = "第\u3000８７\u3000号\r\n\r\n\r\n\r\n招标人\t\t应当\u00a0公开 \n"
    assert text_zh.normalize(raw) == "第 87 号\n\n招标人 应当 公开"


def test_normalize_keeps_chinese_punctuation_in_chinese_context() -> None:
    out = text_zh.normalize("招标人，是指（以下简称甲方）：见附件；比例1:1,ratio (a, b)")
    assert out == "招标人，是指（以下简称甲方）：见附件；比例1:1,ratio (a, b)"
    # NFKC would make these ASCII; in Chinese context they come back full width
    assert text_zh.normalize("招标人,是指(以下简称甲方):见") == "招标人，是指（以下简称甲方）：见"


def test_normalize_is_idempotent() -> None:
    s = "中华⼈⺠共和国 第 87 号，（一）采购人:\n\n\n供应商"
    once = text_zh.normalize(s)
    assert text_zh.normalize(once) == once


def test_normalize_breaks_a_digit_run_no_number_has() -> None:
    # an account or a credit code keeps its digits; 30,000 digits in a row (hostile input) are cut every 64 digits, so
    # that the review's patterns starting at a digit stay linear on them
    assert text_zh.normalize("账号：62220212345678901234567，金额1234.56元") == "账号：62220212345678901234567，金额1234.56元"
    out = text_zh.normalize("须为" + "1" * 30_000 + "。")
    assert max(len(run) for run in out[2:-1].split(" ")) == 64
    assert out.replace(" ", "") == "须为" + "1" * 30_000 + "。"
    assert text_zh.normalize(out) == out


def test_compact_cjk() -> None:
    assert text_zh.compact_cjk("第一章 总  则") == "第一章总则"
    assert text_zh.compact_cjk("ISO 9001 认证") == "ISO 9001 认证"


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十四", 24), ("十二", 12), ("一十二", 12), ("十", 10), ("零", 0), ("〇", 0), ("两百", 200),
     ("两千零二十四", 2024), ("一百零八", 108), ("一百一十二", 112), ("九千九百九十九", 9999),
     ("二〇二四", 2024), ("24", 24), ("２４", 24)],
)
def test_cn_to_int(text: str, value: int) -> None:
    assert text_zh.cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "abc", "第二十四条", "二十四a"])
def test_cn_to_int_rejects_non_numerals(text: str) -> None:
    assert text_zh.cn_to_int(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("二十四", 24), ("壹佰万", 1_000_000), ("叁拾伍万陆仟", 356_000), ("一亿二千万", 120_000_000),
     ("二〇二五", 2025), ("十", 10), ("貳拾", 20)],
)
def test_cn_number_reads_small_and_capital_numerals(text: str, value: float) -> None:
    """One parser for every Chinese numeral (article numbers, tender amounts, bid prices)."""
    assert text_zh.cn_number(text) == value


@pytest.mark.parametrize("text", ["", "万", "二十四a", "一" * 19])
def test_cn_number_rejects_non_numerals(text: str) -> None:
    assert text_zh.cn_number(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", 1234567.89), ("玖佰万元整", 9_000_000), ("人民币壹佰万元整", 1_000_000),
     ("壹拾元零伍分", 10.05), ("贰拾元伍角", 20.5), ("伍角", 0.5), ("零元", 0), ("壹仟零伍元", 1005)],
)
def test_cn_money_reads_capital_amounts_with_jiao_and_fen(text: str, value: float) -> None:
    assert text_zh.cn_money(text) == value


@pytest.mark.parametrize("text", ["", "元", "整", "abc", "壹佰元伍"])
def test_cn_money_rejects_what_is_not_an_amount(text: str) -> None:
    assert text_zh.cn_money(text) is None


@pytest.mark.parametrize(
    ("n", "cn"),
    [(0, "零"), (1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (24, "二十四"), (100, "一百"),
     (101, "一百零一"), (110, "一百一十"), (112, "一百一十二"), (1005, "一千零五"), (1010, "一千零一十"),
     (9999, "九千九百九十九")],
)
def test_int_to_cn(n: int, cn: str) -> None:
    assert text_zh.int_to_cn(n) == cn


def test_numeral_round_trip_up_to_9999() -> None:
    for n in range(0, 10000):
        assert text_zh.cn_to_int(text_zh.int_to_cn(n)) == n


def test_article_label_and_parse() -> None:
    assert text_zh.article_label(24) == "第二十四条"
    assert text_zh.article_label(112) == "第一百一十二条"
    for s in ["第二十四条", "第24条", "第 24 条", "第２４条", "  第二十四条 招标人", "二十四", "24"]:
        assert text_zh.parse_article_no(s) == 24, s
    for s in ["依照第二十四条", "第十二章", "第条", "", "招标人"]:
        assert text_zh.parse_article_no(s) is None, s


def test_tokenize_canonical_article_tokens_and_numbers() -> None:
    a = text_zh.tokenize("依照《招标投标法》第24条，招标人应当载明投标有效期，金额500万元。")
    b = text_zh.tokenize("招标投标法第二十四条")
    assert "第二十四条" in a and "第二十四条" in b
    assert "500" in a
    assert "招标人" in a and "投标有效期" in a
    assert not {"，", "。", "《", "的", "第", "条"} & set(a)


def test_tokenize_empty_and_punctuation_only() -> None:
    assert text_zh.tokenize("") == []
    assert text_zh.tokenize("，。、；！？ ……") == []


def test_split_sentences_respects_quotes_and_brackets() -> None:
    text = "他说：“不得限制。也不得排斥！”然后；再（见第一条。说明）。最后\n新行"
    assert text_zh.split_sentences(text) == [
        "他说：“不得限制。也不得排斥！”", "然后；", "再（见第一条。说明）。", "最后", "新行",
    ]


def test_split_sentences_plain() -> None:
    assert text_zh.split_sentences("甲。乙？丙！丁") == ["甲。", "乙？", "丙！", "丁"]
    assert text_zh.split_sentences("") == []


def test_normalize_keeps_item_numbers_and_the_ellipsis_as_written() -> None:
    """QA report 2, #9: a finding's 条款原文 showed 「2投标人须为……」 for 「②投标人须为……」 (NFKC)."""
    assert text_zh.normalize("②投标人须为本地企业……⑴（一）⒈") == "②投标人须为本地企业……⑴（一）⒈"
    assert text_zh.normalize("Ｈ３，ｍ２") == "H3,m2"  # full-width letters and digits still become ASCII
