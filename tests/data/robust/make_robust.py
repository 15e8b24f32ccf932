"""Generate the bad and awkward input files the robustness tests feed through every door.

    python tests/data/robust/make_robust.py OUT_DIR     # writes every case into OUT_DIR

Generated at test time (deterministic, < 1 s) instead of committed: the bomb and the oversized
file would bloat the repository. Texts are made up for these tests. `CASES` lists each file with
the outcome the product promises for it (see tests/test_robust_inputs.py).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
SAMPLE_PDF = ROOT / "tests" / "data" / "ingest" / "sample_regulation.pdf"
SCANNED_PDF = ROOT / "tests" / "data" / "ingest" / "scanned_notice.pdf"
TENDER_DOCX = ROOT / "tests" / "data" / "tenders_dev" / "C_goods_violating.docx"

REGULATION = (
    "示范采购管理办法\n"
    "第一条 为了规范示范项目采购活动，制定本办法。\n"
    "第二条 采购人不得以不合理的条件限制或者排斥潜在供应商。\n"
    "第三条 投标保证金不得超过采购项目预算金额的百分之二，暗号甲乙丙丁戊己庚辛壬癸。\n"
)


@dataclass(frozen=True)
class Case:
    name: str  # file name written
    kind: str  # "refused" (exit 1 / 4xx) or "loaded" (exit 0, read by its real format)
    problem: str  # a word the Chinese message must contain (refused), or a note (loaded)
    status: int | None = None  # REST status for refused files


def _docx_bytes(paragraphs: list[str]) -> bytes:
    import docx

    d = docx.Document()
    for p in paragraphs:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(SAMPLE_PDF).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret-user", owner_password="secret-owner")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _bomb_docx(path: Path, uncompressed_mb: int = 40) -> None:
    """A valid DOCX whose document.xml inflates to `uncompressed_mb` MB (written in chunks)."""
    base = zipfile.ZipFile(io.BytesIO(_docx_bytes(["第一条 正文。"])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in base.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info, base.read(info.filename))
        xml = base.read("word/document.xml")
        head, tail = xml.split(b"<w:body>", 1)
        with out.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(head + b"<w:body>")
            block = b"<w:p><w:r><w:t>" + b"A" * (1 << 20) + b"</w:t></w:r></w:p>"
            for _ in range(uncompressed_mb):
                fh.write(block)
            fh.write(tail)


def _nested_tables_docx(depth: int) -> bytes:
    """A table nested `depth` levels deep (raw XML; Word allows this, parsers may recurse)."""
    raw = _docx_bytes(["第一条 前附表如下。", "PLACEHOLDER"])
    zin = zipfile.ZipFile(io.BytesIO(raw))
    xml = zin.read("word/document.xml").decode("utf-8")
    inner = "<w:p><w:r><w:t>最内层：投标保证金为人民币伍万元整。</w:t></w:r></w:p>"
    for level in range(depth):
        inner = (f"<w:tbl><w:tblPr/><w:tblGrid><w:gridCol w:w=\"2000\"/></w:tblGrid><w:tr><w:tc>"
                 f"<w:p><w:r><w:t>第{level}层</w:t></w:r></w:p>{inner}</w:tc></w:tr></w:tbl><w:p/>")
    start = xml.index("<w:p>", xml.index("PLACEHOLDER") - 200)
    para_start = xml.rfind("<w:p>", 0, xml.index("PLACEHOLDER"))
    para_end = xml.index("</w:p>", xml.index("PLACEHOLDER")) + len("</w:p>")
    del start
    xml = xml[:para_start] + inner + xml[para_end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = xml.encode("utf-8") if info.filename == "word/document.xml" else zin.read(info.filename)
            zout.writestr(info, data)
    return out.getvalue()


def _zip_bytes(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


CASES: list[Case] = [
    Case("empty.docx", "refused", "空文件", 400),
    Case("empty.txt", "refused", "空文件", 400),
    Case("truncated.docx", "refused", "损坏", 400),
    Case("truncated_head.pdf", "refused", "损坏", 400),
    Case("corrupt_bytes.pdf", "refused", "不是支持的文档格式", 415),
    Case("random_bytes.docx", "refused", "不是支持的文档格式", 415),
    Case("encrypted.pdf", "refused", "加密", 400),
    Case("zip_not_docx.docx", "refused", "ZIP", 415),
    Case("xlsx_named.docx", "refused", "Excel", 415),
    Case("old_word.docx", "refused", ".doc", 415),
    Case("encrypted_word.docx", "refused", "密码", 400),
    Case("elf_named.txt", "refused", "不是支持的文档格式", 415),
    Case("bomb.docx", "refused", "压缩炸弹", 400),
    Case("whitespace_only.txt", "refused", "没有可识别的文字", 400),
    # pypdf cannot find the catalog once the tail (xref, trailer, Root) is cut off
    Case("truncated_tail.pdf", "refused", "损坏", 400),
    # lxml refuses XML nested deeper than 256 elements (no XML_PARSE_HUGE: that is the point)
    Case("nested_tables_300.docx", "refused", "无法解析", 400),
    Case("text_named.docx", "refused", "与扩展名不符", 415),  # a .docx that is plain text
    Case("pdf_named.txt", "refused", "与扩展名不符", 415),  # a PDF named .txt
    # read by their real format (a warning says so), never a traceback
    Case("nested_tables_30.docx", "loaded", "tables nested 30 deep"),
    Case("gbk.txt", "loaded", "GBK"),
    Case("gb18030.txt", "loaded", "GB18030"),
    Case("utf16.txt", "loaded", "UTF-16 with BOM"),
    Case("utf16le_nobom.txt", "loaded", "UTF-16-LE without BOM"),
    Case("fullwidth.txt", "loaded", "full-width digits, letters and spaces"),
    Case("utf8_damaged.txt", "loaded", "UTF-8 with two damaged bytes"),
]


def write_all(out: Path) -> dict[str, Path]:
    """Write every case (plus `oversized.pdf`, 3 MB) into `out`; returns name -> path."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(8)
    pdf = SAMPLE_PDF.read_bytes()
    tender = TENDER_DOCX.read_bytes()
    files: dict[str, bytes] = {
        "empty.docx": b"",
        "empty.txt": b"",
        "truncated.docx": tender[: len(tender) // 3],
        "truncated_head.pdf": pdf[:1500],
        "truncated_tail.pdf": pdf[: len(pdf) - 400],
        "corrupt_bytes.pdf": bytes(rng.randrange(256) for _ in range(4096)),
        "random_bytes.docx": bytes(rng.randrange(256) for _ in range(4096)),
        "encrypted.pdf": _encrypted_pdf(),
        "zip_not_docx.docx": _zip_bytes({"readme.txt": "不是 Word 文档".encode(), "data/a.csv": b"a,b\n1,2\n"}),
        "xlsx_named.docx": _zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "old_word.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088),
        # what Word writes for a password-protected .docx: an OLE2 container with EncryptedPackage
        "encrypted_word.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1016)
        + "EncryptionInfo".encode("utf-16-le") + bytes(100) + "EncryptedPackage".encode("utf-16-le") + bytes(2900),
        "elf_named.txt": b"\x7fELF\x02\x01\x01\x00" + bytes(rng.randrange(256) for _ in range(2048)),
        "whitespace_only.txt": "   \n\n\t\u3000\n".encode(),
        "text_named.docx": REGULATION.encode("utf-8"),
        "pdf_named.txt": pdf,
        "nested_tables_30.docx": _nested_tables_docx(30),
        "nested_tables_300.docx": _nested_tables_docx(300),
        "gbk.txt": REGULATION.encode("gbk"),
        "gb18030.txt": (REGULATION + "第四条 生僻字𠀀䶮亦应读取。\n").encode("gb18030"),
        "utf16.txt": REGULATION.encode("utf-16"),
        "utf16le_nobom.txt": REGULATION.encode("utf-16-le"),
        "fullwidth.txt": ("示范采购管理办法\n第１条　采购人应当公开ＡＢＣ项目信息。\n"
                          "第２条　投标保证金不得超过预算金额的２％，即不超过１０万元。\n").encode("utf-8"),
    }
    damaged = bytearray(REGULATION.encode("utf-8") * 3)
    damaged[40] = 0xFF
    damaged[200] = 0x80
    files["utf8_damaged.txt"] = bytes(damaged)
    paths = {}
    for name, data in files.items():
        (out / name).write_bytes(data)
        paths[name] = out / name
    _bomb_docx(out / "bomb.docx")
    paths["bomb.docx"] = out / "bomb.docx"
    # 3 MB of a real PDF repeated: over a 1 MB limit
    big = out / "oversized.pdf"
    with big.open("wb") as fh:
        while fh.tell() < 3 * 1024 * 1024:
            fh.write(pdf)
    paths["oversized.pdf"] = big
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "generated"
    for name, path in write_all(target).items():
        print(f"{path.stat().st_size:>12,d}  {name}")
