"""Loaders on files generated here (DOCX, TXT encodings, HTML, Markdown) and the committed
small PDFs in tests/data/ingest (see make_samples.py), plus every kind of bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.style import WD_STYLE_TYPE
from pypdf import PdfReader, PdfWriter

from assistant.errors import FileTooLargeError, InputFileError, UnsupportedFormatError, UserError
from assistant.ingest import pdf_cleanup, zipguard
from assistant.ingest.loaders import load_bytes, load_file

DATA = Path(__file__).parent / "data" / "ingest"
SAMPLE_PDF = DATA / "sample_regulation.pdf"
SCANNED_PDF = DATA / "scanned_notice.pdf"


# --------------------------------------------------------------------------- builders


def make_docx(path: Path) -> Path:
    d = docx.Document()
    d.add_paragraph("示范项目招标文件", style="Title")
    d.add_paragraph("第一章 投标人须知", style="Heading 1")
    d.add_paragraph("投标人应当具备下列条件：")
    d.add_paragraph("具有独立承担民事责任的能力", style="List Bullet")
    d.add_paragraph("具有良好的商业信誉", style="List Number")
    zh = d.styles.add_style("标题 2", WD_STYLE_TYPE.PARAGRAPH)
    assert zh.name == "标题 2"
    d.add_paragraph("一、前附表", style="标题 2")
    table = d.add_table(rows=3, cols=3)
    table.cell(0, 0).text = "条款号"
    table.cell(0, 1).text = "条款名称"
    table.cell(0, 2).text = "内容"
    table.cell(1, 0).text = "1.1"
    table.cell(1, 1).text = "投标保证金"
    table.cell(1, 2).text = "人民币５万元"
    merged = table.cell(2, 0).merge(table.cell(2, 1))
    merged.text = "资格要求（合并单元格）"
    inner = table.cell(2, 2).add_table(rows=1, cols=2)
    inner.cell(0, 0).text = "注册地"
    inner.cell(0, 1).text = "不限"
    d.add_paragraph("表后的段落。")
    d.save(str(path))
    return path


def make_policy_html() -> str:
    return """<!DOCTYPE html><html><head><title>网页标题</title><style>p{color:red}</style>
    <script>var x = "不应出现的脚本";</script></head><body>
    <nav>首页 | 导航不应出现</nav>
    <h1>关于优化营商环境的通知</h1>
    <p>各单位：</p><p>现将有关事项通知如下。</p>
    <h2>一、总体要求</h2><p>坚持公平竞争。<br>不得设置不合理条件。</p>
    <table><tr><th>事项</th><th>时限</th></tr><tr><td>退还保证金</td><td>5日</td></tr></table>
    </body></html>"""


# --------------------------------------------------------------------------- DOCX


def test_docx_headings_lists_tables_in_document_order(tmp_path: Path) -> None:
    doc = load_file(make_docx(tmp_path / "招标文件.docx"))
    assert doc.format == "docx"
    assert doc.title == "示范项目招标文件"
    kinds = [(b.kind, b.text) for b in doc.blocks]
    assert kinds[0] == ("heading", "示范项目招标文件")
    assert ("heading", "第一章 投标人须知") in kinds
    h1 = next(b for b in doc.blocks if b.text == "第一章 投标人须知")
    h2 = next(b for b in doc.blocks if b.text == "一、前附表")
    assert h1.level == 1 and h2.level == 2 and h2.kind == "heading"
    items = [b.text for b in doc.blocks if b.kind == "list_item"]
    assert items == ["具有独立承担民事责任的能力", "具有良好的商业信誉"]
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.location.row for r in rows] == [0, 1, 2]
    assert all(r.location.table == 0 for r in rows)
    assert rows[1].cells == ["1.1", "投标保证金", "人民币5万元"]  # full-width digits normalised
    # merged cell appears once; nested table flattened into the last cell
    assert rows[2].cells is not None and rows[2].cells[0] == "资格要求（合并单元格）"
    assert len(rows[2].cells) == 2 and "注册地 | 不限" in rows[2].cells[1]
    # document order: the table sits between the 标题 2 heading and the trailing paragraph
    texts = [b.text for b in doc.blocks]
    assert texts.index("一、前附表") < texts.index(rows[0].text) < texts.index("表后的段落。")
    # paragraph index refers to the body paragraph (doc.paragraphs[i])
    para = next(b for b in doc.blocks if b.text == "表后的段落。")
    assert docx.Document(str(tmp_path / "招标文件.docx")).paragraphs[para.location.paragraph].text == "表后的段落。"
    assert len(doc.sha256) == 64


def test_docx_outline_level_heading(tmp_path: Path) -> None:
    d = docx.Document()
    p = d.add_paragraph("第二章 采购需求")
    ppr = p._p.get_or_add_pPr()
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    lvl = OxmlElement("w:outlineLvl")
    lvl.set(qn("w:val"), "0")
    ppr.append(lvl)
    d.add_paragraph("正文")
    path = tmp_path / "outline.docx"
    d.save(str(path))
    doc = load_file(path)
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].level == 1


def test_truncated_docx(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx").read_bytes()
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputFileError) as exc:
        load_file(bad)
    assert "损坏.docx" in exc.value.message and "损坏" in exc.value.message


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    path = tmp_path / "资料.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(UnsupportedFormatError) as exc:
        load_file(path)
    assert "资料.docx" in exc.value.message and "不是 Word 文档" in exc.value.message


def test_xlsx_renamed_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "报价.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(UnsupportedFormatError) as exc:
        load_file(path)
    assert "Excel" in exc.value.message


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    good = make_docx(tmp_path / "good.docx")
    bomb = tmp_path / "炸弹.docx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item))
        dst.writestr("word/media/padding.bin", b"\0" * (30 * 1024 * 1024))  # ratio ~1000:1
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(InputFileError) as exc:
        load_file(bomb)
    assert "压缩炸弹" in exc.value.message and "炸弹.docx" in exc.value.message


def test_docx_total_uncompressed_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_docx(tmp_path / "大文件.docx")
    monkeypatch.setattr(zipguard, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(InputFileError, match="解压后体积异常"):
        load_file(path)


def test_docx_that_is_actually_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "伪装.docx"
    path.write_text("第一条 这其实是一个文本文件。\n第二条 扩展名是 docx。", encoding="utf-8")
    with pytest.raises(UnsupportedFormatError, match=r"扩展名是 \.docx，但内容实际是纯文本"):
        load_file(path)


def test_pdf_named_txt_is_refused(tmp_path: Path) -> None:
    src = Path(__file__).parent / "data" / "ingest" / "sample_regulation.pdf"
    path = tmp_path / "notice.txt"
    path.write_bytes(src.read_bytes())
    with pytest.raises(UnsupportedFormatError, match="与扩展名不符"):
        load_file(path)


def test_legacy_doc_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "旧格式.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(UnsupportedFormatError, match=r"另存为 \.docx"):
        load_file(path)


def test_random_binary_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(bytes(range(256)) * 8)
    with pytest.raises(UnsupportedFormatError):
        load_file(path)


# --------------------------------------------------------------------------- TXT encodings

TEXT = "第一条 为了规范招标投标活动，制定本办法。\n第二条 本办法适用于示范区。"


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", TEXT.encode("utf-8")),
        ("utf-8-sig", TEXT.encode("utf-8-sig")),
        ("gbk", TEXT.encode("gbk")),
        ("gb18030", (TEXT + "𠀀").encode("gb18030")),  # a character outside GBK
        ("utf-16", TEXT.encode("utf-16")),  # with BOM
        ("utf-16-le", TEXT.encode("utf-16-le")),  # without BOM
    ],
    ids=["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le"],
)
def test_txt_encodings(tmp_path: Path, encoding: str, data: bytes) -> None:
    path = tmp_path / f"办法-{encoding}.txt"
    path.write_bytes(data)
    doc = load_file(path)
    assert doc.format == "txt"
    assert doc.blocks[0].text == "第一条 为了规范招标投标活动，制定本办法。"
    assert doc.blocks[1].text.startswith("第二条 本办法适用于示范区。")


def test_txt_fullwidth_mixed_is_normalised(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text("预算金额：ＲＭＢ　１２０万元，工期９０天", encoding="utf-8")
    assert load_file(path).blocks[0].text == "预算金额：RMB 120万元，工期90天"


def test_big5_text_via_charset_normalizer(tmp_path: Path) -> None:
    text = "招標投標活動應當遵循公開、公平、公正和誠實信用的原則。" * 5
    path = tmp_path / "big5.txt"
    path.write_bytes(text.encode("big5"))
    doc = load_file(path)
    assert "招標投標活動" in doc.blocks[0].text


# --------------------------------------------------------------------------- Markdown / HTML


def test_markdown_front_matter_headings_comments(tmp_path: Path) -> None:
    path = tmp_path / "招标投标法(2017-12-27).md"
    path.write_text(
        "---\ntitle: 示范通知\ndoc_number: 示财〔2024〕1号\npublished_date: 2024-01-02\n---\n"
        "# 中华人民共和国示范法\n\n2017年12月27日 修正\n\n<!-- INFO END -->\n\n## 第一章 总则\n\n"
        "第一条 为了示范，制定本法。\n\n- 列表项\n\n| 项目 | 金额 |\n|---|---|\n| 保证金 | 2% |\n",
        encoding="utf-8",
    )
    doc = load_file(path)
    assert doc.format == "md"
    assert doc.front_matter["doc_number"] == "示财〔2024〕1号"
    assert doc.front_matter["published_date"] == "2024-01-02"
    assert doc.title == "示范通知"
    assert doc.blocks[0].kind == "heading" and doc.blocks[0].level == 1
    assert ("heading", 2, "第一章 总则") in [(b.kind, b.level, b.text) for b in doc.blocks]
    assert not any("INFO END" in b.text for b in doc.blocks)
    assert any(b.kind == "list_item" and b.text == "列表项" for b in doc.blocks)
    rows = [b for b in doc.blocks if b.kind == "table_row"]
    assert [r.cells for r in rows] == [["项目", "金额"], ["保证金", "2%"]]


def test_html_strips_scripts_nav_and_keeps_structure(tmp_path: Path) -> None:
    path = tmp_path / "notice.html"
    path.write_text(make_policy_html(), encoding="utf-8")
    doc = load_file(path)
    assert doc.format == "html"
    assert doc.title == "关于优化营商环境的通知"
    text = doc.text
    assert "脚本" not in text and "导航" not in text and "color" not in text
    heads = [(b.level, b.text) for b in doc.blocks if b.kind == "heading"]
    assert heads == [(1, "关于优化营商环境的通知"), (2, "一、总体要求")]
    assert "坚持公平竞争。" in [b.text for b in doc.blocks]
    assert "不得设置不合理条件。" in [b.text for b in doc.blocks]
    rows = [b.cells for b in doc.blocks if b.kind == "table_row"]
    assert rows == [["事项", "时限"], ["退还保证金", "5日"]]


def test_html_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "download.txt"
    path.write_text(make_policy_html(), encoding="gbk")
    assert load_file(path).format == "html"


# --------------------------------------------------------------------------- PDF


def test_pdf_pages_furniture_and_line_joining() -> None:
    doc = load_file(SAMPLE_PDF)
    assert doc.format == "pdf" and doc.ocr_pages == []
    text = doc.text
    assert "— 1 —" not in text and "—" not in text
    assert "示范市人民政府规范性文件" not in text  # running header on every page
    art3 = next(b for b in doc.blocks if b.text.startswith("第三条"))
    # the article wrapped over three PDF lines comes back as one paragraph
    assert art3.text.endswith("不得对供应商实行差别待遇或者歧视待遇。")
    assert art3.location.page == 1
    # cross-reference wrapped to a line start ("依\n照本办法第十二条") did not split the paragraph
    art5 = next(b for b in doc.blocks if b.text.startswith("第五条"))
    assert "依照本办法第十二条规定的情形除外。" in art5.text and art5.location.page == 2
    assert next(b for b in doc.blocks if b.text.startswith("第八条")).location.page == 3
    heads = [b.text for b in doc.blocks if b.kind == "heading"]
    assert heads == ["第一章 总 则", "第二章 采购程序", "第三章 附 则"]


def test_pdf_encrypted_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(SAMPLE_PDF))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "加密.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(InputFileError) as exc:
        load_file(path)
    assert exc.value.message == "文件“加密.pdf”已加密，无法读取，请先解除密码保护后再上传。"


def test_pdf_with_owner_password_only_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=PdfReader(SAMPLE_PDF))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    buf = io.BytesIO()
    writer.write(buf)
    doc = load_bytes(buf.getvalue(), "permissions.pdf")
    assert any(b.text.startswith("第八条") for b in doc.blocks)


def test_pdf_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "坏.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"garbage" * 50)
    with pytest.raises(InputFileError, match=r"坏\.pdf"):
        load_file(path)


def test_pdf_furniture_patterns() -> None:
    for line in ["— 1 —", "- 12 -", "第 1 页 共 9 页", "第3页", "共9页 第3页", "1/9", "Page 3 of 9", "一1一"]:
        assert pdf_cleanup.is_furniture(line), line
    for line in ["第一条 本法自公布之日起施行。", "2024", "（一）采购人"]:
        assert not pdf_cleanup.is_furniture(line), line


def test_pdf_undouble_faux_bold() -> None:
    assert pdf_cleanup.undouble("第一条第一条 为了规范")[0] == "第一条 为了规范"
    assert pdf_cleanup.undouble("中华人民共和国财政部令中华人民共和国财政部令")[0] == "中华人民共和国财政部令"
    assert pdf_cleanup.undouble("2020")[0] == "2020"
    assert pdf_cleanup.undouble("哈哈")[0] == "哈哈"


@pytest.mark.slow
def test_pdf_scanned_page_is_ocred() -> None:
    doc = load_file(SCANNED_PDF)
    assert doc.ocr_pages == [1]
    assert any("OCR" in w for w in doc.warnings)
    text = doc.text
    assert "第一条" in text and "第三条" in text
    assert "公平竞争" in text


# --------------------------------------------------------------------------- generic bad input


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "空.docx"
    path.write_bytes(b"")
    with pytest.raises(InputFileError) as exc:
        load_file(path)
    assert exc.value.message == "文件“空.docx”是空文件，没有可读取的内容。"


def test_whitespace_only_file(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="没有可识别的文字内容"):
        load_file(path)


def test_too_large_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "大.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 5000)

    def boom(self: Path) -> bytes:  # the file must not be read whole
        raise AssertionError("read_bytes called")

    monkeypatch.setattr(Path, "read_bytes", boom)
    with pytest.raises(FileTooLargeError) as exc:
        load_file(path, max_bytes=1000)
    assert "大.pdf" in exc.value.message and "超过上限" in exc.value.message
    assert exc.value.http_status == 413


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="不存在"):
        load_file(tmp_path / "nope.pdf")
    with pytest.raises(InputFileError, match="文件夹"):
        load_file(tmp_path)


def test_every_error_is_a_user_error_with_chinese_message(tmp_path: Path) -> None:
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04broken")
    with pytest.raises(UserError) as exc:
        load_file(path)
    assert "x.docx" in exc.value.message
    assert exc.value.detail and exc.value.detail != exc.value.message
