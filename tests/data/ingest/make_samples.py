"""Regenerate the small PDFs in this folder (needs LibreOffice: `soffice`).

    python tests/data/ingest/make_samples.py

- sample_regulation.pdf: a made-up 3-page regulation typed as a Word document, with a running
  header on every page, "— N —" page furniture inside the text stream, chapter headings,
  articles that wrap across lines and pages, and a cross-reference at a line start.
- scanned_notice.pdf: page 1 of sample_regulation.pdf rendered to an image only (no text layer),
  so the loader must OCR it.
The texts are written for these tests (no real document is copied).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import docx
from docx.enum.text import WD_BREAK

HERE = Path(__file__).resolve().parent

ARTICLES = [
    ("第一章　总　　则", None),
    ("第一条", "为了规范本市示范项目的采购活动，提高资金使用效益，保护当事人的合法权益，根据有关法律、行政法规的规定，结合本市实际，制定本办法。"),
    ("第二条", "本办法适用于本市行政区域内使用财政性资金开展的示范项目采购活动。"),
    ("第三条", "采购活动应当遵循公开透明、公平竞争、公正和诚实信用的原则。任何单位和个人不得以不合理的条件限制或者排斥潜在供应商，不得对供应商实行差别待遇或者歧视待遇。"),
    ("PAGE", "— 1 —"),
    ("第二章　采购程序", None),
    ("第四条", "采购人应当在采购文件中载明下列事项：\n（一）采购项目的名称、数量和预算金额；\n（二）供应商的资格条件；\n（三）评审方法和评审标准。"),
    ("第五条", "采购人不得将供应商的注册地、所有制形式或者组织形式作为资格条件，但是依照本办法第十二条规定的情形除外。"),
    ("第六条", "投标保证金不得超过采购项目预算金额的百分之二。采购人应当在中标通知书发出后五日内退还未中标供应商的投标保证金。"),
    ("PAGE", "— 2 —"),
    ("第三章　附　　则", None),
    ("第七条", "本办法由市财政局负责解释。"),
    ("第八条", "本办法自2024年1月1日起施行。"),
    ("PAGE", "— 3 —"),
]


def build_docx(path: Path) -> None:
    d = docx.Document()
    header = d.sections[0].header.paragraphs[0]
    header.text = "示范市人民政府规范性文件"
    d.add_paragraph("示范市政府采购示范办法")
    d.add_paragraph("（2023年12月1日示范市人民政府第5次常务会议通过）")
    for label, body in ARTICLES:
        if label == "PAGE":
            p = d.add_paragraph(body)
            p.runs[0].add_break(WD_BREAK.PAGE)
        elif body is None:
            d.add_paragraph(label)
        else:
            lines = body.split("\n")
            d.add_paragraph(f"{label}　{lines[0]}")
            for extra in lines[1:]:
                d.add_paragraph(extra)
    d.save(str(path))


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "sample_regulation.docx"
        build_docx(src)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
            check=True, capture_output=True, timeout=180,
        )
        pdf = Path(tmp) / "sample_regulation.pdf"
        (HERE / "sample_regulation.pdf").write_bytes(pdf.read_bytes())

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(HERE / "sample_regulation.pdf"))
    image = doc[0].render(scale=150 / 72).to_pil().convert("L")
    image.save(HERE / "scanned_notice.pdf", "PDF", resolution=150)
    doc.close()
    for f in ("sample_regulation.pdf", "scanned_notice.pdf"):
        print(f, (HERE / f).stat().st_size, "bytes")


if __name__ == "__main__":
    main()
