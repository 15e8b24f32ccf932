"""Project facts a review needs across clauses: procurement type, money, dates, periods.

Each fact keeps the clause it came from, so a cross-clause finding (bond vs budget, sale
start vs deadline) can point at the clause to fix and quote the numbers it compared.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any

from assistant.review import numbers as nb
from assistant.review.reader import Clause, document_from_text, mask_superseded, segment

log = logging.getLogger(__name__)

__all__ = ["Fact", "ProjectFacts", "extract_facts"]


@dataclass
class Fact:
    """A value and where it was read (clause index, verbatim span)."""

    value: Any
    clause: int
    evidence: str


@dataclass
class ProjectFacts:
    project_name: Fact | None = None
    regime: str | None = None  # "工程" (招标投标法) | "政府采购" (政府采购法 goods/services) | None
    subject: str | None = None  # 工程 | 货物 | 服务
    regime_evidence: list[str] = field(default_factory=list)
    # why the regime differs from what the words suggest (a 政府采购工程 tendered under 招标投标法), for the report
    regime_reason: str | None = None
    budget: Fact | None = None  # 元
    max_price: Fact | None = None
    estimate: Fact | None = None
    bid_bond: Fact | None = None  # 元
    bid_bond_pct: Fact | None = None  # fraction of the estimate/budget, when stated so
    perf_bond: Fact | None = None  # 元, when the performance bond is stated as an amount
    sale_start: Fact | None = None
    sale_end: Fact | None = None
    announce_date: Fact | None = None
    deadline: Fact | None = None
    clarification_dates: list[Fact] = field(default_factory=list)
    objection_by: Fact | None = None  # the date by which the tender wants objections to it (工程: 异议)
    prequal_sale_end: Fact | None = None  # 资格预审文件 sale (获取) ends
    prequal_deadline: Fact | None = None  # 资格预审申请文件 submission deadline
    bid_validity_days: Fact | None = None
    bond_validity_days: Fact | None = None
    bond_validity_same: Fact | None = None  # 「与投标有效期一致」 or longer (「投标有效期满后30日」)
    committee_size: Fact | None = None
    committee_experts: Fact | None = None  # experts among the members, when stated as a count
    # 「评标委员会根据政府采购有关规定……组建」: no count, but the composition is left to the law
    committee_per_rules: Fact | None = None
    sme_reserved: Fact | None = None  # True/False
    sme_share: Fact | None = None  # the fraction of the budget reserved for SMEs, when stated (「预留30%的份额」)
    procurement_method: Fact | None = None
    # the tender says the project need not be tendered by law (「非依法必须招标项目，自愿采用公开招标」): the periods and the
    # committee that 招标投标法 and its 实施条例 set for 依法必须进行招标的项目 do not bind it
    not_mandatory: Fact | None = None
    price_weight: Fact | None = None  # fraction of the total score
    doc_year: int | None = None
    budget_per_year: bool = False  # 「预算金额：150万元/年」: an annual figure, not the contract total
    service_years: Fact | None = None  # 「服务期三年」, to turn an annual budget into a total

    @property
    def government_works_tendered(self) -> bool:
        """A 政府采购工程 tendered under 招标投标法 (the reason the regime was set so): it still carries out
        政府采购政策 (政府采购法实施条例第七条第三款)."""
        return self.regime_reason == GOV_WORKS_TENDERED

    def regime_for(self, procurement_policy: bool) -> str | None:
        """The regime a point is judged under. A 政府采购政策 point (SME support: reservation, price deduction)
        applies to a 政府采购工程 tendered under 招标投标法 as to any 政府采购 (政府采购法实施条例第七条第三款)."""
        return "政府采购" if procurement_policy and self.government_works_tendered else self.regime

    @property
    def total_budget(self) -> Fact | None:
        """The budget for the whole contract: an annual budget times the years, or the 最高限价 when larger."""
        if self.budget is None or not self.budget_per_year:
            return self.budget
        candidates = [self.budget.value * self.service_years.value] if self.service_years else []
        if self.max_price is not None:
            candidates.append(self.max_price.value)
        if not candidates:
            return self.budget
        return Fact(max(candidates), self.budget.clause, self.budget.evidence)

    def total_budget_name(self) -> str:
        """What `total_budget` (or the 最高限价 standing in for it) is, in words a report can print truthfully."""
        total = self.total_budget
        if self.budget is None or total is None:
            return "最高限价"
        if not self.budget_per_year:
            return "预算金额"
        if self.service_years and total.value == self.budget.value * self.service_years.value:
            return f"服务期预算合计（{self.service_years.value:g}年）"
        return "预算金额（每年）" if total.value == self.budget.value else "最高限价"

    @property
    def reference_amount(self) -> Fact | None:
        """The base for bond ratios: 估算价 for works, 预算 (or 最高限价) for procurement."""
        if self.regime == "工程":
            return self.estimate or self.max_price or self.budget
        return self.total_budget or self.max_price or self.estimate

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly facts for the report (values plus the clause they came from)."""
        out: dict[str, Any] = {"regime": self.regime, **({"regime_reason": self.regime_reason} if self.regime_reason else {}),
                               "subject": self.subject}
        for name in ("project_name", "budget", "max_price", "estimate", "bid_bond", "bid_bond_pct",
                     "perf_bond", "sale_start", "sale_end", "announce_date", "deadline", "objection_by", "prequal_sale_end",
                     "prequal_deadline", "bid_validity_days",
                     "bond_validity_days", "committee_size", "committee_experts", "committee_per_rules", "sme_reserved",
                     "sme_share", "procurement_method", "not_mandatory", "price_weight"):
            fact: Fact | None = getattr(self, name)
            if fact is not None:
                v = fact.value
                out[name] = v.isoformat() if isinstance(v, _dt.date) else v
        if self.clarification_dates:
            out["clarification_dates"] = [f.value.isoformat() for f in self.clarification_dates]
        return out


_LABELS_ZH = {
    "project_name": "项目名称", "regime": "适用法律体系", "regime_reason": "适用法律说明", "subject": "采购标的类型", "budget": "预算金额（元）",
    "max_price": "最高限价（元）", "estimate": "估算价（元）", "bid_bond": "投标保证金（元）",
    "bid_bond_pct": "投标保证金比例", "perf_bond": "履约保证金（元）", "sale_start": "文件发售（获取）开始", "sale_end": "文件发售（获取）截止",
    "announce_date": "公告/文件发布日期", "deadline": "投标截止时间", "bid_validity_days": "投标有效期（日）",
    "bond_validity_days": "投标保证金有效期（日）", "committee_size": "评标委员会人数", "committee_experts": "评标委员会中专家人数",
    "committee_per_rules": "评标委员会依照有关规定组建",
    "sme_reserved": "专门面向中小企业", "sme_share": "预留面向中小企业的份额（占预算）", "procurement_method": "采购（招标）方式",
    "not_mandatory": "非依法必须招标项目", "price_weight": "价格分权重",
    "clarification_dates": "澄清/修改发出日期", "objection_by": "对招标文件提出异议的截止日期",
    "prequal_sale_end": "资格预审文件发售（获取）截止", "prequal_deadline": "资格预审申请文件递交截止",
}


def fact_labels(facts: ProjectFacts | None = None) -> dict[str, str]:
    """Chinese labels of the facts; with `facts`, in the words of its regime (估算价 is a 工程 term only)."""
    labels = dict(_LABELS_ZH)
    if facts is not None and facts.budget_per_year:
        labels["budget"] = "预算金额（元/年）"
    if facts is not None and facts.regime == "政府采购":
        labels["estimate"] = "服务期预算合计（元）" if facts.budget_per_year else "预算总额（元）"
    return labels


_RE_GOV = re.compile(r"政府采购|采购人|供应商|采购代理机构|财政部门")
_RE_WORKS = re.compile(r"招标人|施工|工程量清单|建设单位|承包人|发包人|监理|招标控制价|估算价")


def _first_amount_after(text: str, label: re.Pattern[str],
                        not_between: re.Pattern[str] | None = None) -> tuple[float, str] | None:
    """The amount the label states, at its first mention that states one (「应按资料表规定交纳投标保证金。……投标保证金为
    人民币3.5万元」); with ``not_between``, not an amount with such words between the label and it."""
    for m in islice(label.finditer(text), 8):
        if (found := _amount_after(text, m)) and not (
                not_between and not_between.search(text, m.end(), text.find(found[1], m.end()))):
            return found
    return None


def _amount_after(text: str, m: re.Match[str]) -> tuple[float, str] | None:
    tail = text[m.end(): m.end() + 60]
    if re.match(r"^[^。；\n]{0,6}(的|之)?\s*(\d+(\.\d+)?\s*[%％]|百分之)", tail):
        return None
    # read with the label (「投标保证金金额：50W」: W is 万 after a word of money); an amount of another fact's own label is
    # not this one's (「投标保证金：……道路工程施工（估算价1500万元）投标保证金为28万元」)
    lead = m.end() - m.start()
    amounts = [replace(a, start=a.start - lead, end=a.end - lead) for a in nb.find_amounts(text[m.start(): m.end() + 60])
               if a.start >= lead and not _OTHER_LABEL.search(tail, 0, a.start - lead)]
    if not amounts:
        return None
    a = amounts[0]
    if re.search(r"[。；\n]", tail[: a.start]):
        return None
    return a.yuan, a.text


_OTHER_LABEL = re.compile(r"(估算价|估算总价|预算金额|采购预算|预算|最高(投标)?限价|招标控制价|控制价|合同价|合同金额|中标金额|中标价|总投资|标底)(约|为|是|[:：])?\s*$")


_RE_BUDGET = re.compile(r"(采购)?预算(金额|资金|价)?(（[^）]{0,10}）)?(为|是|:|：)?")
_RE_MAXPRICE = re.compile(r"(最高(投标)?限价|招标控制价|控制价|拦标价)(（[^）]{0,10}）)?(为|是|:|：)?")
_RE_ESTIMATE = re.compile(r"(估算价|工程估算|合同估算价|投资估算|概算(总)?(金额|投资)?|工程造价)(约|为|是|:|：)?")
#: the bid bond by its name in each method: 投标 (招标), 磋商, 谈判, 询价 and 响应 (非招标方式)
_BOND = r"(?:投标|磋商|谈判|询价|响应)保证金"
_RE_BIDBOND = re.compile(_BOND + r"(金额|数额)?(（[^）]{0,10}）)?(为|是|:|：)?")
#: (「……向所有获取招标文件的潜在投标人发出澄清」 names who got the documents, not when they were sold)
_RE_SALE = re.compile(r"(获取|发售|出售|领取|下载|购买|提供)[^。；\n]{0,4}(招标|采购|资格预审)?(文件|资料)"
                      r"(?!的?(潜在)?(投标人|供应商|申请人|单位))[^。；\n]{0,8}(时间|期限|日期)?"
                      r"|(文件|资料)(获取|发售|出售|领取|下载|购买|发放|提供)(起始|开始)?(时间|期限|期|日期|\s*[:：])|报名(时间|期限|日期)"
                      r"|(招标|采购|磋商|谈判|询价)文件[^。；\n]{0,16}(起|开始)[^。；\n]{0,16}(发售|获取|提供|下载)"
                      # when the documents went out (「谈判文件于2025年9月30日发出」「电子招标文件于2025年3月4日上传发售」
                      # 「询价通知书于2024年9月14日发出」「于2023年11月20日……发出投标邀请书」)
                      r"|(招标|采购|磋商|谈判|询价|资格预审)文件已?(于|在)[^。；\n]{0,20}(发出|发售|上传|发布|提供)|询价通知书已?(于|在)[^。；\n]{0,20}发出"
                      r"|(发出|发送)投标邀请书")
_RE_PREQUAL_SALE_END = re.compile(r"资格预审文件[^。；\n]{0,6}(停止(发售|获取|下载|出售|发放)|(发售|获取|下载|出售|发放)(截止|结束|停止))(时间|日期)?")
#: (a deadline of something else is not the bids': 「下载截止时间为4月8日；投标截止时间为4月22日」)
_RE_DEADLINE = re.compile(r"(投标|递交|提交|响应)[^。；\n]{0,10}(?<![该此])(?<!上述)(?<!前述)截止(时间|日期)?|(?<!下载)(?<!获取)(?<!发售)(?<!报名)(?<!领取)(?<!购买)"
                          r"(?<!提问)(?<!答疑)(?<!澄清)(?<!质疑)(?<!异议)(?<![该此])(?<!上述)(?<!前述)截止(时间|日期)|开标(时间|日期)")
#: the bid deadline named unmistakably, as in a clause about something else (「……修改通知，投标截止时间仍为8月20日」)
_RE_BID_DEADLINE = re.compile(r"(投标|(投标|响应)文件(提交|递交)?)截止(时间|日期)|开标(时间|日期)")
#: the bids' delivery written without 截止: 「应于2025年9月16日14:30前将投标文件密封送达」
_RE_DELIVER_BY = re.compile(r"(前|之前)([^。；\n]{0,2}将?(投标|响应)文件[^。；\n]{0,12}(送达|递交|提交|上传)"
                            r"|[^。；\n]{0,12}(送达|递交|提交|上传)[^。；\n]{0,4}(投标|响应)文件)")
_RE_PREQUAL_BY = re.compile(r"(前|之前)[^。；\n]{0,12}(送达|递交|提交|上传)[^。；\n]{0,8}资格预审申请(文件)?")
#: a deadline moved (「由5月16日顺延至5月23日」)
_RE_MOVED_TO = re.compile(r"(顺延|延期|推迟|延长|变更|调整|改|更正)(至|到|为)")
#: what follows a date that is itself the deadline: 「2024年9月23日9:00截止」「3月16日上午9时止」
_ENDS_HERE = re.compile(r"\s*(（[^）]{0,6}）)?\s*((上午|下午|北京时间)?\s*\d{1,2}\s*([:：时点])\s*(\d{1,2}\s*分?)?)?\s*(整)?\s*(截止|止)")
_RE_PREQUAL_DEADLINE = re.compile(r"资格预审申请(文件)?[^。；\n]{0,8}截止(时间|日期)?")
#: 「申请文件递交截止时间」 in a clause about 资格预审 (the application, not the bid)
_RE_APPLY_DEADLINE = re.compile(r"(?<![投响])申请文件[^。；\n]{0,8}截止(时间|日期)?")
_RE_ANNOUNCE = re.compile(r"(公告|文件|邀请书|邀请函)[^。；\n]{0,4}(发布|发出)(日期|时间)?")
#: the date written between the words: 「资格预审公告于2025年4月30日发布」「招标文件自十月二十四日起在……平台发布」
#: (not a clarification's or a result's notice)
_RE_ANNOUNCED_ON = re.compile(r"(?<!澄清|更正|变更|补充|结果|中标|成交|修改)(招标公告|采购公告|资格预审公告|本公告|招标文件|采购文件|邀请书|邀请函"
                              r"|(?:磋商|谈判)(?:公告|文件)|询价(?:公告|通知书))"
                              r"(?P<mid>(?:(?!澄清|更正|变更|补充|修改|答疑)[^。；\n]){0,40}?)(发布|发出|挂网)")
#: a year stated on its own for undated days: 「（以上时间均为2025年）」「三月三日起……（2025年）」
_RE_BARE_YEAR = re.compile(r"(20\d{2})\s*年(?![\d〇零一二三四五六七八九十]{1,3}\s*月|度)")
#: (a 磋商/谈判/询价 file calls it 响应文件有效期: 「响应文件有效期为……60日，磋商保证金有效期为30日」)
_RE_VALIDITY = re.compile(r"投标有效期|响应文件的?有效期")
_RE_BOND_VALIDITY = re.compile(r"(投标)?(保证金|保函)[^。；\n]{0,6}?(（保函）)?[^。；\n]{0,4}?(?<!投标)有效期")
#: a guarantee's own wording (「本保函自投标截止之日起60日内有效」)
_RE_BOND_VALID_FOR = re.compile(r"(保证金|保函)[^。；，,\n]{0,4}(自|在|从)[^。；，,\n]{0,16}之日起\s*(?P<n>\d{1,3})\s*(个日历日|日历天|日|天)(之?内)?(保持)?有效")
_RE_COMMITTEE_PER_RULES = re.compile(
    r"(评标委员会|评审委员会|评审小组|磋商小组|谈判小组)[^。；\n]{0,12}?"
    r"((根据|依照|依据|按照|按)[^。；\n]{0,24}?(有关|相关|法律|法规)[^。；\n]{0,6}?规定[^。；\n]{0,16}?|依法)(组建|组成|产生)")
_RE_COMMITTEE = re.compile(r"(评标委员会|评审委员会|评审小组)[^。；\n]{0,12}?(由|组成|构成|人数|成员|共)")
_N = r"(?P<n>\d{1,2}|[一二两三四五六七八九十]{1,3})"
_RE_CM_TOTAL = [
    re.compile(rf"(共有|共计|共|总计|合计|总人数为?|成员人数为?|人数为|成员为)\s*{_N}\s*[人名]"),
    re.compile(rf"由\s*{_N}\s*[人名](及以上|以上)?(单数)?[^，,。；\d]{{0,6}}组成"),
    re.compile(rf"{_N}\s*[人名](及以上|以上)单数"),
    # a form's row or a heading with a colon (「评标委员会构成：7人，其中招标人代表3人」)
    re.compile(rf"(构成|组成|人数|规模)\s*[:：|｜]?\s*{_N}\s*[人名](?!以下)"),
]
_RE_CM_PART = re.compile(
    rf"(采购人代表|招标人代表|业主代表|建设单位代表|用户代表|(招标|采购)?代理机构代表|招标机构代表|"
    rf"(评审|评标|技术|经济|技术、经济|技术和经济|[\u4e00-\u9fff]{{0,6}}方面的?)?专家)"
    rf"[^，,。；\d一二两三四五六七八九十]{{0,6}}?{_N}\s*[人名]")


def _cn_count(raw: str) -> int | None:
    v = int(raw) if raw.isdigit() else nb.cn_number(raw.replace("两", "二"))
    return int(v) if v else None


def committee_composition(text: str) -> tuple[int, int | None, str] | None:
    """(members, experts or None, evidence) of a 评标委员会 sentence; None when no count is stated.

    Reads a stated total (「共5人」「由5人组成」「5人以上单数」) and otherwise adds up the parts
    (「采购人代表1人、评审专家4人」); 「采购人代表1人+专家4人共5人」 is 5 members, 4 experts.
    """
    for m in _RE_COMMITTEE.finditer(text):  # the first sentence naming the committee may state no count
        if comp := _composition_after(text, m):
            return comp
    return None


def _composition_after(text: str, m: re.Match[str]) -> tuple[int, int | None, str] | None:  # noqa: C901 - split pending
    """`committee_composition` of the sentence where ``m`` names the committee."""
    end = len(text)
    for ch in "。；;\n":
        k = text.find(ch, m.end())
        if k >= 0:
            end = min(end, k)
    sent = text[m.start(): end]
    if re.search(r"不足|(?<!不)少于|不得|缺席|回避|更换|补足", sent[:40]):
        return None  # rules about absent members, not the composition
    total: int | None = None
    for rx in _RE_CM_TOTAL:
        tm = rx.search(sent)
        if tm:
            total = _cn_count(tm.group("n"))
            if total:
                break
    parts: list[tuple[str, int]] = []
    for pm in _RE_CM_PART.finditer(sent):
        n = _cn_count(pm.group("n"))
        if n:
            parts.append((pm.group(1), n))
    experts = sum(n for who, n in parts if who.endswith("专家")) if any(w.endswith("专家") for w, _ in parts) else None
    if total is None:
        if not parts or len(parts) < 2:
            return None
        total = sum(n for _, n in parts)
    elif experts is None and parts and all(who.endswith("代表") for who, _ in parts):
        # a stated total and the representatives only: the rest are the experts (「由5人组成，其中招标人代表3人」)
        experts = total - sum(n for _, n in parts)
        if experts < 0:
            experts = None
    if experts is not None and experts > total:
        experts = None
    return total, experts, sent[:60]
_RE_CHECKED = re.compile(r"[■☑√✓]\s*(服务|货物|工程)")


#: a project whose name or opening says it is works (「……改造工程」「……施工招标」; not 工程师)
_RE_WORKS_NAME = re.compile(r"施工|工程(?!师)|改造|修缮|装修|建设项目")


def _regime(clauses: list[Clause], facts: ProjectFacts) -> None:  # noqa: C901 - owned by helper rreview; split pending
    head = "\n".join(c.text for c in clauses[:80])
    body = "\n".join(c.text for c in clauses)
    gov = len(_RE_GOV.findall(body))
    works = len(_RE_WORKS.findall(body))
    facts.regime_evidence = [f"政府采购用语 {gov} 处", f"工程招标用语 {works} 处"]
    name = facts.project_name.value if facts.project_name else ""
    checked = None
    for c in clauses:
        if "项目属性" in c.text or "采购标的" in c.text or "项目类别" in c.text:
            m = _RE_CHECKED.search(c.text)
            if m:
                checked = m.group(1)
                break
    works_title = bool(_RE_WORKS_NAME.search(name + head[:300]))
    if checked:
        facts.subject = checked
    elif works_title and re.search(r"施工", name + head):
        facts.subject = "工程"
    elif re.search(r"服务|运维|咨询|物业|保洁|专线|租赁|监理|设计|审计", name):
        facts.subject = "服务"
    elif re.search(r"采购|设备|货物|购置", name):
        facts.subject = "货物"
    if gov >= 5 and gov > works * 0.6:
        facts.regime = "政府采购"
    elif works >= 5:
        facts.regime = "工程"
    elif gov >= 2:
        facts.regime = "政府采购"
    # the first lines name the procurement type (「本项目为政府采购项目（货物类）」「依法必须招标的工程建设项目，施工招标」):
    # decisive when the body has too few telling words to count
    # (line by line: the first line that names a type decides, so a 政府采购 service whose object is
    # 「建设工程规划类技术审查」 stays 政府采购)
    first = "\n".join(c.text for c in clauses[:3])
    declared = None
    for line in first.splitlines():
        if re.search(r"工程建设项目|施工(公开)?招标|工程施工|建设工程|房屋建筑和市政", line) and not re.search(r"政府采购(货物|服务)|政府采购项目", line):
            declared = "工程"
        elif re.search(r"政府采购|采购人[:：]", line):
            declared = "政府采购"
        if declared:
            break
    if declared and (facts.regime is None or (gov < 5 and works < 5)):
        facts.regime = declared
    if facts.subject is None:
        m = re.search(r"[（(](货物|服务|工程)(类|项目)?[）)]|(货物|服务)类", first)
        # 「本项目为物业管理服务项目」「本项目为货物采购」「（本项目为物业管理服务公开招标，……）」
        m2 = re.search(r"本项目(为|是)[^，,。；\n]{0,16}?(货物|服务)(类)?(采购|公开招标|招标)?(项目)?(?=[，,。；（()）\n]|$)", first)
        # 「采购标的：交互式智能平板、教师用计算机等货物」
        m3 = re.search(r"采购标的[^。；\n]{0,4}[:：][^。；\n]{0,40}?等?(货物|服务)(类)?(?=[，,。；（(\n]|$)", head)
        # 「本项目为政府采购工程（学校操场改造）」「采购标的：政府采购工程」 (not the boilerplate 「政府采购工程以及与工程建设有关的货物、服务」)
        # (or the type in brackets after the project's name: 「XX镇卫生院改扩建工程（政府采购工程，采用综合评估法）」)
        m4 = re.search(r"((?<![不非])(为|是|属于|标的[:：]|类型[:：]|类别[:：])[^。；，,\n]{0,6}|[（(])政府采购工程(?!以及|和与|及与)", head)
        # 「物业服务项目价格分权重为8%」「货物项目评分：价格分20分」: a 政府采购 whose object is named in its first lines
        m5 = re.search(r"(货物|服务)(项目|采购)", first) if facts.regime == "政府采购" else None
        # 「XX学校空调设备采购项目 价格分（20分）」: equipment bought is goods (not 「设备采购及安装工程」)
        m7 = re.search(r"设备(采购|购置)(?![^。；，,\n]{0,6}工程)", first) if facts.regime == "政府采购" else None
        # 「项目属性：货物」 written out rather than ticked
        m6 = re.search(r"(项目属性|标的类型|项目类别)\s*[:：]\s*(货物|服务|工程)(?![类]?[、/／和或及])", head)
        if m6:
            facts.subject = m6.group(2)
        elif m:
            facts.subject = m.group(1) or m.group(3)
        elif m2:
            facts.subject = m2.group(2)
        elif m3:
            facts.subject = m3.group(1)
        elif m4:
            facts.subject = "工程"
        elif m5:
            facts.subject = m5.group(1)
        elif m7:
            facts.subject = "货物"
    if facts.regime == "政府采购" and facts.subject == "工程" and _tendered(facts, body):
        facts.regime, facts.regime_reason = "工程", GOV_WORKS_TENDERED
    if facts.regime == "工程" and facts.subject is None:
        facts.subject = "工程"


#: 政府采购法实施条例第七条: a 政府采购工程 procured by 招标 is governed by 招标投标法 and its 实施条例
GOV_WORKS_TENDERED = "本项目为采用招标方式的政府采购工程，依政府采购法实施条例第七条适用招标投标法及其实施条例。"
_TENDER_METHODS = ("公开招标", "邀请招标")


def _tendered(facts: ProjectFacts, body: str) -> bool:
    """Procured by 招标: the stated method, else a file that cites 招标投标法 rather than 87号令.

    A 政府采购工程 procured by 竞争性谈判 / 竞争性磋商 / 单一来源 stays under 政府采购法 (its 实施条例第二十五条).
    """
    if facts.procurement_method is not None:
        return facts.procurement_method.value in _TENDER_METHODS
    return bool(re.search(r"招标投标法", body)) and not re.search(r"货物和服务招标投标管理办法|竞争性(谈判|磋商)", body)


def _set(facts: ProjectFacts, name: str, fact: Fact) -> None:
    if getattr(facts, name) is None:
        setattr(facts, name, fact)


def extract_facts(clauses: list[Clause], title: str = "") -> ProjectFacts:
    """Facts from the clauses; never raises (a fact it cannot read stays None). The document's ``title`` names the
    project when no clause does (「××学校食堂设备采购项目公开招标文件」 with no 「项目名称：」 line)."""
    facts = ProjectFacts()
    years: list[int] = []
    for c in clauses[:400]:
        for d in nb.find_dates(c.text):
            if not d.year_inferred:
                years.append(d.date.year)
    if not years:
        years = [int(m.group(1)) for c in clauses[:400] for m in _RE_BARE_YEAR.finditer(c.text)]
    facts.doc_year = max(set(years), key=years.count) if years else None
    y = facts.doc_year

    for c in clauses:
        text = mask_superseded(c.text, numbers_only=True)  # a correction notice's new values, not the ones it replaces
        for extract in _EXTRACTORS:
            try:
                extract(facts, c, text, y)
            except Exception:  # a fact it cannot read stays None; the other extractors still run
                log.debug("fact extractor %s failed on clause %d", extract.__name__, c.index, exc_info=True)
    if facts.project_name is None and (name := name_in_title(title)):
        facts.project_name = Fact(name, -1, title)
    _regime(clauses, facts)
    if facts.budget is None and facts.max_price is not None and facts.regime == "政府采购":
        facts.budget = facts.max_price
    return facts


def _project_name(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Project name (「项目名称：…」)."""
    if facts.project_name is None:
        m = re.search(r"(项目|工程|采购项目)名称[:：]\s*([^\s，。；|]{4,60})", t)
        if m and "_" not in m.group(2):
            facts.project_name = Fact(m.group(2), c.index, m.group(0))


def regime_of_text(text: str, title: str = "") -> str | None:
    """The regime (工程 / 政府采购) of a tender given as plain text, read as the review reads it; None when the text
    does not tell (the review then checks both)."""
    return extract_facts(segment(document_from_text(text)), title).regime


def regime_or_opening(text: str, title: str = "") -> str:
    """:func:`regime_of_text`, or where the text does not tell (a short file, a cover page) the project its opening
    names, as the review reads a project's name: 「……食堂设备采购项目公开招标文件」 is a procurement, a name that
    says works (施工, 改造, 工程 …) or none at all 工程. The collusion check cites its law by it."""
    regime = regime_of_text(text, title)
    if regime is not None:
        return regime
    head = text[:300]
    return "政府采购" if "采购" in head and not _RE_WORKS_NAME.search(head) else "工程"


#: a title that names the procurement before the kind of document (「……采购项目公开招标文件」「……工程施工招标文件」)
_RE_TITLE_NAME = re.compile(r"^(.{4,60}?)(?:公开|邀请|竞争性|单一来源|询价)?(?:招标|采购|磋商|谈判|询价|比选)文件$")
#: what every tender's title says (「政府采购项目公开招标文件」): no name
_RE_GENERIC_NAME = re.compile(r"^(政府采购|工程建设|建设工程|工程|货物|服务|货物类|服务类)?(采购)?(项目)?$")


def name_in_title(title: str) -> str | None:
    """The project named by a document title (「金华市婺城区某学校食堂设备采购项目公开招标文件」 → 「……设备采购项目」); None for
    a title that names none (「政府采购项目公开招标文件」, a file name such as 「上传文件(1)」)."""
    m = _RE_TITLE_NAME.match(re.sub(r"\s+", "", title or ""))
    if m is None or _RE_GENERIC_NAME.match(m.group(1)):
        return None
    return m.group(1)


def _amounts(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Budget (and whether it is annual), maximum price, estimate."""
    for name, rx in (("budget", _RE_BUDGET), ("max_price", _RE_MAXPRICE), ("estimate", _RE_ESTIMATE)):
        if getattr(facts, name) is None and rx.search(t):
            got = _first_amount_after(t, rx)
            if got and got[0] >= 1000:
                setattr(facts, name, Fact(got[0], c.index, got[1]))
                if name == "budget":
                    after = t[t.find(got[1]) + len(got[1]):][:6] if got[1] in t else ""
                    facts.budget_per_year = bool(re.match(r"^\s*(/|／|每)\s*年|^\s*（?每年）?", after)) and "年" in after


def _service_years(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Service period in years (to turn an annual budget into a total)."""
    if facts.service_years is None:
        m = re.search(r"(服务期限?|服务年限|合同期限?|履约期限?)[^。；\n]{0,6}?(为|:|：)?\s*(\d{1,2}|[一二两三四五六七八九十])\s*(个)?年", t)
        if m and not m.group(4):
            n = _cn_count(m.group(3))
            if n:
                facts.service_years = Fact(float(n), c.index, m.group(0))


def _bid_bond(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """The bid bond amount, or its share of a base."""
    if facts.bid_bond is None and re.search(_BOND, t):
        got = _first_amount_after(t, _RE_BIDBOND)
        if got is None and c.kind == "table_row" and re.match(_BOND, t):
            amounts = nb.find_amounts(t)
            got = (amounts[0].yuan, amounts[0].text) if amounts else None
        if got:
            facts.bid_bond = Fact(got[0], c.index, got[1])
        else:
            m = re.search(_BOND + r"[^。；\n]{0,20}?(估算价|预算|最高限价|招标控制价)[^。；\n]{0,6}?(\d+(\.\d+)?\s*[%％])", t)
            if m:
                facts.bid_bond_pct = Fact(nb.parse_percent(m.group(2)), c.index, m.group(0))


_RE_PERFBOND = re.compile(r"履约(保证金|担保|保函)(金额|数额)?(（[^）]{0,10}）)?(为|是|:|：)?")
_RE_A_BOND = re.compile(r"保证金|保函|担保")


def _perf_bond(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """The performance bond, when the tender states it as an amount (「履约保证金：人民币300万元」); not an amount that
    another bond's name stands before (「提交履约担保后，退还投标保证金10万元」)."""
    if facts.perf_bond is None and "履约" in t and (got := _first_amount_after(t, _RE_PERFBOND, _RE_A_BOND)):
        facts.perf_bond = Fact(got[0], c.index, got[1])


def _sale_and_deadline(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Document sale period and bid deadline."""
    last_heading = c.section.rsplit(" / ", 1)[-1]
    sale_ctx = _RE_SALE.search(t) or (_RE_SALE.search(last_heading) and re.search(r"时间|期限|日期", t[:12]))
    # 「发售时间为3月2日至3月6日……投标截止时间为3月16日」: the sale dates are those before the deadline words
    span = _deadline_span(t, y)
    sale_part = t[: span.start] if span else t
    sale_before = isinstance(sale_ctx, re.Match) and (span is None or sale_ctx.start() < span.start)
    if sale_ctx and facts.sale_start is None:
        # sale dates before the deadline words, or after the deadline's own date
        # (「投标截止时间：11月18日9时（招标文件自11月4日起发售）」)
        # (「……截止时间由6月14日顺延至6月28日，招标文件提供起始日期6月3日不变」: the dates after the sale words)
        dates = (_sale_dates(sale_part, sale_ctx, y) if span is None or sale_before
                 else (isinstance(sale_ctx, re.Match) and nb.find_dates(t[sale_ctx.start():], y))
                 or nb.find_dates(t[span.end:], y)[1 if span.words else 0:])
        if dates:
            facts.sale_start = Fact(dates[0].date, c.index, dates[0].text)
            if len(dates) > 1:
                facts.sale_end = Fact(dates[1].date, c.index, dates[1].text)
    # the deadline for prequalification applications (资格预审申请文件递交截止) is not the bid deadline
    prequal = _RE_PREQUAL_DEADLINE.search(t)
    if prequal is None and "资格预审" in t:
        prequal = _RE_APPLY_DEADLINE.search(t)
    # 「资格预审文件发售时间：9月2日至9月6日」 (the application deadline may follow in the same clause)
    sale_head = t[: prequal.start()] if prequal else t
    # or 「请于3月2日至3月4日下载资格预审文件」 (the dates before the sale words)
    if facts.prequal_sale_end is None and isinstance(sale_ctx, re.Match) and "资格预审" in sale_head[max(0, sale_ctx.start() - 8):sale_ctx.end()] \
            and len(ds := _sale_dates(sale_head, sale_ctx, y)) > 1:
        facts.prequal_sale_end = Fact(ds[1].date, c.index, ds[1].text)
    # or its end alone: 「资格预审文件停止发售时间：2024年8月9日17:00」
    if facts.prequal_sale_end is None and (end := _RE_PREQUAL_SALE_END.search(sale_head)) \
            and (ds := nb.find_dates(sale_head[end.end():], y)):
        facts.prequal_sale_end = Fact(ds[0].date, c.index, ds[0].text)
    _deadline(facts, c, t, y, prequal, span)


def _sale_dates(head: str, sale_ctx: re.Match[str] | object, y: int | None) -> list[nb.DateMention]:
    """The sale dates in the text before the deadline words: those after the sale words when any are
    (「招标公告发布：9月19日；招标文件提供期限：9月19日至9月25日」 is not a sale from 9月19日 to 9月19日),
    else all (「3月2日至3月6日发售招标文件」)."""
    if isinstance(sale_ctx, re.Match) and (after := nb.find_dates(head[sale_ctx.start():], y)):
        return after
    return nb.find_dates(head, y)


@dataclass(frozen=True)
class _DeadlineSpan:
    """Where a clause writes the bid deadline: 「投标截止时间：11月18日」 names it before its date (`words`;
    the first date after `end` is its own), 「须于11月21日17:00前通过平台上传投标文件」 after it (`delivered`:
    the date, where the span starts)."""

    start: int
    end: int
    words: re.Match[str] | None = None
    delivered: nb.DateMention | None = None


def _deadline_span(t: str, y: int | None) -> _DeadlineSpan | None:
    if m := _RE_DEADLINE.search(t):
        return _DeadlineSpan(m.start(), m.end(), words=m)
    if (m := _RE_DELIVER_BY.search(t)) and (before := _date_before(t, m.start(), y)):
        return _DeadlineSpan(before[0] + before[1].start, m.end(), delivered=before[1])
    return None


def _date_before(t: str, pos: int, y: int | None) -> tuple[int, nb.DateMention] | None:
    """The last date written in the 40 characters before `pos` (「应于2025年9月16日14:30前……」), with the
    offset its positions are relative to."""
    start = max(0, pos - 40)
    ds = nb.find_dates(t[start:pos + 1], y)
    return (start, ds[-1]) if ds else None


def _deadline(facts: ProjectFacts, c: Clause, t: str, y: int | None, prequal: re.Match[str] | None,
              span: _DeadlineSpan | None) -> None:
    """The bid deadline (or, in a prequalification clause, the application deadline)."""
    if prequal:
        if facts.prequal_deadline is None and (ds := nb.find_dates(t[prequal.end():prequal.end() + 24], y)):
            facts.prequal_deadline = Fact(ds[0].date, c.index, ds[0].text)
    elif facts.prequal_deadline is None and (m := _RE_PREQUAL_BY.search(t)):
        # 「申请人应于2025年11月6日17:00前提交资格预审申请文件」
        if before := _date_before(t, m.start(), y):
            facts.prequal_deadline = Fact(before[1].date, c.index, before[1].text)
    elif facts.deadline is None and span is not None and span.delivered is not None:
        # 「受邀供应商应于2025年9月16日14:30前将投标文件密封送达」: the last date before 「前将……送达」
        facts.deadline = Fact(span.delivered.date, c.index, span.delivered.text)
    elif facts.deadline is None and span is not None and span.words is not None \
            and (dates := _deadline_dates(t, span.words, y)):
        facts.deadline = Fact(dates[0].date, c.index, dates[0].text)


def _deadline_dates(t: str, m: re.Match[str], y: int | None) -> list[nb.DateMention]:
    """The dates that may be the bid deadline named by `m`, the likeliest first."""
    # 「投标截止时间由2025年5月16日顺延至2025年5月23日9:30」: the new date
    if (moved := _RE_MOVED_TO.search(t, m.end())) and (ds := nb.find_dates(t[moved.end():moved.end() + 16], y)):
        return ds
    if not re.search(r"澄清|修改|更正|异议|质疑", t):
        dates = nb.find_dates(t[m.start():], y)
        # 「……截止之日止，不少于20日（本项目：2024年9月2日发出，2024年9月23日9:00截止）」: the date
        # written right before 截止 is the deadline, not the first date after the words
        # 「四、提交投标文件截止时间、开标时间和地点——本公告于6月3日发布；投标截止时间、开标时间：6月17日」: a heading
        # names the deadline before another date; the date right after the words is the deadline's
        return [d for d in dates if _ENDS_HERE.match(t, m.start() + d.end)] or _date_right_after(t, y) or dates
    # only a date right after the bid deadline's own name (「……不改变投标截止时间，投标截止时间仍为7月22日」)
    return next((ds for m2 in _RE_BID_DEADLINE.finditer(t) if (ds := nb.find_dates(t[m2.end():m2.end() + 16], y))), [])


def _date_right_after(t: str, y: int | None) -> list[nb.DateMention]:
    """The dates after the first deadline words a date follows at once (「投标截止时间、开标时间：2024年6月17日」)."""
    for m in _RE_DEADLINE.finditer(t):
        near = nb.find_dates(t[m.end():m.end() + 24], y)
        if near and near[0].start <= 8:
            return near
    return []


#: a notice dated in its heading (「更正公告（2024年6月14日）：……」)
_RE_NOTICE_DATED = re.compile(r"((更正|澄清|变更|补充)公告|补遗(书|文件)?|答疑纪要)[^。；\n]{0,3}[（(]?\s*(20\d{2}年|20\d{2}[-./])")


def _announcement_and_clarifications(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Announcement date and the dates of clarifications or amendments."""
    if facts.announce_date is None and (ma := _RE_ANNOUNCE.search(t)):
        # the date right after the words (「投标截止时间：十一月二十四日；……招标文件发布时间：十一月三日」), else the clause's first
        # before its bid deadline words (「自招标文件开始发出之日起……不少于20日，具体截止时间为2025年8月21日」 gives none)
        before = t[: span.start] if (span := _deadline_span(t, y)) and span.start > ma.end() else t
        dates = nb.find_dates(t[ma.end():ma.end() + 24], y) or nb.find_dates(before, y)
        if dates:
            facts.announce_date = Fact(dates[0].date, c.index, dates[0].text)
    # (「本公告」 is the tender's own announcement, unless the clause is another notice: 「更正公告：……本公告于……发布」)
    if facts.announce_date is None and (mo := _RE_ANNOUNCED_ON.search(t)) \
            and not (mo.group(1) == "本公告" and re.search(r"更正|澄清|变更|补充|结果|中标|成交|终止", t)) \
            and (dates := nb.find_dates(mo.group("mid"), y)):
        facts.announce_date = Fact(dates[0].date, c.index, dates[0].text)
    # the dates of a clarification are those before the bid deadline named in the same clause
    cut = [m.start() for rx in (_RE_BID_DEADLINE, _RE_PREQUAL_DEADLINE) if (m := rx.search(t))]
    head = t[: min(cut)] if cut else t
    if re.search(r"澄清|修改|更正|补遗|答疑纪要", head) and (re.search(r"(发出|发布|于)", head) or _RE_NOTICE_DATED.search(head)):
        for d in nb.find_dates(head, y):
            facts.clarification_dates.append(Fact(d.date, c.index, d.text))
    # 「对招标文件的异议须于2024年9月2日17:00前提出」; the first 「异议……在」 may name no date (「有异议，必须在规定期内提出，
    # 提出异议时间应在2013年5月21日13:30时前」)
    for m in re.finditer(r"异议[^。；\n]{0,16}?(须|应|应当|必须)?(于|在)", head):
        if facts.objection_by is not None:
            break
        after = head[m.end(): m.end() + 24]
        ds = nb.find_dates(after, y)
        if ds and re.match(r"[^。；\n]{0,8}(前|之前|以前)", after[ds[0].end:]):
            facts.objection_by = Fact(ds[0].date, c.index, ds[0].text)


def _validity(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Bid validity and bond validity (or that the bond's is the same or longer)."""
    if (f := _RE_BOND_VALID_FOR.search(t)) and facts.bond_validity_days is None:
        facts.bond_validity_days = Fact(float(f.group("n")), c.index, f.group(0))
    elif m := _RE_BOND_VALIDITY.search(t):
        tail = t[m.end(): m.end() + 40]
        # 「与投标有效期一致」, and a period counted on top of it (「投标有效期满后30日」「超出投标有效期30天」)
        if (re.match(r"^[^。；\n]{0,6}(同|与|等于|和)[^。；\n]{0,4}投标有效期", tail)
                or re.match(r"^[^。；\n]{0,10}投标有效期[^。；\n]{0,4}(满|届满|截止|到期|结束)?(后|之后|以外|外)", tail)
                or re.match(r"^[^。；\n]{0,6}(超出|超过|长于|延长|比)[^。；\n]{0,2}投标有效期", tail)):
            _set(facts, "bond_validity_same", Fact(True, c.index, m.group(0) + tail[:12]))
        else:
            ds = nb.find_day_counts(tail)
            if ds:
                _set(facts, "bond_validity_days", Fact(ds[0].days, c.index, m.group(0) + tail[: ds[0].end]))
    # both periods may share one clause (「投标有效期：90日历天；投标保证金有效期：60日」); a 投标有效期 that
    # the bond's period refers to (「保证金有效期：投标有效期满后30日」) is not the bid validity
    m = next((v for v in _RE_VALIDITY.finditer(t)
              if not re.search("(保证金|保函)[^（(。；，,]*$", t[max(0, v.start() - 12): v.start()])), None)
    if m is not None and facts.bid_validity_days is None:
        tail = t[m.end(): m.end() + 40]
        ds = [d for d in nb.find_day_counts(tail) if d.unit in ("日", "月")]
        if ds and not re.search(r"少于|不足", tail[: ds[0].start]):
            facts.bid_validity_days = Fact(ds[0].days, c.index, m.group(0) + tail[: ds[0].end])


def _committee(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Evaluation committee: size, experts, composition per the rules."""
    if facts.committee_per_rules is None and (m := _RE_COMMITTEE_PER_RULES.search(t)):
        facts.committee_per_rules = Fact(True, c.index, m.group(0))
    if facts.committee_size is None:
        comp = committee_composition(t)
        if comp is not None:
            facts.committee_size = Fact(comp[0], c.index, comp[2])
            if comp[1] is not None:
                facts.committee_experts = Fact(comp[1], c.index, comp[2])


#: a form's question and its answer: 「本项目是否专门面向中小企业采购：否」「是否预留份额面向中小企业：是」
_RE_SME_ANSWER = re.compile(r"是否(专门)?(面向中小(微)?企业|预留[^。；;\n：:]{0,10}份额)[^。；;\n：:]{0,12}[：:]\s*(?P<answer>是|否)")


#: a reservation from 「预留」 to 「面向中小企业」, which holds the share (「预留其中10%的份额通过分包方式面向中小企业」)
_RE_SME_SHARE = re.compile(r"预留[^。；;\n]{0,30}?面向中小(微)?企业")


def _sme_reservation(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Whether the project is reserved for SMEs, and the share reserved. A form answers in turn whether the whole project is and
    whether a share is (「是否专门面向中小企业：否」「是否预留份额：是」): any 「是」 is a reservation."""
    answers = list(_RE_SME_ANSWER.finditer(t))
    if answers:
        yes = next((m for m in answers if m.group("answer") == "是"), None)
        if facts.sme_reserved is None or yes is not None:
            facts.sme_reserved = Fact(yes is not None, c.index, (yes or answers[0]).group(0))
    elif facts.sme_reserved is None:
        if re.search(r"不(专门)?面向中小企业|不(预留|设置|设)[^。；;\n，,]{0,10}(预留)?份额|不预留|非专门面向", t) and "如" not in t[:4]:
            facts.sme_reserved = Fact(False, c.index, t[:60])
        elif re.search(r"(专门面向中小(微)?企业采购|预留[^。；\n]{0,10}份额[^。；\n]{0,10}面向中小企业"
                       r"|预留[^。；\n]{0,16}\d+(\.\d+)?\s*%[^。；\n]{0,10}面向中小(微)?企业)", t) \
                and not re.search(r"如|是否|若", t[:12]) and not re.search(r"[□]", t):
            facts.sme_reserved = Fact(True, c.index, t[:60])
    if facts.sme_share is None and (m := _RE_SME_SHARE.search(t)) and (shares := nb.find_percents(m.group(0))):
        facts.sme_share = Fact(shares[0].value, c.index, m.group(0))


_RE_TENDER_METHOD = re.compile(r"(进行|采用|实行|采取|以)(公开招标|邀请招标)(的)?(方式)?")
_RE_TENDER_DUTY = re.compile(r"(公开招标|邀请招标)的?(项目|工程|范围|规模标准|情形)|(应当|必须|应|不|未|无需|无须)(进行|采用)")


#: the project declared outside the duty to tender (「非依法必须招标项目」「不属于依法必须进行招标的项目，自愿采用公开招标」);
#: not a provisional sum or a subcontract that is (「暂估价……不属于依法必须招标范围的」)
_RE_NOT_MANDATORY = re.compile(r"(非|不属于|不是)依法必须(进行)?(公开)?招标(的)?(项目|工程|范围)?|自愿(采用|选择|进行)?(公开|邀请)?招标")


def _not_mandatory(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """The tender's statement that its project is not one that must be tendered by law."""
    if facts.not_mandatory is None and (m := _RE_NOT_MANDATORY.search(t)) \
            and not re.search(r"暂估价|分包|专业工程|如|若|是否", t[max(0, m.start() - 30):m.start()]):
        facts.not_mandatory = Fact(True, c.index, m.group(0))


def _procurement_method(facts: ProjectFacts, c: Clause, t: str, y: int | None) -> None:
    """Procurement method (公开招标, 竞争性磋商 …)."""
    if facts.procurement_method is None:
        m = re.search(r"(招标|采购)方式[:：为]\s*(公开招标|邀请招标|竞争性谈判|竞争性磋商|询比价|询价|单一来源|比选|直接发包|直接委托)", t)
        m = m or re.search(r"采用(竞争性)?(比选|直接发包|直接委托|竞争性谈判|竞争性磋商|询比价|询价|单一来源)(采购)?的?方式", t)
        # a correction's new method (「采购方式由公开招标修改为竞争性磋商」) and a work handed over without any
        # (「本项目由建设单位直接委托……实施，不进行招标」)
        m = m or re.search(r"(招标|采购)方式[^。；;\n]{0,16}?(?:修改|变更|调整|更正|更改)为[:：]?\s*"
                           r"(公开招标|邀请招标|竞争性谈判|竞争性磋商|询价|单一来源|比选|直接发包|直接委托)", t)
        m = m or re.search(r"(本项目|本工程)由(?![^。；;\n]{0,12}不)[^。；;\n]{0,12}?(直接委托|直接发包)", t)
        # the national standard template: 「现对该项目的施工进行公开招标」「采用邀请招标方式」 (not a quoted
        # duty such as 「依法必须进行公开招标的项目」)
        if m is None and (m := _RE_TENDER_METHOD.search(t)) \
                and _RE_TENDER_DUTY.search(t[max(0, m.start() - 4): m.end() + 6]):
            m = None
        if m:
            facts.procurement_method = Fact(m.group(2), c.index, m.group(0))


#: One extractor per project fact (each reads one clause and fills the facts it finds, first one wins).
_EXTRACTORS: tuple[Callable[[ProjectFacts, Clause, str, int | None], None], ...] = (
    _project_name, _amounts, _service_years, _bid_bond, _perf_bond, _sale_and_deadline, _announcement_and_clarifications,
    _validity, _committee, _sme_reservation, _procurement_method, _not_mandatory,
)
