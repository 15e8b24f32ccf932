"""M1–M7 document provenance and I1 reused images, each after removing the tender file's own values."""

from __future__ import annotations

from collections import defaultdict

from assistant.collusion.bidfacts import BidFacts
from assistant.collusion.duplicates import count_bidders
from assistant.collusion.exemptions import Exemptions
from assistant.collusion.models import Evidence, Excerpt, Signal

_FIELDS = {"author": "作者", "last_modified_by": "最后保存者", "company": "单位（Company）"}


class MetaRarity:
    """How many bids carry each metadata value: shared by many bids means a common default or template.

    Applies to author/company and to Word editing-session ids: bidders who all start from one
    投标文件格式 template (or one blank template) share its rsidRoot and rsids without any link.
    Bids are counted by bidder (`party`, as in `SharedIndex`): two files of one bidder count once."""

    def __init__(self, bids: list[BidFacts], party: list[int], defaults: list[str], default_rsids: list[str]) -> None:
        self.defaults = {d.lower() for d in [*defaults, *default_rsids]}
        holders: defaultdict[tuple[str, str], set[int]] = defaultdict(set)
        for i, b in enumerate(bids):
            m = b.doc.meta
            for f in _FIELDS:
                v = getattr(m, f)
                if v:
                    holders[(f, v)].add(i)
            if m.rsid_root:
                holders[("rsid_root", m.rsid_root)].add(i)
            for r in set(m.rsids):
                holders[("rsid", r)].add(i)
        self.count = {key: count_bidders(who, party) for key, who in holders.items()}
        self.n = count_bidders(range(len(bids)), party)

    def usable(self, field: str, value: str, ex: Exemptions) -> bool:
        """A value can be evidence: not a known default, not the tender's own, not carried by most bids."""
        if not value or value.lower() in self.defaults or value in ex.meta_values:
            return False
        if field in ("rsid_root", "rsid") and value in ex.rsids:
            return False
        return self.count.get((field, value), 0) <= max(2, self.n // 2)


def _meta_ev(what: str, value: str, a: BidFacts, b: BidFacts) -> Evidence:
    return Evidence(description=what, value=value, a=Excerpt(file=a.file, location="文档属性", text=f"{what}：{value}", highlight=value),
                    b=Excerpt(file=b.file, location="文档属性", text=f"{what}：{value}", highlight=value))


def _rsid_evidence(a: BidFacts, b: BidFacts, ex: Exemptions, rarity: MetaRarity) -> tuple[list[Evidence], list[Evidence]]:
    """Shared Word session ids, minus the tender's, known blank templates' and those most bids carry."""
    ma, mb = a.doc.meta, b.doc.meta
    strong: list[Evidence] = []
    medium: list[Evidence] = []
    if ma.rsid_root and ma.rsid_root == mb.rsid_root and rarity.usable("rsid_root", ma.rsid_root, ex):
        strong.append(_meta_ev("Word 编辑会话根标识（rsidRoot）相同", ma.rsid_root, a, b))
    shared = sorted(r for r in set(ma.rsids) & set(mb.rsids) if rarity.usable("rsid", r, ex))
    if len(shared) >= 3:
        strong.append(_meta_ev(f"共有 {len(shared)} 个相同的 Word 编辑会话标识（rsid）", "、".join(shared[:6]), a, b))
    elif shared:
        medium.append(_meta_ev(f"共有 {len(shared)} 个相同的 Word 编辑会话标识（rsid）", "、".join(shared), a, b))
    return strong, medium


def provenance_signals(a: BidFacts, b: BidFacts, ex: Exemptions, rarity: MetaRarity) -> list[Signal]:  # noqa: C901 - collusion module, split pending
    ma, mb = a.doc.meta, b.doc.meta
    strong: list[Evidence] = []
    medium: list[Evidence] = []
    for f, label in _FIELDS.items():
        va, vb = getattr(ma, f), getattr(mb, f)
        if va and va == vb and rarity.usable(f, va, ex):
            medium.append(_meta_ev(f"文档{label}相同（少见值）", va, a, b))
    if ma.wps_hdid and ma.wps_hdid == mb.wps_hdid and ma.wps_hdid not in ex.meta_values:
        strong.append(_meta_ev("WPS 保存记录中的设备标识（hdid）相同", ma.wps_hdid, a, b))
    if ma.wps_user_id and ma.wps_user_id == mb.wps_user_id and ma.wps_user_id not in ex.meta_values:
        strong.append(_meta_ev("WPS 保存记录中的用户标识（userId）相同", ma.wps_user_id, a, b))
    if ma.wps_icv and ma.wps_icv == mb.wps_icv and ma.wps_icv not in ex.meta_values:
        medium.append(_meta_ev("WPS 文档标识（ICV）相同", ma.wps_icv, a, b))
    rs_strong, rs_medium = _rsid_evidence(a, b, ex, rarity)
    strong += rs_strong
    medium += rs_medium
    if ma.pdf_id0 and ma.pdf_id0 == mb.pdf_id0 and ma.pdf_id0 not in ex.meta_values:
        strong.append(_meta_ev("PDF 永久文件标识（/ID 第一项）相同", ma.pdf_id0[:32], a, b))
    for f, label in (("xmp_document_id", "XMP DocumentID"), ("xmp_original_document_id", "XMP OriginalDocumentID")):
        va, vb = getattr(ma, f), getattr(mb, f)
        if va and va == vb and va not in ex.meta_values:
            strong.append(_meta_ev(f"PDF 元数据 {label} 相同", va, a, b))
    out: list[Signal] = []
    if strong or medium:
        out.append(Signal(kind="provenance", label="文档属性或编辑痕迹显示出自同一来源", tier="强" if strong else "中",
                          evidence=strong + medium,
                          innocent_explanations_checked=[
                              "已排除招标文件自身的文档属性、rsid 和 PDF 标识（各家都从招标文件的格式文件开始编辑）",
                              "已排除常见默认值（Administrator、微软用户、Normal.dotm、通用空白模板的 rsid 等）",
                              "已排除多数投标文件共有的作者、单位和 Word 编辑会话标识（rsidRoot、rsid），"
                              "例如各家共用同一投标文件格式模板留下的标识",
                              "PDF 生成工具（Producer）相同不作为证据"]))
    shared_img = sorted((set(a.doc.image_hashes) & set(b.doc.image_hashes)) - ex.image_hashes)
    if shared_img:
        brands = a.entities.brands & b.entities.brands
        out.append(Signal(kind="same_images", label=f"{len(shared_img)} 张相同图片（招标文件中没有）",
                          tier="弱" if brands else "中",
                          evidence=[_meta_ev("图片内容完全相同（SHA-256）", h[:16], a, b) for h in shared_img[:5]],
                          innocent_explanations_checked=["已排除招标文件中的图片"] + (
                              [f"两家报同一品牌（{'、'.join(sorted(brands))}），可能是制造商资料图片，按“弱”计"] if brands else [])))
    return out
