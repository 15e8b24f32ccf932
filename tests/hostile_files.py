"""Generators of hostile inputs (issue #18), shared by tests/test_robust_limits.py and bench/reliability_bench.py.

Each writes a real file a user could upload: a long blank scan, a giant DOCX, a ZIP bomb whose
directory lies about its sizes. They are built from raw bytes so that making them is fast.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
_DOC_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
)
_DOC_TAIL = "</w:body></w:document>"


def blank_pdf(path: Path, pages: int = 500) -> Path:
    """A PDF of `pages` empty A4 pages (no text layer: every page looks like a scan to the loader)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


def giant_docx(path: Path, paragraphs: int = 50_000) -> Path:
    """A valid DOCX with `paragraphs` tender-like paragraphs (each one would trigger review rules)."""
    para = ("<w:p><w:r><w:t>第{n}条 投标人须具有本市注册的分支机构，投标保证金为投标总价的百分之五，"
            "以现金方式缴纳。</w:t></w:r></w:p>")
    body = "".join(para.format(n=i + 1) for i in range(paragraphs))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("word/document.xml", _DOC_HEAD + body + _DOC_TAIL)
    return path


def lying_zip_bomb(path: Path, inflated_mb: int = 1024, declared: int = 10 * 1024) -> Path:
    """A DOCX-shaped ZIP whose word/document.xml inflates to `inflated_mb` MB but declares `declared` bytes.

    The sizes in both the local header and the central directory are patched after writing, so
    any reader that trusts the directory (or asks zlib for "everything") is fooled.
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\x20" * (1024 * 1024)
    parts = [comp.compress(_DOC_HEAD.encode())]
    parts.extend(comp.compress(block) for _ in range(inflated_mb))
    parts.append(comp.compress(_DOC_TAIL.encode()))
    parts.append(comp.flush())
    payload = b"".join(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CONTENT_TYPES)
        zf.writestr("_rels/.rels", _RELS)
        # placeholder member with the right compressed length; bytes replaced below
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_STORED
        zf.writestr(info, b"\0" * len(payload))
    data = bytearray(buf.getvalue())
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04" + b"\x00" * 0, 0)
    # locate this member's local header: the last local header in the file
    local = data.rfind(b"PK\x03\x04", 0, data.find(b"PK\x01\x02"))
    assert data[local + 30: local + 30 + len(name)] == name
    start = local + 30 + len(name) + struct.unpack_from("<H", data, local + 28)[0]
    data[start: start + len(payload)] = payload
    struct.pack_into("<H", data, local + 8, zipfile.ZIP_DEFLATED)
    struct.pack_into("<I", data, local + 22, declared)
    central = data.rfind(b"PK\x01\x02")
    assert data[central + 46: central + 46 + len(name)] == name
    struct.pack_into("<H", data, central + 10, zipfile.ZIP_DEFLATED)
    struct.pack_into("<I", data, central + 24, declared)
    path.write_bytes(bytes(data))
    return path
