"""Collusion check on real files: PDFs with XMP, project names, template rsids, evidence excerpts, shared typos."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from fastapi.testclient import TestClient

from assistant.collusion.data import CollusionData
from assistant.collusion.pipeline import CollusionAnalyzer
from assistant.collusion.reader import read_bytes, read_path
from assistant.config import PROJECT_ROOT, Settings
from tests.conftest import FORMAT_SAMPLES, docx_file, require_shared

DATA = CollusionData.load(PROJECT_ROOT / "knowledge_base" / "collusion")
LAW_PDF = "中华人民共和国招标投标法.pdf"  # made by Acrobat PDFMaker 9.0 for Word: carries an XMP packet

_XMP_ELEMENTS = """<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/">
   <xmpMM:DocumentID>uuid:{doc}</xmpMM:DocumentID>
   <xmpMM:InstanceID>uuid:{inst}</xmpMM:InstanceID>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
# the compact form written by many tools: properties as attributes of rdf:Description
_XMP_ATTRIBUTES = """<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmpMM:DocumentID="xmp.did:{doc}"
 xmpMM:OriginalDocumentID="xmp.did:{orig}"/></rdf:RDF></x:xmpmeta>"""


def _pdf(path: Path, lines: list[str], xmp: str | None = None) -> Path:
    """A real text PDF (reportlab, built-in CJK font) with an optional XMP metadata stream."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject, StreamObject
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.setFont("STSong-Light", 10)
    for n, line in enumerate(lines):
        c.drawString(40, 800 - 15 * n, line)
    c.showPage()
    c.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(buf.getvalue())))
    if xmp is not None:
        stream = StreamObject()
        stream.set_data(xmp.encode("utf-8"))
        stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
        writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _analyzer() -> CollusionAnalyzer:
    return CollusionAnalyzer(DATA)


# --------------------------------------------------------------------------- defect: XMP crashed the PDF reader
def test_acrobat_pdf_with_xmp_is_read_with_its_document_id() -> None:
    pdf = require_shared(FORMAT_SAMPLES) / LAW_PDF
    doc = read_path(pdf)
    assert doc.units and doc.meta.application.startswith("Acrobat PDFMaker")
    assert doc.meta.xmp_document_id == "uuid:3dac0db1-03a4-47bd-b3e1-8f3c8af55ab3"


def test_xmp_ids_are_read_in_element_and_attribute_form(tmp_path: Path) -> None:
    el = read_path(_pdf(tmp_path / "a.pdf", ["投标文件"], _XMP_ELEMENTS.format(doc="D-1", inst="I-1")))
    assert (el.meta.xmp_document_id, el.meta.xmp_original_document_id) == ("uuid:D-1", "")
    attr = read_path(_pdf(tmp_path / "b.pdf", ["投标文件"], _XMP_ATTRIBUTES.format(doc="D-2", orig="O-2")))
    assert (attr.meta.xmp_document_id, attr.meta.xmp_original_document_id) == ("xmp.did:D-2", "xmp.did:O-2")


@pytest.mark.parametrize("packet", ["<x:xmpmeta><rdf:RDF", "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>", "\x00\x01garbage"])
def test_unreadable_xmp_is_skipped_not_fatal(tmp_path: Path, packet: str) -> None:
    doc = read_bytes(_pdf(tmp_path / "bad.pdf", ["投标人：某某公司"], packet).read_bytes(), "bad.pdf")
    assert doc.units and doc.meta.xmp_document_id == "" and doc.meta.pdf_id0


def test_two_pdf_bids_with_the_same_xmp_original_document_id_are_linked(tmp_path: Path) -> None:
    tender = docx_file(tmp_path / "招标.docx", ["某专线传输项目招标文件", "投标人应当提交投标文件。"])
    a = _pdf(tmp_path / "a.pdf", ["投标人：甲公司"], _XMP_ATTRIBUTES.format(doc="A-1", orig="SAME-ORIGIN"))
    b = _pdf(tmp_path / "b.pdf", ["投标人：乙公司"], _XMP_ATTRIBUTES.format(doc="B-1", orig="SAME-ORIGIN"))
    c = _pdf(tmp_path / "c.pdf", ["投标人：丙公司"], _XMP_ATTRIBUTES.format(doc="C-1", orig="OTHER"))
    report = _analyzer().analyze(tender, [a, b, c])
    linked = [p for p in report.pairs if any("OriginalDocumentID" in e.description for s in p.signals for e in s.evidence)]
    assert [(p.a, p.b) for p in linked] == [("a.pdf", "b.pdf")]


def test_rest_accepts_an_xmp_pdf_as_bid_and_as_tender(fake_settings: Settings) -> None:
    from assistant.api import create_app

    pdf = (require_shared(FORMAT_SAMPLES) / LAW_PDF).read_bytes()
    d = docx.Document()
    d.add_paragraph("投标人：甲公司 投标文件")
    bid = io.BytesIO()
    d.save(bid)
    client = TestClient(create_app(fake_settings))
    for tender, other in ((("t.docx", bid.getvalue()), ("law.pdf", pdf)), (("t.pdf", pdf), ("b2.docx", bid.getvalue()))):
        files = [("tender", tender), ("bids[]", ("b1.docx", bid.getvalue())), ("bids[]", other)]
        r = client.post("/api/v1/collusion", files=files)
        assert r.status_code == 200, r.text


# --------------------------------------------------------------------------- defect: the real project name as a 「其他项目」
@pytest.mark.parametrize(("line", "name"), [
    ("项目名称：全国司法加密网专线传输项目  包号：01包", "全国司法加密网专线传输项目"),
    ("项目名称：全国司法加密网专线传输项目包号：01包", "全国司法加密网专线传输项目"),
    ("项 目 名 称：某市道路工程 项目编号：ZC-2022-01", "某市道路工程"),
    ("工程名称：某市环城南路提升改造工程标段：一标段", "某市环城南路提升改造工程"),
], ids=["two-spaces", "next-label", "spaced-label", "标段"])
def test_project_name_ends_at_whitespace_or_the_next_label(line: str, name: str) -> None:
    from assistant.collusion.normalize import clean_text
    from assistant.collusion.text_signals import tender_project_values

    assert name in tender_project_values(clean_text(line))


def _project_bids(tmp_path: Path, lines: dict[str, str]) -> list[Path]:
    return [docx_file(tmp_path / f"{who}.docx", [f"{who}公司 投标文件", line, f"投标人：{who}科技有限公司"], author=f"{who}经办")
            for who, line in lines.items()]


def test_the_tenders_own_project_name_is_never_a_shared_error(tmp_path: Path) -> None:
    tender = docx_file(tmp_path / "招标.docx", ["项目名称：某市环城南路提升改造工程", "项目编号：JH-2025-101", "投标人须知"])
    line = "项目名称：某市环城南路提升改造工程  包号：01包  项目编号：JH-2025-101"
    bids = _project_bids(tmp_path, {"甲": line, "乙": line, "丙": line})
    report = _analyzer().analyze(tender, bids)
    assert not [s for p in report.pairs for s in p.signals if s.kind == "shared_errors"]


def test_a_foreign_project_name_shared_by_two_bids_is_still_reported(tmp_path: Path) -> None:
    tender = docx_file(tmp_path / "招标.docx", ["项目名称：某市环城南路提升改造工程", "投标人须知"])
    own, foreign = "项目名称：某市环城南路提升改造工程 包号：01包", "项目名称：某市老旧小区配套道路工程  包号：02包"
    bids = _project_bids(tmp_path, {"甲": foreign, "乙": foreign, "丙": own})
    report = _analyzer().analyze(tender, bids)
    errors = [(p.a, p.b, e.value) for p in report.pairs for s in p.signals if s.kind == "shared_errors" for e in s.evidence]
    assert errors == [("乙.docx", "甲.docx", "某市老旧小区配套道路工程")]


def test_real_tender_project_name_in_bids_is_not_reported(tmp_path: Path) -> None:
    from tests.conftest import TENDERS

    tender = require_shared(TENDERS) / "政府采购项目公开招标文件.docx"
    bids = _project_bids(tmp_path, {w: "项目名称：全国司法加密网专线传输项目  包号：01包" for w in ("甲", "乙", "丙")})
    report = _analyzer().analyze(tender, bids)
    assert not [s for p in report.pairs for s in p.signals if s.kind == "shared_errors"]


# --------------------------------------------------------------------------- defect: template rsids rated 【强】
def _with_rsids(path: Path, rsids: list[str]) -> Path:
    """Replace the DOCX's Word session ids (python-docx's default template ids) by the given ones; rsids[0] is the root."""
    import re
    import zipfile

    data = io.BytesIO(path.read_bytes())
    xml = f'<w:rsids><w:rsidRoot w:val="{rsids[0]}"/>' + "".join(f'<w:rsid w:val="{r}"/>' for r in rsids) + "</w:rsids>"
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "word/settings.xml":
                body = re.sub(rb"<w:rsids>.*?</w:rsids>", xml.encode(), body, flags=re.S)
            dst.writestr(info, body)
    path.write_bytes(out.getvalue())
    return path


_FORMAT_TEMPLATE = ["0A1B2C3D", "0A1B2C3E", "0A1B2C3F", "0A1B2C40"]  # a 投标文件格式.docx all bidders downloaded


def _plain_bids(tmp_path: Path, who: list[str]) -> list[Path]:
    return [docx_file(tmp_path / f"{w}.docx", [f"{w}公司 投标文件", f"投标人：{w}科技有限公司", f"本公司由{w}总经理负责本项目。"],
                  author=f"{w}经办") for w in who]


def _provenance(report) -> dict[tuple[str, str], list[str]]:
    return {(p.a, p.b): [e.description for s in p.signals if s.kind == "provenance" for e in s.evidence]
            for p in report.pairs}


def test_rsids_of_a_template_most_bids_share_are_not_evidence(tmp_path: Path) -> None:
    tender = docx_file(tmp_path / "招标.docx", ["某专线传输项目招标文件", "投标人应当提交投标文件。"])
    bids = _plain_bids(tmp_path, ["甲", "乙", "丙", "丁"])
    _with_rsids(bids[0], [*_FORMAT_TEMPLATE, "11111111", "11111112", "11111113"])  # 甲 and 乙: one more editor
    _with_rsids(bids[1], [*_FORMAT_TEMPLATE, "11111111", "11111112", "11111113"])
    _with_rsids(bids[2], [*_FORMAT_TEMPLATE, "22222222"])
    _with_rsids(bids[3], [*_FORMAT_TEMPLATE, "33333333"])
    report = _analyzer().analyze(tender, bids)
    prov = _provenance(report)
    assert prov.pop(("乙.docx", "甲.docx")) == ["共有 3 个相同的 Word 编辑会话标识（rsid）"]
    assert not any(prov.values()), prov  # rsidRoot and the 4 template rsids are in every bid
    top = report.pairs[0]
    assert (top.a, top.b, top.risk) == ("乙.docx", "甲.docx", "high")
    assert [g.members for g in report.groups] == [["乙.docx", "甲.docx"]]


def test_python_docx_blank_template_rsids_do_not_link_a_non_bid_to_a_bid(tmp_path: Path) -> None:
    """Two files only (so rarity cannot help): a diary and a bid both made from python-docx's default template."""
    tender = _with_rsids(docx_file(tmp_path / "招标.docx", ["某专线传输项目招标文件", "投标人应当提交投标文件。"]),
                         ["5A5A5A5A", "5A5A5A5B"])  # the tender was made elsewhere: its ids exempt nothing here
    diary = docx_file(tmp_path / "野餐日记.docx", ["今天天气很好，我们去公园野餐。小明带了苹果，小红带了香蕉。"])
    bid = _plain_bids(tmp_path, ["甲"])[0]
    report = _analyzer().analyze(tender, [diary, bid])
    assert not [p for p in report.pairs if p.risk == "high"], [(p.a, p.b, [s.label for s in p.signals]) for p in report.pairs]


def test_rsids_shared_by_the_only_two_bids_still_count(tmp_path: Path) -> None:
    tender = docx_file(tmp_path / "招标.docx", ["某专线传输项目招标文件", "投标人应当提交投标文件。"])
    bids = _plain_bids(tmp_path, ["甲", "乙"])
    for b in bids:
        _with_rsids(b, ["44444444", "44444445", "44444446"])
    prov = _provenance(_analyzer().analyze(tender, bids))
    assert prov[("乙.docx", "甲.docx")][0] == "Word 编辑会话根标识（rsidRoot）相同"


# --------------------------------------------------------------------------- defect: a long span showed only its template head
def test_a_span_over_several_paragraphs_lists_its_distinctive_paragraphs(tmp_path: Path) -> None:
    from assistant.collusion.report import render_docx, render_markdown

    tender = docx_file(tmp_path / "招标.docx", ["某专线传输项目招标文件", "投标人应当提交投标文件。"])
    head = "我方愿意按照招标文件的要求，以投标总报价人民币（见开标一览表）承担本项目的全部服务。"  # every bid writes this
    plan = ["本方案采用双路由冗余架构，核心节点部署于北京亦庄和西安高新两处机房，链路可用率承诺不低于百分之九十九点九七。",
            "运维团队实行全天值守，故障响应时间不超过十五分钟，到场时间不超过两小时，并每季度提交一次链路质量分析报告。",
            "我方将在合同签订后第三日启动割接，割接窗口安排在周六凌晨，由张工和李工各带一个小组分片实施。"]
    bids = [docx_file(tmp_path / f"{w}.docx", [f"投标人：{w}科技有限公司", head, *(plan if w in "甲乙" else ["本公司承诺提供优质服务。"])])
            for w in ("甲", "乙", "丙")]
    report = _analyzer().analyze(tender, bids)
    top = report.pairs[0]
    assert (top.a, top.b) == ("乙.docx", "甲.docx")
    ev = next(e for s in top.signals if s.kind == "shared_text" for e in s.evidence)
    assert ev.a is not None and "至" in ev.a.location
    shown = [para[:20] for para in plan]  # as written: evidence keeps the bids' own punctuation
    assert all(x in ev.a.text for x in shown)
    assert ev.a.highlight in ev.a.text and ev.a.highlight[:20] in shown  # a plan paragraph is marked, not the head
    assert shown[0] in render_markdown(report)
    assert any(shown[2] in p.text for p in docx.Document(str(render_docx(report, tmp_path / "r.docx"))).paragraphs)


def test_a_malformed_collusion_lexicon_is_a_chinese_configuration_error(tmp_path):
    """A list where the lexicon expects words (or any field of the wrong type) stops with the file and the
    field named in Chinese, not a pydantic traceback."""
    import shutil

    import pytest

    from assistant.collusion.data import CollusionData
    from assistant.config import resource_dir
    from assistant.errors import ConfigError

    folder = tmp_path / "collusion"
    shutil.copytree(resource_dir("knowledge_base") / "collusion", folder)
    (folder / "lexicon.yaml").write_text("default_rsids: 12\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="围标串标分析的词表文件格式不正确（default_rsids）"):
        CollusionData.load(folder)
    (folder / "lexicon.yaml").write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式不正确"):
        CollusionData.load(folder)


# --------------------------------------------------------------------------- defect: 「安装调式」 not a shared typo
def test_a_shared_misspelling_that_is_a_dictionary_word_is_listed(tmp_path: Path) -> None:
    # 调式 is a jieba word (a music term): the dictionary check cannot see 「安装调式」, the typo list does
    tender = docx_file(tmp_path / "招标.docx", ["项目名称：某区智慧课堂设备采购", "投标人须知", "负责设备的安装调试。"])
    line = "确保在合同签订后30日内完成全部设备的安装调式工作。"
    bids = [docx_file(tmp_path / f"{w}.docx", [f"投标人：{w}科技有限公司", f"{w}公司承诺：{line if w in '甲乙' else '按期完成安装调试工作。'}"],
                      author=f"{w}经办") for w in ("甲", "乙", "丙")]
    report = _analyzer().analyze(tender, bids)
    errors = [(p.a, p.b, e.value) for p in report.pairs for s in p.signals if s.kind == "shared_errors" for e in s.evidence]
    assert errors == [("乙.docx", "甲.docx", "安装调式")]
