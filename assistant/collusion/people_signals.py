"""E1 same 授权代表/联系人, E2 same 项目管理成员, E5 same 法定代表人/统一社会信用代码, X1 混装."""

from __future__ import annotations

from assistant.collusion.bidfacts import BidFacts, value_evidence
from assistant.collusion.entities import Found
from assistant.collusion.exemptions import Exemptions
from assistant.collusion.models import Evidence, Signal

_ROLE = {"agent": "授权代表", "contact": "联系人", "pm": "项目经理/项目负责人", "tech": "技术负责人", "legal_rep": "法定代表人"}


def _shared(fa: list[Found], fb: list[Found], ex: Exemptions) -> list[tuple[str, int, int]]:
    ub = {f.value: f.unit for f in reversed(fb)}
    seen: set[str] = set()
    out = []
    for f in fa:
        if f.value in ub and f.value not in seen and not ex.in_tender_text(f.value):
            seen.add(f.value)
            out.append((f.value, f.unit, ub[f.value]))
    return out


def people_signals(a: BidFacts, b: BidFacts, ex: Exemptions) -> list[Signal]:
    ea, eb = a.entities, b.entities
    out: list[Signal] = []
    tender_checked = "已排除招标文件中出现的人员和联系方式（招标人、代理机构）"
    # E1 授权代表 / 联系人: identifiers first
    ev: list[Evidence] = []
    strong = False
    for v, ua, ub in _shared(ea.ids, eb.ids, ex):
        ev.append(value_evidence("相同身份证号码", v, a, ua, b, ub))
        strong = True
    for v, ua, ub in _shared(ea.phones, eb.phones, ex):
        ev.append(value_evidence("相同联系电话", v, a, ua, b, ub))
        strong = True
    for v, ua, ub in _shared(ea.emails, eb.emails, ex):
        ev.append(value_evidence("相同电子邮箱", v, a, ua, b, ub))
        strong = True
    names_a = ea.people.get("agent", []) + ea.people.get("contact", [])
    names_b = eb.people.get("agent", []) + eb.people.get("contact", [])
    for v, ua, ub in _shared(names_a, names_b, ex):
        ev.append(value_evidence("授权代表或联系人同名", v, a, ua, b, ub))
    if ev:
        out.append(Signal(kind="same_person", label="同一人员为两家办理投标（授权代表/联系人/联系方式相同）",
                          tier="强" if strong else "中", evidence=ev,
                          innocent_explanations_checked=[tender_checked, "仅同名而无证件号或电话相同时按“中”计（可能重名）"]))
    # E2 项目管理成员
    ev = [value_evidence("相同注册/证书编号", v, a, ua, b, ub) for v, ua, ub in _shared(ea.certs, eb.certs, ex)]
    cert = bool(ev)
    for role in ("pm", "tech"):
        for v, ua, ub in _shared(ea.people.get(role, []), eb.people.get(role, []), ex):
            ev.append(value_evidence(f"{_ROLE[role]}同名", v, a, ua, b, ub))
    if ev:
        out.append(Signal(kind="same_team", label="项目管理成员为同一人", tier="强" if cert or len(ev) >= 2 else "中", evidence=ev,
                          innocent_explanations_checked=[tender_checked, "仅一人同名且无证书编号相同时按“中”计"]))
    # E5 same 法定代表人 / same company code: 投标无效 (34条 / 18条), not a collusion presumption
    ev = [value_evidence("法定代表人（单位负责人）同名", v, a, ua, b, ub)
          for v, ua, ub in _shared(ea.people.get("legal_rep", []), eb.people.get("legal_rep", []), ex)]
    own_a = {f.value for f in ea.usccs[:1]}
    ev += [value_evidence("相同统一社会信用代码", v, a, ua, b, ub) for v, ua, ub in _shared(ea.usccs, eb.usccs, ex)
           if v in own_a and v in {f.value for f in eb.usccs[:1]}]
    if ev:
        out.append(Signal(kind="same_legal_rep", label="单位负责人为同一人（或同一单位）", tier="强" if len(ev) >= 1 else "中",
                          evidence=ev, is_collusion_presumption=False,
                          innocent_explanations_checked=["同名可能是重名：请核对身份证明或工商登记"]))
    return out


def mixing_signal(a: BidFacts, b: BidFacts, innocent_words: list[str]) -> Signal | None:
    """X1: B's identity (name, credit code) appears inside A's file (or the reverse)."""
    ev: list[Evidence] = []
    innocent: list[Evidence] = []
    for host, other in ((a, b), (b, a)):
        marks = [m for m in ([other.entities.bidder] if other.entities.bidder else [])]
        marks += [f.value for f in other.entities.usccs[:1]]
        if host.entities.bidder and other.entities.bidder == host.entities.bidder:
            continue
        for n, u in enumerate(host.doc.units):
            flat = u.text.replace(" ", "")
            hit = next((m for m in marks if m and m in flat), None)
            if hit is None:
                continue
            window = " ".join(x.text for x in host.doc.units[max(0, n - 2):n + 2])
            item = Evidence(description=f"{host.entities.bidder or host.file}的投标文件中出现另一投标人"
                                        f"“{other.entities.bidder or other.file}”的名称或代码", value=hit,
                            a=host.excerpt(n, hit), b=other.excerpt(other.entities.first(other.entities.companies, hit), hit))
            (innocent if any(w in window for w in innocent_words) else ev).append(item)
            break
    if not ev and not innocent:
        return None
    checked = ["上下文含联合体、分包、业绩、授权书、经销等字样的提及按“弱”计"]
    if ev:
        return Signal(kind="mixed", label="投标文件中出现另一投标人的名称或代码（混装）", tier="强", evidence=ev + innocent,
                      innocent_explanations_checked=checked)
    return Signal(kind="mixed", label="提及另一投标人（联合体、分包或业绩等上下文）", tier="弱", evidence=innocent,
                  innocent_explanations_checked=checked)
