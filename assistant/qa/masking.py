"""Mask personal and commercial data before text leaves the machine (remote LLM calls).

Replaces ID-card numbers, unified social credit codes, phone numbers, e-mail addresses, bank
account numbers, company names and money amounts by placeholders like 〔身份证号1〕 and restores
them in the model's reply. Law text is never masked (it is public); only user text is.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("身份证号", re.compile(r"(?<![0-9A-Za-z])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])")),
    ("信用代码", re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])")),
    ("银行账号", re.compile(r"(?<!\d)\d{16,19}(?!\d)")),
    ("手机号", re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")),
    ("电话", re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")),
    ("邮箱", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("单位名称", re.compile(r"[\u4e00-\u9fa5（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团公司|事务所|研究院)")),
    ("金额", re.compile(r"(?:[¥￥]\s*)?\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元)")),
]


_NAME_LEADS = ("投标人", "供应商", "中标人", "候选人", "申请人", "采购人", "代理机构", "法定代表人", "单位", "和", "与", "及", "是", "为", "由", "向", "对", "（", "(")


@dataclass
class Masker:
    """Masks consistently across calls of one question (same value -> same placeholder)."""

    mask_amounts: bool = False  # amounts carry the meaning of Q&A questions (thresholds); tender text may mask them
    mapping: dict[str, str] = field(default_factory=dict)  # placeholder -> original
    _reverse: dict[str, str] = field(default_factory=dict)
    _counts: dict[str, int] = field(default_factory=dict)

    def mask(self, text: str) -> str:
        for kind, pattern in _PATTERNS:
            if kind == "金额" and not self.mask_amounts:
                continue
            text = pattern.sub(functools.partial(self._replace_match, kind), text)
        return text

    def _replace_match(self, kind: str, match: re.Match[str]) -> str:
        return self._replace(kind, match.group(0))

    def _replace(self, kind: str, value: str) -> str:
        if kind != "单位名称":
            return self._placeholder(kind, value)
        # 「投标人金华某某建设有限公司」: the role word before the name stays readable
        cut = max((value.rfind(w) + len(w) for w in _NAME_LEADS if value.rfind(w) >= 0), default=0)
        name = value[cut:]
        if len(name) < 4:
            return value
        return value[:cut] + self._placeholder(kind, name)

    def unmask(self, text: str) -> str:
        for placeholder, original in self.mapping.items():
            text = text.replace(placeholder, original)
        return text

    def _placeholder(self, kind: str, value: str) -> str:
        if value.startswith("〔"):
            return value
        if value in self._reverse:
            return self._reverse[value]
        self._counts[kind] = self._counts.get(kind, 0) + 1
        placeholder = f"〔{kind}{self._counts[kind]}〕"
        self.mapping[placeholder] = value
        self._reverse[value] = placeholder
        return placeholder


def strip_personal_data(text: str) -> str:
    """The text without names, numbers and contacts (they say nothing about the legal topic)."""
    for kind, pattern in _PATTERNS:
        if kind == "单位名称":
            text = pattern.sub(lambda m: _lead_of(m.group(0)), text)
        elif kind != "金额":
            text = pattern.sub(" ", text)
    return re.sub(r"[（(]\s*(?:电话|手机|联系方式|邮箱)?[:：]?\s*[）)]", " ", text)


def _lead_of(value: str) -> str:
    cut = max((value.rfind(w) + len(w) for w in _NAME_LEADS if value.rfind(w) >= 0), default=0)
    return value[:cut] + " "
