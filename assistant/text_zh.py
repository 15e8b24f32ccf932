"""Chinese text helpers shared by ingest, retrieval, citations and review.

Why one module: every place that compares legal text (article labels, BM25 tokens, quoted
clauses) must see the *same* normalised characters, or citations stop matching.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from typing import Any

__all__ = [
    "ARTICLE_NO_PATTERN",
    "CN_DIGIT_VALUES",
    "CN_NUMERAL_CHARS",
    "CN_NUM_CHARS",
    "article_label",
    "char_pairs",
    "cn_money",
    "cn_number",
    "cn_to_int",
    "compact_cjk",
    "flatten_ws",
    "int_to_cn",
    "is_cjk",
    "normalize",
    "parse_article_no",
    "split_sentences",
    "tokenize",
    "tokenizer",
]

log = logging.getLogger(__name__)

# CJK Radicals Supplement code points that NFKC leaves alone but real PDFs (87/74/94号令) use
# instead of the ordinary characters. The Kangxi Radicals block (U+2F00..) is handled by NFKC.
_RADICAL_SUPPLEMENT: dict[str, str] = {
    "⺀": "冫", "⺁": "厂", "⺃": "乚", "⺅": "亻", "⺇": "几", "⺈": "刀", "⺊": "卜", "⺋": "卩",
    "⺌": "小", "⺍": "小", "⺎": "尢", "⺏": "尣", "⺐": "尢", "⺑": "尣", "⺒": "巳", "⺓": "幺",
    "⺔": "彐", "⺖": "忄", "⺗": "心", "⺘": "扌", "⺙": "攵", "⺛": "旡", "⺜": "日", "⺝": "月",
    "⺞": "歹", "⺟": "母", "⺠": "民", "⺡": "氵", "⺢": "氺", "⺣": "灬", "⺤": "爫", "⺥": "爫",
    "⺦": "丬", "⺧": "牛", "⺨": "犭", "⺩": "王", "⺪": "疋", "⺫": "目", "⺬": "示", "⺭": "礻",
    "⺮": "竹", "⺯": "糹", "⺰": "纟", "⺱": "网", "⺲": "罒", "⺳": "网", "⺴": "网", "⺵": "网",
    "⺶": "羊", "⺷": "羊", "⺸": "羊", "⺹": "老", "⺺": "聿", "⺻": "聿", "⺼": "肉", "⺽": "臼",
    "⺾": "艹", "⺿": "艹", "⻀": "艹", "⻁": "虎", "⻂": "衤", "⻃": "西", "⻄": "西", "⻅": "见",
    "⻆": "角", "⻇": "角", "⻈": "讠", "⻉": "贝", "⻊": "足", "⻋": "车", "⻌": "辶", "⻍": "辶",
    "⻎": "辶", "⻏": "阝", "⻐": "金", "⻑": "長", "⻒": "镸", "⻓": "长", "⻔": "门", "⻕": "阝",
    "⻖": "阝", "⻗": "雨", "⻘": "青", "⻙": "韦", "⻚": "页", "⻛": "风", "⻜": "飞", "⻝": "食",
    "⻞": "食", "⻟": "食", "⻠": "饣", "⻡": "首", "⻢": "马", "⻣": "骨", "⻤": "鬼", "⻥": "鱼",
    "⻦": "鸟", "⻧": "卤", "⻨": "麦", "⻩": "黄", "⻪": "黾", "⻫": "齐", "⻬": "齐", "⻭": "齿",
    "⻮": "齿", "⻯": "龙", "⻰": "龍", "⻱": "龜", "⻲": "龟", "⻳": "龟",
}
_RADICAL_TABLE = str.maketrans(_RADICAL_SUPPLEMENT)

# Invisible characters that break matching (zero-width space/joiners, BOM, soft hyphen).
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)

# Characters NFKC would rewrite although a quote must show them as written: circled and bracketed item
# numbers (「②投标人须……」 became 「2投标人须……」 in a finding's 条款原文) and the ellipsis (…… became ......).
# They pass through NFKC as private-use characters and come back unchanged.
_KEEP = "".join(map(chr, range(0x2460, 0x249C))) + "…"
_KEEP_OUT = str.maketrans({c: chr(0xF0000 + i) for i, c in enumerate(_KEEP)})
_KEEP_BACK = str.maketrans({chr(0xF0000 + i): c for i, c in enumerate(_KEEP)})

# ASCII punctuation that NFKC produces from full-width forms; restored to full width in CJK context
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}

_CJK_RANGES = (
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F),
)


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (not punctuation)."""
    if not ch:
        return False
    cp = ord(ch[0])
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


_CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_OR_FULLPUNCT = _CJK_CLASS + "\u3000-\u303f\uff00-\uffef“”‘’《》"
_RE_HALF_PUNCT = re.compile(
    rf"(?<=[{_CJK_OR_FULLPUNCT}])[ ]?([,;:?!])|([,;:?!])(?=[ ]?[{_CJK_CLASS}“《])"
)
_RE_PARENS = re.compile(r"\(([^()（）\n]{0,200})\)")
_RE_CJK_IN = re.compile(f"[{_CJK_CLASS}]")
_RE_SPACES = re.compile(r"[^\S\n]+")  # whitespace except newline
_RE_MANY_NL = re.compile(r"\n{3,}")


def _fix_punct(m: re.Match[str]) -> str:
    p = m.group(1) or m.group(2)
    return _HALF_TO_FULL[p]


def _fix_parens(m: re.Match[str]) -> str:
    inner = m.group(1)
    if _RE_CJK_IN.search(inner):
        return f"（{inner}）"
    return m.group(0)


#: a run of digits longer than any number a document writes (an account is some 20 digits): hostile input, broken up so
#: that the review's patterns, which start at any digit, do not read it in quadratic time
_LONG_DIGITS = 64
_RE_LONG_DIGITS = re.compile(rf"[0-9]{{{_LONG_DIGITS + 1},}}")


def _break_digits(m: re.Match[str]) -> str:
    run = m.group(0)
    return " ".join(run[i:i + _LONG_DIGITS] for i in range(0, len(run), _LONG_DIGITS))


def normalize(text: str) -> str:
    """NFKC + radical fixes + Chinese punctuation in CJK context + tidy whitespace.

    Newlines are kept (they carry paragraph structure); other whitespace runs become one
    space; line ends are stripped; 3+ blank lines collapse to one blank line.
    """
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text.translate(_KEEP_OUT)).translate(_KEEP_BACK)
    text = text.translate(_RADICAL_TABLE).translate(_INVISIBLE)
    # spaces first and parentheses before punctuation: each step must see the final
    # neighbours, or normalize(normalize(x)) != normalize(x) (found by hypothesis)
    text = _RE_SPACES.sub(" ", text)
    text = _RE_LONG_DIGITS.sub(_break_digits, text)
    # NFKC turned full-width ，；：（） into ASCII; Chinese text reads (and matches) better with
    # the full-width forms, so restore them where the neighbours are Chinese.
    text = _RE_PARENS.sub(_fix_parens, text)
    text = _RE_HALF_PUNCT.sub(_fix_punct, text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _RE_MANY_NL.sub("\n\n", text)
    return text.strip()


_RE_CJK_SPACE_CJK = re.compile(rf"(?<=[{_CJK_OR_FULLPUNCT}]) +(?=[{_CJK_OR_FULLPUNCT}])")


def compact_cjk(text: str) -> str:
    """Remove spaces between Chinese characters ("总  则" -> "总则"); for headings/short labels."""
    return _RE_CJK_SPACE_CJK.sub("", text)


# Characters that are set without spaces around them in Chinese text: ideographs, CJK and full-width
# punctuation, quotes, the ellipsis and dash, circled item numbers (①).
_WIDE_CLASS = _CJK_OR_FULLPUNCT + "…—·\u2460-\u24ff"
_RE_BREAK_BY_WIDE = re.compile(rf"(?<=[{_WIDE_CLASS}])\s*\n\s*|\s*\n\s*(?=[{_WIDE_CLASS}])")
_RE_SPACE_IN_WIDE = re.compile(rf"(?<=[{_WIDE_CLASS}])\s+(?=[{_WIDE_CLASS}])")
_RE_ANY_WS = re.compile(r"\s+")


def char_pairs(text: str) -> set[str]:
    """The pairs of adjacent letters and digits of a text (punctuation and spaces dropped): the unit that
    compares two sentences or two questions by their wording."""
    chars = [c for c in text if c.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)}


def flatten_ws(text: str) -> str:
    """``text`` on one line, as Chinese is set: a line break next to Chinese characters or punctuation
    and any whitespace between two of them are dropped; what remains (between Latin/digit tokens, or a
    space the text has between 「ISO 9001」 and 「认证」) becomes one space.

    「……予以修改。\n采购人……」 -> 「……予以修改。采购人……」: a plain ``" ".join(text.split())`` left a space
    between an article's paragraphs, which reads as a typo in Chinese.
    """
    text = _RE_SPACE_IN_WIDE.sub("", _RE_BREAK_BY_WIDE.sub("", text))
    return _RE_ANY_WS.sub(" ", text).strip()


# --------------------------------------------------------------------------- numerals

CN_NUM_CHARS = "零〇一二两三四五六七八九十百千万"
#: every Chinese numeral character (小写, 大写 and traditional forms) -> its digit value
CN_DIGIT_VALUES = {
    "零": 0, "〇": 0, "○": 0, "O": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
}
_CN_SMALL_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNIT = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
#: the characters a Chinese numeral (小写 or 大写, with 万/亿) is written with
CN_NUMERAL_CHARS = "".join(CN_DIGIT_VALUES) + "".join(_CN_SMALL_UNIT) + "".join(_CN_BIG_UNIT)
#: no amount, year or count is written digit by digit with more characters than this
_MAX_DIGIT_BY_DIGIT = 18


def cn_number(text: str) -> float | None:
    """Chinese numeral (小写 or 大写, with 万/亿) to a number; None when it is not one.

    Handles 二十四, 一百零八, 壹佰万, 叁拾伍万陆仟, 两千, 二〇二五 (digit by digit) and 十.
    """
    s = unicodedata.normalize("NFKC", text).strip() if isinstance(text, str) else ""
    if not s or any(ch not in CN_NUMERAL_CHARS for ch in s):
        return None
    if all(ch in CN_DIGIT_VALUES for ch in s):
        if len(s) > _MAX_DIGIT_BY_DIGIT:
            return None
        return float(int("".join(str(CN_DIGIT_VALUES[ch]) for ch in s))) if len(s) > 1 else float(CN_DIGIT_VALUES[s])
    total = 0.0
    section = 0.0
    digit: int | None = None
    for ch in s:
        if ch in CN_DIGIT_VALUES:
            digit = CN_DIGIT_VALUES[ch]
        elif ch in _CN_SMALL_UNIT:
            section += (1 if digit is None else digit) * _CN_SMALL_UNIT[ch]
            digit = None
        else:  # big unit
            unit = _CN_BIG_UNIT[ch]
            section += digit or 0
            digit = None
            if section == 0 and total == 0:
                return None
            if unit == 100_000_000:
                total = (total + section) * unit
            else:
                total += section * unit
            section = 0
    return total + section + (digit or 0)


_DIGIT_CLASS = "[" + re.escape("".join(CN_DIGIT_VALUES)) + "]"
_RE_CN_CENTS = re.compile(rf"零?(?:(?P<jiao>{_DIGIT_CLASS})角)?零?(?:(?P<fen>{_DIGIT_CLASS})分)?")


def cn_money(text: str) -> float | None:
    """An amount written in Chinese (人民币大写) in 元: 壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分 -> 1234567.89,
    壹拾元零伍分 -> 10.05, 壹佰万元整 -> 1000000, 伍角 -> 0.5; None when the text is not such an amount."""
    s = unicodedata.normalize("NFKC", text) if isinstance(text, str) else ""
    s = re.sub(r"\s+|人民币|[:：]", "", s).removesuffix("整").removesuffix("正")
    cut = re.search(r"[元圆]", s)
    if cut is not None:
        whole_text, cents_text = s[:cut.start()], s[cut.end():]
    elif re.search(r"[角分]", s):
        whole_text, cents_text = "", s
    else:
        whole_text, cents_text = s, ""
    m = _RE_CN_CENTS.fullmatch(cents_text)
    if m is None or not (whole_text or m.group("jiao") or m.group("fen")):
        return None
    whole = cn_number(whole_text) if whole_text else 0.0
    if whole is None:
        return None
    jiao = CN_DIGIT_VALUES[m.group("jiao")] if m.group("jiao") else 0
    fen = CN_DIGIT_VALUES[m.group("fen")] if m.group("fen") else 0
    return round(whole + jiao * 0.1 + fen * 0.01, 2)


def cn_to_int(text: str) -> int | None:
    """"二十四" -> 24, "一十二" -> 12, "两百" -> 200, "24" -> 24; None when not a numeral."""
    s = normalize(text).strip().replace(" ", "")
    if not s:
        return None
    if s.isdigit():
        return int(s)
    if any(ch not in CN_NUM_CHARS + "○" for ch in s):
        return None
    number = cn_number(s)
    value = int(number) if number is not None and number == int(number) else None
    if value is None:
        try:
            value = int(_cn2an().cn2an(s, "smart"))
        except Exception:  # cn2an raises ValueError for malformed numerals
            return None
    return value


def int_to_cn(n: int) -> str:
    """24 -> "二十四", 12 -> "十二", 112 -> "一百一十二" (statute numbering style)."""
    if n < 0:
        raise ValueError(f"negative numeral: {n}")
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100000:
        return _int_to_cn_upto(n)
    return str(_cn2an().an2cn(n))


def _int_to_cn_upto(n: int) -> str:
    digits = "零一二三四五六七八九"
    units = [(10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")]
    out: list[str] = []
    zero_pending = False
    started = False
    for value, unit in units:
        d, n = divmod(n, value)
        if d:
            if zero_pending:
                out.append("零")
            out.append(digits[d] + unit)
            zero_pending = False
            started = True
        elif started and n:
            zero_pending = True
    return "".join(out)


@lru_cache(maxsize=1)
def _cn2an() -> Any:
    """cn2an is slow to import (~0.1 s) and only needed for rare numerals: import on demand."""
    import cn2an

    return cn2an


ARTICLE_NO_PATTERN = rf"[{CN_NUM_CHARS}○]+|\d+"
_RE_ARTICLE = re.compile(rf"^\s*第\s*({ARTICLE_NO_PATTERN})\s*条")


def strip_article_label(sentence: str, label: str | None = None) -> str:
    """「第二十六条 招标人……」 -> 「招标人……」: an article's text or first sentence without its own label,
    ``label`` when given (the citation prints it), else any 第N条 followed by a space or colon
    (「第三条规定的……」 is a sentence, not a label)."""
    if label is not None:
        end = len(label) if label and sentence.startswith(label) else 0
    else:
        m = _RE_ARTICLE.match(sentence)
        end = m.end() if m and sentence[m.end():m.end() + 1] in (" ", "　", ":", "：") else 0
    if not end:
        return sentence
    return sentence[end:].lstrip(" 　:：") or sentence


def article_label(n: int) -> str:
    """24 -> "第二十四条"."""
    return f"第{int_to_cn(n)}条"


def parse_article_no(text: str) -> int | None:
    """"第二十四条" / "第24条" / "第 24 条" / "二十四" / "24" -> 24; None otherwise."""
    if text is None:
        return None
    s = normalize(str(text))
    m = _RE_ARTICLE.match(s)
    if m:
        return cn_to_int(m.group(1))
    s = s.strip()
    if s and (s.isdigit() or all(ch in CN_NUM_CHARS + "○" for ch in s)):
        return cn_to_int(s)
    return None


# --------------------------------------------------------------------------- tokens

_STOPWORDS = frozenset(
    ["的", "了", "和", "与", "及", "或", "等", "在", "是", "对", "为", "以", "由", "其", "之", "该", "这", "那", "也", "而", "并", "于", "将", "把", "被", "从", "向", "按", "按照", "依照", "根据", "关于", "有关", "相关", "进行", "以及", "或者", "并且", "如果", "如何", "什么", "哪些", "怎么", "怎样", "是否", "吗", "呢", "吧", "啊", "么", "个", "各", "每", "此", "则", "但", "所", "即", "就", "都", "又", "还", "已", "已经", "可", "能", "会", "要", "我", "你", "他", "她", "它", "我们", "你们", "他们", "请问", "一下", "一个", "这个", "那个", "中", "上", "下", "内", "时", "後", "后", "前", "给", "让", "使", "用", "着", "过", "得", "地", "之后", "之前", "以上", "以下", "其他", "其它"]
)
_STOPWORDS_EXTRA = frozenset({"第", "条", "款", "项", "章", "节"})

# Domain words jieba splits badly; added to a private tokenizer so other jieba users are unaffected.
_DOMAIN_WORDS = (
    "招标人", "投标人", "中标", "中标人", "中标候选人", "评标委员会", "招标代理机构", "采购代理机构", "采购人",
    "供应商", "政府采购", "招标文件", "投标文件", "资格预审", "资格审查", "投标保证金", "履约保证金",
    "质量保证金", "评标办法", "综合评分法", "最低评标价法", "公开招标", "邀请招标", "竞争性谈判",
    "竞争性磋商", "单一来源", "询价", "框架协议", "联合体", "中小企业", "预留份额", "价格扣除",
    "最高限价", "最低限价", "投标有效期", "澄清", "质疑", "投诉", "废标", "流标", "串通投标", "围标",
    "串标", "转包", "分包", "违法分包", "挂靠", "资质", "业绩", "信用记录", "公平竞争审查",
    "营商环境", "婺城区", "公共资源交易", "交易平台", "招投标", "化整为零", "规避招标", "备案",
    "实施条例", "87号令", "74号令", "94号令", "行政监督部门", "财政部门", "发展改革部门",
)

_RE_TOKEN_ARTICLE = re.compile(rf"第\s*({ARTICLE_NO_PATTERN})\s*(条|款|项|章|节|编)")
_RE_KEEP_TOKEN = re.compile(rf"[0-9A-Za-z{_CJK_CLASS}]")
_RE_NUMBER = re.compile(r"^\d+(?:\.\d+)?%?$")

_jieba_lock = threading.Lock()
_jieba_tokenizer: Any = None
_user_words: list[str] = []


def add_user_words(words: list[str]) -> None:
    """Extra words (a user dictionary, e.g. practice vocabulary) kept whole by `tokenize`."""
    with _jieba_lock:
        new = [w for w in words if w and w not in _user_words]
        _user_words.extend(new)
        if _jieba_tokenizer is not None:
            for w in new:
                _jieba_tokenizer.add_word(w, freq=200000)


def tokenizer_signature() -> str:
    """What decides how `tokenize` cuts text (the domain words and the user dictionary): keyword tokens
    stored under another signature were cut by another lexicon and must be cut again."""
    import hashlib

    with _jieba_lock:
        words = "\n".join((*_DOMAIN_WORDS, *sorted(_user_words)))
    return hashlib.sha1(words.encode("utf-8")).hexdigest()[:16]


def tokenizer() -> Any:
    """The project's one jieba Tokenizer: its own instance (the global `jieba` stays untouched) with the
    domain words and any `add_user_words` added. Built lazily and quietly (its dictionary load prints logs);
    use it wherever text must be cut the way search and review cut it (`tokenize`, the typo check)."""
    global _jieba_tokenizer
    if _jieba_tokenizer is None:
        with _jieba_lock:
            if _jieba_tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                logging.getLogger("jieba").setLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.initialize()
                for w in (*_DOMAIN_WORDS, *_user_words):
                    tok.add_word(w, freq=200000)
                _jieba_tokenizer = tok
    return _jieba_tokenizer


def tokenize(text: str) -> list[str]:
    """BM25 tokens: jieba words without punctuation/stopwords; article labels kept canonical.

    "第24条" and "第二十四条" both yield the token "第二十四条" so exact article references match;
    Arabic numbers (金额, 天数, 87) are kept as tokens; ASCII is lower-cased.
    """
    text = normalize(text)
    if not text:
        return []
    tok = tokenizer()
    tokens: list[str] = []
    pos = 0
    for m in _RE_TOKEN_ARTICLE.finditer(text):
        tokens.extend(_cut(tok, text[pos:m.start()]))
        n = cn_to_int(m.group(1))
        if n is not None:
            tokens.append(f"第{int_to_cn(n)}{m.group(2)}")
        pos = m.end()
    tokens.extend(_cut(tok, text[pos:]))
    return tokens


def _cut(tok: Any, segment: str) -> list[str]:
    out: list[str] = []
    if not segment.strip():
        return out
    for word in tok.lcut(segment):
        w = word.strip().lower()
        if not w or not _RE_KEEP_TOKEN.search(w):
            continue
        if w in _STOPWORDS or w in _STOPWORDS_EXTRA:
            continue
        if len(w) == 1 and not (is_cjk(w) or w.isdigit() or w.isalpha()):
            continue
        out.append(w)
    return out


# --------------------------------------------------------------------------- sentences

_OPEN = "“‘《（(〔【[「『"
_CLOSE = "”’》）)〕】]」』"
_TERMINATORS = "。；！？;!?"
_TRAILING_CLOSERS = "”’」』）)"


def split_sentences(text: str) -> list[str]:  # noqa: C901 - quote/bracket-depth scanner
    """Split at 。；！？ and newlines, never inside quotes/brackets (unless a line ends).

    A closing quote right after a terminator stays with its sentence (……。” belongs left).
    """
    out: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        depth = 0
        buf: list[str] = []
        i = 0
        n = len(line)
        while i < n:
            ch = line[i]
            buf.append(ch)
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth = max(0, depth - 1)
            elif ch in _TERMINATORS:
                # absorb closing quotes/brackets and further terminators that follow directly
                j = i + 1
                while j < n and (line[j] in _TERMINATORS or (line[j] in _TRAILING_CLOSERS and depth > 0)):
                    if line[j] in _CLOSE:
                        depth = max(0, depth - 1)
                    buf.append(line[j])
                    j += 1
                i = j - 1
                if depth == 0:
                    s = "".join(buf).strip()
                    if s:
                        out.append(s)
                    buf = []
            i += 1
        rest = "".join(buf).strip()
        if rest:
            out.append(rest)
    return out
