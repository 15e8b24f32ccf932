"""Which format a file really is, judged from its bytes (the extension is only a hint).

Returns "pdf" | "docx" | "html" | "md" | "txt"; other binaries (XLSX, PPTX, plain ZIP, legacy
.doc/.xls, images ...) are refused with a message naming what the file actually is.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from assistant.errors import InputFileError, UnsupportedFormatError
from assistant.uploads import SAVE_AS_DOCX

_RE_HTML = re.compile(rb"<\s*(!doctype\s+html|html|head|body|meta|title|div|p|table|h[1-6])[\s>/]", re.I)
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError)


def sniff_format(data: bytes, name: str) -> str:
    """Return "pdf" | "docx" | "html" | "md" | "txt" from the bytes; refuse other binaries."""
    head = data[:2048]
    ext = Path(name).suffix.lower().lstrip(".")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, name, ext)
    if head.startswith(_OLE2_MAGIC):
        _refuse_ole2(data, name)
    if looks_binary(head):
        raise UnsupportedFormatError(
            f"文件“{name}”不是支持的文档格式；请上传 DOCX、PDF、TXT、Markdown 或 HTML 文件。",
            f"binary content of unknown type: {name} head={head[:16]!r}",
        )
    return _sniff_text(head, ext)


def _sniff_zip(data: bytes, name: str, ext: str) -> str:
    """A ZIP is accepted only as a DOCX (it holds word/document.xml)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
    except _ZIP_ERRORS as exc:
        if ext == "docx":
            raise InputFileError(
                f"文件“{name}”已损坏或不完整（Word 文件结构无法解析），请重新导出或重新上传。",
                f"bad zip in {name}: {exc}",
            ) from exc
        raise UnsupportedFormatError(
            f"文件“{name}”是损坏的压缩包，无法读取。", f"bad zip in {name}: {exc}"
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    raise UnsupportedFormatError(
        f"文件“{name}”实际是{_zip_kind(names)}，不是 Word 文档；请上传 DOCX、PDF、TXT、Markdown 或 HTML 文件。",
        f"zip without word/document.xml: {name} ({sorted(names)[:5]})",
    )


def _zip_kind(names: set[str]) -> str:
    if any(n.startswith("xl/") for n in names):
        return "Excel 表格（XLSX）"
    if any(n.startswith("ppt/") for n in names):
        return "PowerPoint（PPTX）"
    return "ZIP 压缩包"


def _refuse_ole2(data: bytes, name: str) -> None:
    """An OLE2 compound file is a legacy .doc/.xls or a password-protected DOCX/XLSX: always refused."""
    if "EncryptedPackage".encode("utf-16-le") in data:  # a password-protected DOCX/XLSX
        raise InputFileError(
            f"文件“{name}”已设置打开密码（加密），无法读取，请在 Word 中取消密码保护后再上传。",
            f"encrypted OOXML (OLE2 EncryptedPackage): {name}",
        )
    raise UnsupportedFormatError(
        f"文件“{name}”是旧版 Office 或 WPS 格式（.doc/.wps/.xls），{SAVE_AS_DOCX} 后再试。",
        f"OLE2 compound file: {name}",
    )


def _sniff_text(head: bytes, ext: str) -> str:
    """HTML, Markdown or plain text, from the extension and the first bytes."""
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext in {"html", "htm", "xhtml"} or _starts_like_html(sample):
        return "html"
    if ext in {"md", "markdown"} or sample.startswith(b"---\n") or re.match(rb"#{1,6} ", sample):
        return "md"
    return "txt"


def _starts_like_html(sample: bytes) -> bool:
    return bool(
        _RE_HTML.search(sample[:1024].replace(b"\x00", b""))
        and (sample[:1].startswith(b"<") or sample[:2].replace(b"\x00", b"").startswith(b"<"))
    )


def looks_binary(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with BOM
    if not head:
        return False
    if head.count(b"\x00"):
        return utf16_without_bom(head) is None
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def utf16_without_bom(head: bytes) -> str | None:
    """"utf-16-le"/"utf-16-be" when NUL bytes sit on one parity and the text decodes cleanly."""
    even, odd = head[0::2].count(b"\x00"), head[1::2].count(b"\x00")
    if min(even, odd) > 0.02 * len(head):
        return None
    enc = "utf-16-le" if odd >= even else "utf-16-be"
    sample = head[: len(head) // 2 * 2]
    try:
        text = sample.decode(enc)
    except UnicodeDecodeError:
        try:  # the sample may end inside a surrogate pair
            text = sample[:-2].decode(enc)
        except UnicodeDecodeError:
            return None
    if not text:
        return None
    good = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    return enc if good >= 0.97 * len(text) else None
