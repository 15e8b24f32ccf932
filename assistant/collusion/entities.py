"""People, companies and identifiers named in a bid (授权代表, 联系人, 项目经理, 法定代表人, 身份证号…)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from assistant.collusion.reader import ParsedDoc

_NAME = r"([\u4e00-\u9fa5·]{2,4})"
_SEP = r"(?:姓名)?\s*[：:]\s*"
ROLE_PATTERNS: dict[str, re.Pattern[str]] = {
    "agent": re.compile(rf"(?:授权代表|委托代理人|被授权人|授权委托人|投标人代表){_SEP}{_NAME}"),
    "contact": re.compile(rf"(?:联系人|联 系 人){_SEP}{_NAME}"),
    "pm": re.compile(rf"(?:项目经理|项目负责人){_SEP}{_NAME}"),
    "tech": re.compile(rf"(?:技术负责人){_SEP}{_NAME}"),
    "legal_rep": re.compile(rf"(?:法定代表人|单位负责人){_SEP}{_NAME}"),
}
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "agent": ("授权代表", "委托代理人", "被授权人", "授权代表姓名"), "contact": ("联系人",),
    "pm": ("项目经理", "项目负责人", "拟派项目经理"), "tech": ("技术负责人",), "legal_rep": ("法定代表人", "单位负责人"),
}
_NAME_STOP = ("身份", "联系", "电话", "签字", "签章", "盖章", "职务", "性别", "手机", "证书", "注册", "授权", "委托",
              "系", "的", "为", "和", "及", "或", "年", "在", "应", "须", "由", "不", "是")
_NOT_NAMES = {"姓名", "签字", "盖章", "本人", "代表", "代理人", "负责人", "如下", "同志", "先生", "女士", "证明", "身份证",
              "电话", "手机", "无", "投标人", "供应商", "承包人", "招标人", "采购人", "名称", "职务", "单位", "公司"}
ID_RE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx])(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?!\d)")
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
USCC_RE = re.compile(r"(?<![0-9A-Z])([0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10})(?![0-9A-Z])")
CERT_RE = re.compile(r"(?:注册编号|证书编号|注册证书编号|执业印章号|安全生产考核合格证书编号)\s*[：:]?\s*([A-Za-z\u4e00-\u9fa5]{0,2}\d[0-9A-Za-z\-]{5,24})")
COMPANY_RE = re.compile(r"([\u4e00-\u9fa5（）()]{2,30}?(?:有限责任公司|股份有限公司|有限公司|集团公司|研究院|设计院))")
BIDDER_RE = re.compile(r"(?:投标人|供应商|投标单位)(?:名称)?\s*[：:]\s*([\u4e00-\u9fa5（）()A-Za-z0-9]{2,30}?(?:有限责任公司|股份有限公司|有限公司|集团公司|公司|研究院|设计院))")
BRAND_RE = re.compile(r"(?:品牌|制造商|生产厂家|生产厂商)\s*[：:]\s*([\u4e00-\u9fa5A-Za-z0-9]{2,20})")

_ID_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_C = "10X98765432"
_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def valid_id(no: str) -> bool:
    no = no.upper()
    if len(no) != 18 or not no[:17].isdigit():
        return False
    return _ID_C[sum(int(d) * w for d, w in zip(no[:17], _ID_W, strict=True)) % 11] == no[17]


def valid_uscc(code: str) -> bool:
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_W, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def _trim_name(raw: str) -> str | None:
    name = raw
    for stop in _NAME_STOP:
        i = name.find(stop, 1)
        if i > 0:
            name = name[:i]
    if len(name) < 2 or name in _NOT_NAMES:
        return None
    return name


@dataclass
class Found:
    value: str
    unit: int  # index into ParsedDoc.units


@dataclass
class Entities:
    bidder: str | None = None
    people: dict[str, list[Found]] = field(default_factory=dict)  # role -> names
    ids: list[Found] = field(default_factory=list)
    phones: list[Found] = field(default_factory=list)
    emails: list[Found] = field(default_factory=list)
    usccs: list[Found] = field(default_factory=list)
    certs: list[Found] = field(default_factory=list)
    companies: list[Found] = field(default_factory=list)
    brands: set[str] = field(default_factory=set)

    def names(self, role: str) -> set[str]:
        return {f.value for f in self.people.get(role, [])}

    def first(self, items: list[Found], value: str) -> int:
        return next((f.unit for f in items if f.value == value), 0)


def extract(doc: ParsedDoc) -> Entities:  # noqa: C901 - collusion module, split pending
    ent = Entities()
    bidders: Counter[str] = Counter()
    for i, unit in enumerate(doc.units):
        tt = unit.text.replace(" ", "")
        if unit.cells:  # a form row: 「项目经理 | 张三」
            cells = [c.replace(" ", "") for c in unit.cells]
            for c_i, cell in enumerate(cells[:-1]):
                for role, words in ROLE_WORDS.items():
                    if cell in words and re.fullmatch(_NAME, cells[c_i + 1]):
                        name = _trim_name(cells[c_i + 1])
                        if name:
                            ent.people.setdefault(role, []).append(Found(name, i))
        for role, pat in ROLE_PATTERNS.items():
            for m in pat.finditer(tt):
                name = _trim_name(m.group(1))
                if name:
                    ent.people.setdefault(role, []).append(Found(name, i))
        for m in ID_RE.finditer(tt):
            if valid_id(m.group(1)):
                ent.ids.append(Found(m.group(1).upper(), i))
        for m in PHONE_RE.finditer(tt):
            ent.phones.append(Found(m.group(1), i))
        for m in EMAIL_RE.finditer(tt):
            ent.emails.append(Found(m.group(0).lower(), i))
        for m in USCC_RE.finditer(tt):
            if valid_uscc(m.group(1)):
                ent.usccs.append(Found(m.group(1), i))
        for m in CERT_RE.finditer(tt):
            ent.certs.append(Found(m.group(1), i))
        for m in COMPANY_RE.finditer(tt):
            ent.companies.append(Found(m.group(1), i))
        for m in BIDDER_RE.finditer(tt):
            bidders[m.group(1)] += 1
        for m in BRAND_RE.finditer(tt):
            ent.brands.add(m.group(1))
    if bidders:
        ent.bidder = sorted(bidders.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    return ent
