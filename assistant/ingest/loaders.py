"""Read user files (MD, TXT, DOCX, PDF, HTML) into `LoadedDocument` blocks: the entry point.

The real format is sniffed from the bytes (`sniff`; a renamed file is still read correctly, a ZIP
that is not a DOCX is refused); the extension is only a hint. Each format has its reader module
(`pdf_reader`, `docx_reader`, `html_reader`, `markdown_reader`, `text_reader`; text files are
decoded by `textdecode`). Every failure a user can cause raises an `InputFileError` subclass
whose message names the file in Chinese.
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from assistant.config import LimitsSettings
from assistant.errors import FileTooLargeError, InputFileError, UnsupportedFormatError
from assistant.format_zh import fmt_bytes
from assistant.ingest.docx_reader import load_docx
from assistant.ingest.guards import check_block_count
from assistant.ingest.html_reader import load_html
from assistant.ingest.markdown_reader import load_markdown
from assistant.ingest.pdf_reader import load_pdf
from assistant.ingest.sniff import sniff_format
from assistant.ingest.text_reader import load_txt
from assistant.ingest.textdecode import decode_text, is_known_text
from assistant.schema import LoadedDocument

log = logging.getLogger(__name__)

#: Binary formats whose extension must match the bytes (a text file named .docx is the wrong file).
_BINARY_FORMATS = {"pdf", "docx"}
_FORMAT_ZH = {"pdf": "PDF", "docx": "Word（DOCX）", "html": "网页（HTML）", "md": "Markdown 文本", "txt": "纯文本"}


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
            f"文件“{name}”大小为 {fmt_bytes(st.st_size)}，超过上限 {fmt_bytes(max_bytes)}，请拆分或压缩后再上传。",
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
        raise _mismatch_error(data, name, ext, fmt)
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
        return load_pdf(data, name, limits)
    if fmt == "docx":
        return load_docx(data, name, limits)
    text = decode_text(data, name)
    if fmt == "html":
        return load_html(text, name)
    if fmt == "md":
        return load_markdown(text, name)
    return load_txt(text, name)


def _mismatch_error(data: bytes, name: str, ext: str, fmt: str) -> UnsupportedFormatError:
    """The refusal of a file whose bytes are not what its extension says, naming what they are.

    Bytes that passed as text by their control characters but decode in no text encoding (random
    or damaged data named .pdf) are called unreadable binary data, not 「纯文本」.
    """
    if fmt in _BINARY_FORMATS or is_known_text(data):
        return UnsupportedFormatError(
            f"文件“{name}”的扩展名是 .{ext}，但内容实际是{_FORMAT_ZH.get(fmt, fmt)}，与扩展名不符，已拒绝读取。"
            f"请确认选择了正确的文件；如内容无误，请把扩展名改为实际格式后再上传。",
            f"extension mismatch: {name} has extension .{ext} but its bytes are {fmt}",
        )
    return UnsupportedFormatError(
        f"文件“{name}”不是有效的{_FORMAT_ZH.get(ext, ext)}文件，内容是无法识别的二进制数据（可能已损坏），已拒绝读取。"
        f"请确认选择了正确的文件。",
        f"extension mismatch: {name} has extension .{ext} but its bytes decode as no known text encoding",
    )


def _extension_mismatch(ext: str, fmt: str) -> bool:
    """True when a .pdf/.docx is not that format, or a text extension holds a PDF/DOCX."""
    if ext in _BINARY_FORMATS:
        return fmt != ext
    return ext in {"txt", "md", "markdown", "html", "htm"} and fmt in _BINARY_FORMATS
