"""Read user files (MD, TXT, DOCX, PDF, HTML) into `LoadedDocument` blocks: the entry point.

The real format is sniffed from the bytes (`sniff`; a renamed file is still read correctly, a ZIP
that is not a DOCX is refused); the extension is only a hint. Each format has its reader module
(`pdf_reader`, `docx_reader`, `html_reader`, `markdown_reader`, `text_reader`; text files are
decoded by `textdecode`). Every failure a user can cause raises an `InputFileError` subclass
whose message names the file in Chinese.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import statistics
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zlib import error as zlib_error

from assistant.config import LimitsSettings
from assistant.errors import FileTooLargeError, InputFileError, LimitExceededError, UnsupportedFormatError
from assistant.ingest.doctitle import stem_title
from assistant.ingest.guards import check_block_count, fmt_size
from assistant.ingest.html_reader import load_html
from assistant.ingest.markdown_reader import load_markdown
from assistant.ingest.sniff import sniff_format
from assistant.ingest.text_reader import load_txt
from assistant.ingest.textdecode import decode_text
from assistant.schema import Block, LoadedDocument, Location
from assistant.text_zh import CN_NUM_CHARS, compact_cjk, normalize

log = logging.getLogger(__name__)

#: Binary formats whose extension must match the bytes (a text file named .docx is the wrong file).
_BINARY_FORMATS = {"pdf", "docx"}
_FORMAT_ZH = {"pdf": "PDF", "docx": "Word（DOCX）", "html": "网页（HTML）", "md": "Markdown 文本", "txt": "纯文本"}


# Decompression-bomb limits for DOCX (ZIP) files, checked before anything is inflated.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_MIN_BYTES = 2 * 1024 * 1024  # tiny files may compress well; only judge ratio above this
MAX_TABLE_DEPTH = 3
OCR_MIN_CHARS = 20  # a PDF page with fewer non-space characters is treated as scanned

_NUM = rf"[{CN_NUM_CHARS}○\d]+"
RE_STRUCT_HEADING = re.compile(rf"^第\s*{_NUM}\s*(编|分编|章|节)(?:\s|$)")
RE_APPENDIX_START = re.compile(rf"^附(件|表|录)?\s*[{CN_NUM_CHARS}\d]*\s*(：|:|$)|^附\s*\d+")
_TERMINAL = "。；：！？;:!?"


def load_file(path: str | Path, max_bytes: int | None = None, limits: LimitsSettings | None = None) -> LoadedDocument:
    """Read one file; format sniffed from bytes; raises InputFileError subclasses.

    `limits` bounds the work (OCR pages, paragraphs, inflated bytes, seconds); defaults apply when None.
    """
    p = Path(path)
    name = p.name
    try:
        st = p.stat()
    except FileNotFoundError:
        raise InputFileError(f"文件“{name}”不存在，请检查路径。", f"file not found: {p}") from None
    except OSError as exc:
        raise InputFileError(f"无法读取文件“{name}”：{exc.strerror or exc}。", f"stat failed: {p}: {exc}") from exc
    if p.is_dir():
        raise InputFileError(f"“{name}”是一个文件夹，请选择具体文件。", f"is a directory: {p}")
    if max_bytes is not None and st.st_size > max_bytes:
        raise FileTooLargeError(
            f"文件“{name}”大小为 {fmt_size(st.st_size)}，超过上限 {fmt_size(max_bytes)}，请拆分或压缩后再上传。",
            f"file too large: {p} has {st.st_size} bytes > max_bytes={max_bytes}",
        )
    if st.st_size == 0:
        raise InputFileError(f"文件“{name}”是空文件，没有可读取的内容。", f"empty file: {p}")
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputFileError(f"无法读取文件“{name}”：{exc.strerror or exc}。", f"read failed: {p}: {exc}") from exc
    return load_bytes(data, name, path=str(p), limits=limits)


def load_bytes(data: bytes, name: str, path: str | None = None, limits: LimitsSettings | None = None) -> LoadedDocument:
    """Read a file already in memory (uploads); `name` is used for the hint and messages."""
    if not data:
        raise InputFileError(f"文件“{name}”是空文件，没有可读取的内容。", f"empty file: {name}")
    limits = limits or LimitsSettings()
    started = time.perf_counter()
    fmt = sniff_format(data, name)
    ext = Path(name).suffix.lower().lstrip(".")
    if _extension_mismatch(ext, fmt):
        raise UnsupportedFormatError(
            f"文件“{name}”的扩展名是 .{ext}，但内容实际是{_FORMAT_ZH.get(fmt, fmt)}，与扩展名不符，已拒绝读取。"
            f"请确认选择了正确的文件；如内容无误，请把扩展名改为实际格式后再上传。",
            f"extension mismatch: {name} has extension .{ext} but its bytes are {fmt}",
        )
    doc = _read(fmt, data, name, limits)
    check_block_count(len(doc.blocks), name, limits)
    doc.path = path or name
    doc.sha256 = hashlib.sha256(data).hexdigest()
    if not any(b.text.strip() for b in doc.blocks):
        raise InputFileError(
            f"文件“{name}”中没有可识别的文字内容（可能是空白文档或无法识别的扫描件）。",
            f"no text extracted from {name} (format {fmt})",
        )
    log.info(
        "loaded %s as %s: %d blocks, %d chars, %d OCR pages in %.2f s",
        name, fmt, len(doc.blocks), sum(len(b.text) for b in doc.blocks), len(doc.ocr_pages),
        time.perf_counter() - started,
    )
    return doc


def _read(fmt: str, data: bytes, name: str, limits: LimitsSettings) -> LoadedDocument:
    """Hand the bytes to the reader of the sniffed format (text formats decoded first)."""
    if fmt == "pdf":
        return _load_pdf(data, name, limits)
    if fmt == "docx":
        return _load_docx(data, name, limits)
    text = decode_text(data, name)
    if fmt == "html":
        return load_html(text, name)
    if fmt == "md":
        return load_markdown(text, name)
    return load_txt(text, name)


def _extension_mismatch(ext: str, fmt: str) -> bool:
    """True when a .pdf/.docx is not that format, or a text extension holds a PDF/DOCX."""
    if ext in _BINARY_FORMATS:
        return fmt != ext
    return ext in {"txt", "md", "markdown", "html", "htm"} and fmt in _BINARY_FORMATS


# --------------------------------------------------------------------------- DOCX

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{_W_NS}}}"
_RE_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)


def _check_zip_bomb(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError) as exc:
        raise InputFileError(
            f"文件“{name}”已损坏或不完整（Word 文件结构无法解析），请重新导出或重新上传。",
            f"bad zip: {name}: {exc}",
        ) from exc
    total = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    worst = max(
        (i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > _RATIO_MIN_BYTES), default=0.0
    )
    if total > MAX_UNCOMPRESSED_BYTES or worst > MAX_COMPRESSION_RATIO or (
        total > _RATIO_MIN_BYTES and total / compressed > MAX_COMPRESSION_RATIO
    ):
        raise InputFileError(
            f"文件“{name}”解压后体积异常（约 {fmt_size(total)}，压缩比 {total / compressed:.0f}:1），"
            "疑似压缩炸弹，已拒绝读取。",
            f"zip bomb guard: {name}: uncompressed={total} compressed={compressed} worst_member_ratio={worst:.0f}",
        )


_INFLATE_CHUNK = 64 * 1024


def _check_inflated_size(data: bytes, name: str, limits: LimitsSettings) -> int:
    """Inflate every member in small steps, counting the bytes it really yields.

    Why: the sizes in the ZIP directory are written by whoever made the file. `zipfile.read()`
    asks zlib for up to 2 GB at once, so a member that declares 10 KB but inflates to gigabytes
    takes the process there before the CRC check refuses it. Reading in 64 KB steps keeps memory
    flat; a member that yields more or other bytes than it declares fails the size/CRC check.
    """
    limit = limits.max_decompressed_bytes
    total = 0
    paragraphs = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise InputFileError(
                        f"文件“{name}”使用了 Word 不会产生的压缩方式，疑似伪造的文件，已拒绝读取。",
                        f"zip member {info.filename!r} in {name} uses compress_type={info.compress_type}",
                    )
                count_paragraphs = info.filename == "word/document.xml"
                tail = b""
                with zf.open(info) as fh:
                    while chunk := fh.read(_INFLATE_CHUNK):
                        total += len(chunk)
                        if count_paragraphs:  # paragraphs seen in passing: a 50,000-paragraph file stops here
                            window = tail + chunk  # matches wholly inside `tail` were counted last time
                            paragraphs += (window.count(b"<w:p>") + window.count(b"<w:p ")
                                           - tail.count(b"<w:p>") - tail.count(b"<w:p "))
                            tail = chunk[-5:]
                            if paragraphs > 2 * limits.max_blocks:
                                check_block_count(paragraphs, name, limits)
                        if total > limit:
                            raise LimitExceededError(
                                f"文件“{name}”解压后超过 {limits.max_decompressed_mb} MB，疑似压缩炸弹，已停止读取"
                                f"（解压体积{limits.hint('max_decompressed_mb')}）。",
                                f"inflated more than {limit} bytes from {name} (member {info.filename!r})",
                            )
    except InputFileError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError, zlib_error) as exc:
        raise InputFileError(
            f"文件“{name}”中的压缩数据与其声明的大小或校验值不符（已损坏或被篡改），已拒绝读取。",
            f"zip member check failed for {name}: {type(exc).__name__}: {exc}",
        ) from exc
    return total


def _load_docx(data: bytes, name: str, limits: LimitsSettings | None = None) -> LoadedDocument:  # noqa: C901 - loaders split deferred
    limits = limits or LimitsSettings()
    _check_zip_bomb(data, name)
    _check_inflated_size(data, name, limits)
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, KeyError, XMLSyntaxError, ValueError ...
        raise InputFileError(
            f"文件“{name}”已损坏或不完整（Word 文件结构无法解析），请重新导出或重新上传。",
            f"python-docx failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc
    from docx.text.paragraph import Paragraph

    style_levels = _docx_style_outline_levels(document)
    style_names, default_style = _docx_style_names(document)
    blocks: list[Block] = []
    counters = {"p": 0, "tbl": 0}
    title = ""

    def walk(parent_el: Any) -> Iterator[Any]:
        for child in parent_el.iterchildren():
            tag = child.tag
            if tag == f"{_W}sdt":  # content controls (often the TOC) wrap real paragraphs
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from walk(content)
            elif tag in (f"{_W}p", f"{_W}tbl"):
                yield child

    try:
        for el in walk(document.element.body):
            if len(blocks) >= limits.max_blocks:
                check_block_count(len(blocks) + 1, name, limits)
            if el.tag == f"{_W}p":
                p_idx = counters["p"]
                counters["p"] += 1
                text = normalize(Paragraph(el, document).text)
                if not text:
                    continue
                style_el = el.find(f"{_W}pPr/{_W}pStyle")
                sid = style_el.get(f"{_W}val") if style_el is not None else None
                style_name = style_names.get(sid, sid or "") if sid else default_style
                level = _docx_heading_level(el, style_name, style_levels)
                loc = Location(paragraph=p_idx)
                if style_name.lower() == "title" or style_name == "标题":
                    blocks.append(Block(text=text, kind="heading", level=1, location=loc))
                    title = title or text
                elif level is not None:
                    blocks.append(Block(text=text, kind="heading", level=level, location=loc))
                    if level == 1 and not title:
                        title = text
                elif el.find(f"{_W}pPr/{_W}numPr") is not None or "list" in style_name.lower():
                    blocks.append(Block(text=text, kind="list_item", location=loc))
                else:
                    blocks.append(Block(text=text, kind="paragraph", location=loc))
            else:
                t_idx = counters["tbl"]
                counters["tbl"] += 1
                for r_idx, cells in enumerate(_docx_table_rows(el, document, 0)):
                    if not any(cells):
                        continue
                    if len(blocks) >= limits.max_blocks:
                        check_block_count(len(blocks) + 1, name, limits)
                    blocks.append(Block(
                        text=" | ".join(c for c in cells if c), kind="table_row", cells=cells,
                        location=Location(table=t_idx, row=r_idx),
                    ))
    except InputFileError:
        raise
    except Exception as exc:
        raise InputFileError(
            f"文件“{name}”内容结构异常，无法完整读取，请在 Word 中另存后再上传。",
            f"docx walk failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc
    core_title = ""
    with contextlib.suppress(Exception):
        core_title = normalize(document.core_properties.title or "")
    title = title or _docx_first_title_line(blocks) or core_title or stem_title(name)
    return LoadedDocument(path=name, format="docx", title=stem_title(name) if _is_generic(title) else title,
                          blocks=blocks)


def _is_generic(title: str) -> bool:
    return len(title) > 60 or title in {"目录", "目 录"}


def _docx_first_title_line(blocks: list[Block]) -> str:
    """Laws typed as plain paragraphs: the first short line naming a law/regulation is the title."""
    for b in blocks[:5]:
        t = compact_cjk(b.text)
        if b.kind == "paragraph" and len(t) <= 40 and re.search(r"(法|条例|办法|规定|规则|细则|决定|解释|方案|通知|意见)$", t):
            return t
    return ""


def _docx_style_names(document: Any) -> tuple[dict[str, str], str]:
    """Style id -> name, and the default paragraph style name, read once.

    python-docx's `Paragraph.style` re-scans styles.xml per paragraph (12 s on a real
    1,000-paragraph tender); this map makes the walk linear.
    """
    names: dict[str, str] = {}
    default = ""
    try:
        for style in document.styles.element.iterchildren(f"{_W}style"):
            sid = style.get(f"{_W}styleId")
            name_el = style.find(f"{_W}name")
            name = name_el.get(f"{_W}val") if name_el is not None else sid
            if sid:
                names[sid] = _BUILTIN_STYLE_NAMES.get(name.lower(), name) if name else sid
                if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true"):
                    default = names[sid]
    except Exception:  # a missing styles part only costs us heading detection
        pass
    return names, default


# styles.xml stores built-in names in lower case ("heading 1"); python-docx shows "Heading 1"
_BUILTIN_STYLE_NAMES = {"heading 1": "Heading 1", "heading 2": "Heading 2", "heading 3": "Heading 3",
                        "heading 4": "Heading 4", "heading 5": "Heading 5", "heading 6": "Heading 6",
                        "title": "Title", "list paragraph": "List Paragraph"}


def _docx_style_outline_levels(document: Any) -> dict[str, int]:
    """Style id -> outline level (1-based) for styles that define w:outlineLvl."""
    levels: dict[str, int] = {}
    try:
        for style in document.styles.element.iterchildren(f"{_W}style"):
            lvl = style.find(f"{_W}pPr/{_W}outlineLvl")
            sid = style.get(f"{_W}styleId")
            if lvl is not None and sid:
                val = int(lvl.get(f"{_W}val", "9"))
                if val < 9:
                    levels[sid] = val + 1
    except Exception:  # styles part missing or odd: outline levels are a bonus
        pass
    return levels


def _docx_heading_level(p_el: Any, style_name: str, style_levels: dict[str, int]) -> int | None:
    m = _RE_HEADING_STYLE.match(style_name.strip())
    if m:
        return max(1, int(m.group(1)))
    lvl = p_el.find(f"{_W}pPr/{_W}outlineLvl")
    if lvl is not None:
        try:
            val = int(lvl.get(f"{_W}val", "9"))
        except ValueError:
            val = 9
        if val < 9:
            return val + 1
    style_el = p_el.find(f"{_W}pPr/{_W}pStyle")
    if style_el is not None:
        sid = style_el.get(f"{_W}val")
        if sid in style_levels:
            return style_levels[sid]
    return None


def _docx_cell_text(tc: Any, document: Any, depth: int) -> str:  # noqa: C901 - loaders split deferred (other helpers edit loaders)
    from docx.text.paragraph import Paragraph

    parts: list[str] = []
    for child in tc.iterchildren():
        if child.tag == f"{_W}p":
            t = normalize(Paragraph(child, document).text)
            if t:
                parts.append(t)
        elif child.tag == f"{_W}tbl":
            if depth + 1 >= MAX_TABLE_DEPTH:
                t = normalize("".join(child.itertext()))
                if t:
                    parts.append(t)
                continue
            for cells in _docx_table_rows(child, document, depth + 1):
                row = " | ".join(c for c in cells if c)
                if row:
                    parts.append(row)
        elif child.tag == f"{_W}sdt":
            t = normalize("".join(child.itertext()))
            if t:
                parts.append(t)
    return "\n".join(parts)


def _docx_table_rows(tbl: Any, document: Any, depth: int) -> Iterator[list[str]]:
    """Rows as cell texts; a horizontally merged cell appears once, vertical continuations empty."""
    for tr in tbl.iterchildren(f"{_W}tr"):
        cells: list[str] = []
        for tc in tr.iterchildren(f"{_W}tc"):
            vmerge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if vmerge is not None and vmerge.get(f"{_W}val") in (None, "continue"):
                cells.append("")
                continue
            cells.append(_docx_cell_text(tc, document, depth))
        # content controls wrapping cells
        for sdt in tr.iterchildren(f"{_W}sdt"):
            content = sdt.find(f"{_W}sdtContent")
            if content is not None:
                for tc in content.iterchildren(f"{_W}tc"):
                    cells.append(_docx_cell_text(tc, document, depth))
        yield cells


# --------------------------------------------------------------------------- PDF

_RE_FURNITURE = [
    re.compile(r"^[—–\-－~～_一]+\s*\d{1,4}\s*[—–\-－~～_一]+$"),  # — 1 —, - 1 -, OCR's 一1一
    re.compile(r"^第\s*\d{1,4}\s*页\s*[,，/、]?\s*(共\s*\d{1,4}\s*页)?$"),  # 第 1 页 共 9 页
    re.compile(r"^(共\s*\d{1,4}\s*页\s*)?第\s*\d{1,4}\s*页$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 1/9
    re.compile(r"^(page|p\.)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?$", re.I),
]
_RE_BARE_NUMBER = re.compile(r"^[\[(（]?\d{1,4}[\])）]?$")


def _is_furniture(line: str) -> bool:
    s = line.strip()
    return any(rx.match(s) for rx in _RE_FURNITURE)


def _undouble(line: str) -> tuple[str, bool]:
    """Undo text drawn twice for faux-bold (87号令: "第一条第一条", "…财政部令…财政部令")."""
    s = line.strip()
    m = re.match(rf"^(第\s*{_NUM}\s*(?:条|章|节|编))\s*\1", s)
    if m:
        return m.group(1) + s[m.end():], True
    compact = s.replace(" ", "")
    half = len(compact) // 2
    if half >= 4 and len(compact) % 2 == 0 and compact[:half] == compact[half:] and re.search(r"[\u4e00-\u9fff]", compact):
        return compact[:half], True
    return line, False


def _load_pdf(data: bytes, name: str, limits: LimitsSettings | None = None) -> LoadedDocument:  # noqa: C901 - loaders split deferred
    limits = limits or LimitsSettings()
    started = time.perf_counter()
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok: int = reader.decrypt("")
            except Exception as exc:  # missing crypto backend or odd handler
                log.warning("decrypt('') failed on %s: %s", name, exc)
                ok = 0
            if not ok:
                raise InputFileError(
                    f"文件“{name}”已加密，无法读取，请先解除密码保护后再上传。",
                    f"encrypted PDF (empty user password rejected): {name}",
                )
        n_pages = len(reader.pages)
    except InputFileError:
        raise
    except FileNotDecryptedError as exc:
        raise InputFileError(
            f"文件“{name}”已加密，无法读取，请先解除密码保护后再上传。", f"encrypted PDF: {name}: {exc}"
        ) from exc
    except Exception as exc:
        raise InputFileError(
            f"文件“{name}”已损坏或不是有效的 PDF，无法读取，请重新导出后再上传。",
            f"pypdf failed on {name}: {type(exc).__name__}: {exc}",
        ) from exc
    if n_pages == 0:
        raise InputFileError(f"文件“{name}”是没有页面的 PDF。", f"PDF with 0 pages: {name}")

    warnings: list[str] = []
    page_texts: list[str] = []
    for i in range(n_pages):
        try:
            raw = reader.pages[i].extract_text() or ""
        except Exception as exc:  # one bad page must not lose the document
            log.warning("text extraction failed on %s page %d: %s", name, i + 1, exc)
            raw = ""
        page_texts.append(normalize(raw))

    ocr_pages: list[int] = []
    ocr_confidence: dict[int, float | None] = {}
    empty = [i + 1 for i, t in enumerate(page_texts) if len(re.sub(r"\s", "", t)) < OCR_MIN_CHARS]
    if empty:
        ocr_pages, ocr_warnings = _ocr_empty_pages(data, name, page_texts, empty, limits, started, ocr_confidence)
        warnings.extend(ocr_warnings)

    pages_lines = _clean_pdf_pages(page_texts)
    blocks = _pdf_paragraphs(pages_lines)
    title = stem_title(name)
    return LoadedDocument(path=name, format="pdf", title=title, blocks=blocks, ocr_pages=ocr_pages,
                          ocr_confidence=ocr_confidence, warnings=warnings)


def _nonspace(text: str) -> int:
    return len(re.sub(r"\s", "", text))


def _ocr_empty_pages(  # noqa: C901 - loaders split deferred
    data: bytes, name: str, page_texts: list[str], empty: list[int], limits: LimitsSettings, started: float,
    confidence: dict[int, float | None],
) -> tuple[list[int], list[str]]:
    """OCR pages without a text layer, within the budget; updates `page_texts` and `confidence` in place.

    Budget: at most `limits.max_ocr_pages` pages; if the first `ocr_probe_pages` scanned pages
    yield no text at all (a blank or photographed-noise file) the rest are not tried; and OCR
    stops when the document has used `limits.job_seconds`.
    """
    from assistant.ingest.ocr import OcrUnavailableError, ocr_pages

    warnings: list[str] = []
    read: list[int] = []
    todo = empty[: limits.max_ocr_pages]
    if len(empty) > len(todo):
        warnings.append(
            f"文件“{name}”有 {len(empty)} 页为扫描图像，只识别了前 {len(todo)} 页（OCR 页数"
            f"{limits.hint('max_ocr_pages')}），其余页未读取。"
        )
    done: list[int] = []
    stop_reason = ""
    try:
        step = limits.ocr_probe_pages
        blank = _blank_pages(data, todo)
        while len(done) < len(todo):
            batch = todo[len(done): len(done) + step]
            inked = [p for p in batch if p not in blank]
            found = ocr_pages(data, inked, name=name) if inked else {}
            done.extend(batch)
            for page_no, page in found.items():
                text = normalize(page.text)
                if _nonspace(text) > _nonspace(page_texts[page_no - 1]):
                    page_texts[page_no - 1] = text
                    read.append(page_no)
                    confidence[page_no] = page.confidence
            remaining = len(todo) - len(done)
            if remaining and len(done) <= limits.ocr_probe_pages and not any(
                    _nonspace(found[p].text) for p in batch if p in found):
                stop_reason = (f"前 {len(done)} 页扫描页未识别出任何文字，其余 {len(empty) - len(done)} 页不再识别"
                               f"（试识别页数{limits.hint('ocr_probe_pages')}）")
                break
            if remaining and time.perf_counter() - started > limits.job_seconds:
                stop_reason = (f"识别用时超过 {limits.job_seconds:.0f} 秒，其余 {remaining} 页未识别"
                               f"（单个任务用时{limits.hint('job_seconds')}）")
                break
        if read:
            warnings.append(f"文件“{name}”第 {_fmt_pages(read)} 页为扫描图像，已用文字识别（OCR）读取，请核对原文。")
        if stop_reason:
            log.warning("OCR stopped early for %s after %d of %d pages", name, len(done), len(todo))
            if not any(_nonspace(t) for t in page_texts):
                raise LimitExceededError(
                    f"文件“{name}”共 {len(page_texts)} 页，没有文字层，{stop_reason}，未能读取到文字内容。"
                    "请确认文件不是空白页或无法识别的扫描件。",
                    f"OCR stopped early for {name}: {len(done)}/{len(todo)} pages, no text",
                )
            warnings.append(f"文件“{name}”：{stop_reason}。")
    except OcrUnavailableError as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层（扫描件），文字识别组件不可用，这些页未能读取。")
        log.warning("OCR unavailable for %s: %s", name, exc)
    except InputFileError:
        raise
    except Exception as exc:
        warnings.append(f"文件“{name}”有 {len(empty)} 页没有文字层，文字识别失败，这些页未能读取。")
        log.warning("OCR failed for %s pages %s: %s", name, empty, exc)
    return sorted(read), warnings



def _blank_pages(data: bytes, pages: list[int]) -> set[int]:
    """Pages with no ink at all, found from a 36-dpi rendering (milliseconds, a few MB).

    Why: OCR of one blank A4 page takes seconds and hundreds of MB (the detector still runs on
    the full image); a blank page cannot hold text, so it is never sent to OCR.
    """
    try:
        import numpy as np
        import pypdfium2 as pdfium

        from assistant.ingest.ocr import is_blank
    except ImportError:
        return set()
    blank: set[int] = set()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        log.warning("pdfium cannot open PDF for the blank-page check: %s", exc)
        return blank
    try:
        for page_no in pages:
            page = pdf[page_no - 1]
            try:
                gray = np.asarray(page.render(scale=0.5, grayscale=True).to_pil().convert("L"))
            finally:
                page.close()
            if is_blank(gray):
                blank.add(page_no)
    except pdfium.PdfiumError as exc:
        log.warning("blank-page check failed: %s", exc)
    finally:
        pdf.close()
    return blank


def _fmt_pages(pages: list[int]) -> str:
    return "、".join(str(p) for p in pages[:10]) + ("等" if len(pages) > 10 else "")


def _clean_pdf_pages(page_texts: list[str]) -> list[list[str]]:  # noqa: C901 - loaders split deferred (other helpers edit loaders)
    """Drop page furniture (page numbers, repeated headers/footers) and faux-bold doubling."""
    pages = [[ln.strip() for ln in t.split("\n") if ln.strip()] for t in page_texts]
    n = len(pages)
    # header/footer lines: among the first/last 2 lines, the same text (digits masked) on most pages
    edge_counter: Counter[str] = Counter()
    for lines in pages:
        keys = {re.sub(r"\d+", "#", ln) for ln in lines[:2] + lines[-2:]}
        edge_counter.update(keys)
    repeated = {k for k, c in edge_counter.items() if n >= 3 and c >= max(3, 0.6 * n) and len(k) < 60}
    doubled_doc = False
    out: list[list[str]] = []
    for lines in pages:
        kept: list[str] = []
        for j, ln in enumerate(lines):
            at_edge = j < 2 or j >= len(lines) - 2
            if _is_furniture(ln):
                continue
            if at_edge and _RE_BARE_NUMBER.match(ln):
                continue
            if at_edge and re.sub(r"\d+", "#", ln) in repeated:
                continue
            ln2, doubled = _undouble(ln)
            doubled_doc = doubled_doc or doubled
            kept.append(ln2)
        out.append(kept)
    if doubled_doc:  # "第 8787 号" is "第 87 号" drawn twice
        for lines in out:
            for j, ln in enumerate(lines):
                m = re.match(r"^第\s*(\d+)\s*号$", ln)
                if m and len(m.group(1)) % 2 == 0:
                    d = m.group(1)
                    if d[: len(d) // 2] == d[len(d) // 2:]:
                        lines[j] = f"第{d[: len(d) // 2]}号"
    return out


def _pdf_paragraphs(pages: list[list[str]]) -> list[Block]:
    """Join lines broken by the layout back into paragraphs.

    Chinese text has no spaces, so a line continues the previous one unless the previous line
    ends a sentence (。；：！？), is visibly short (not filled to the margin), or the new line
    starts an article / heading / enumeration item.
    """
    lengths = [len(ln) for lines in pages for ln in lines if len(ln) > 5]
    full = statistics.quantiles(lengths, n=10)[7] if len(lengths) >= 10 else (max(lengths) if lengths else 30)
    blocks: list[Block] = []
    cur: list[str] = []
    cur_page = 1
    prev = ""

    def flush() -> None:
        nonlocal cur
        if cur:
            text = normalize(_join_cjk(cur))  # again: brackets split across lines pair up now
            kind = "heading" if RE_STRUCT_HEADING.match(text) and len(text) <= 40 else "paragraph"
            level = None
            if kind == "heading":
                level = 1 if re.match(rf"^第\s*{_NUM}\s*编", text) else 3 if re.search(r"^第\S*节", text) else 2
            blocks.append(Block(text=text, kind=kind, level=level,
                                location=Location(page=cur_page, paragraph=len(blocks))))
        cur = []

    for page_no, lines in enumerate(pages, start=1):
        for ln in lines:
            # An article/heading line after a *full* line without final punctuation is a
            # cross-reference wrapped to the line start ("依照本法\n第十二条规定"), not a start.
            starts = bool(RE_STRUCT_HEADING.match(ln) and len(ln) <= 40) or bool(RE_APPENDIX_START.match(ln))
            prev_short = len(prev) < 0.8 * full
            prev_terminal = prev.endswith(tuple(_TERMINAL)) or prev.endswith(("。”", "。）", "；”"))
            prev_heading = bool(RE_STRUCT_HEADING.match(prev)) and len(prev) <= 40
            if not cur or starts or prev_terminal or prev_short or prev_heading:
                flush()
                cur_page = page_no
            cur.append(ln)
            prev = ln
    flush()
    return blocks


def _join_cjk(lines: list[str]) -> str:
    out = lines[0]
    for ln in lines[1:]:
        if out and out[-1].isascii() and out[-1].isalnum() and ln[:1].isascii() and ln[:1].isalnum():
            out += " " + ln
        else:
            out += ln
    return out
