"""Decompression-bomb guards for a DOCX (a ZIP), run before python-docx inflates anything.

Two checks: the sizes the ZIP directory declares (`check_zip_bomb`), then the bytes each member
really yields when inflated in small steps (`check_inflated_size`), because the declared sizes
are written by whoever made the file.
"""

from __future__ import annotations

import io
import zipfile
from typing import IO
from zlib import error as zlib_error

from assistant.config import LimitsSettings
from assistant.errors import InputFileError, LimitExceededError
from assistant.format_zh import fmt_bytes
from assistant.ingest.guards import check_block_count

# Decompression-bomb limits for DOCX (ZIP) files, checked before anything is inflated.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_MIN_BYTES = 2 * 1024 * 1024  # tiny files may compress well; only judge ratio above this
_INFLATE_CHUNK = 64 * 1024
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, RuntimeError)


def check_zip_bomb(data: bytes, name: str) -> None:
    """Refuse a ZIP whose declared total size or compression ratio is implausible for a Word file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except _ZIP_ERRORS as exc:
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
            f"文件“{name}”解压后体积异常（约 {fmt_bytes(total)}，压缩比 {total / compressed:.0f}:1），"
            "疑似压缩炸弹，已拒绝读取。",
            f"zip bomb guard: {name}: uncompressed={total} compressed={compressed} worst_member_ratio={worst:.0f}",
        )


def check_inflated_size(data: bytes, name: str, limits: LimitsSettings) -> int:
    """Inflate every member in small steps, counting the bytes it really yields.

    Why: the sizes in the ZIP directory are written by whoever made the file. `zipfile.read()`
    asks zlib for up to 2 GB at once, so a member that declares 10 KB but inflates to gigabytes
    takes the process there before the CRC check refuses it. Reading in 64 KB steps keeps memory
    flat; a member that yields more or other bytes than it declares fails the size/CRC check.
    """
    counter = _InflateCounter(name, limits)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for info in zf.infolist():
                _check_compress_type(info, name)
                with zf.open(info) as fh:
                    counter.read_member(info, fh)
    except InputFileError:
        raise
    except (*_ZIP_ERRORS, zlib_error) as exc:
        raise InputFileError(
            f"文件“{name}”中的压缩数据与其声明的大小或校验值不符（已损坏或被篡改），已拒绝读取。",
            f"zip member check failed for {name}: {type(exc).__name__}: {exc}",
        ) from exc
    return counter.total


def _check_compress_type(info: zipfile.ZipInfo, name: str) -> None:
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise InputFileError(
            f"文件“{name}”使用了 Word 不会产生的压缩方式，疑似伪造的文件，已拒绝读取。",
            f"zip member {info.filename!r} in {name} uses compress_type={info.compress_type}",
        )


class _InflateCounter:
    """Bytes inflated so far (all members) and paragraphs seen in word/document.xml."""

    def __init__(self, name: str, limits: LimitsSettings) -> None:
        self.name = name
        self.limits = limits
        self.total = 0
        self.paragraphs = 0

    def read_member(self, info: zipfile.ZipInfo, fh: IO[bytes]) -> None:
        count_paragraphs = info.filename == "word/document.xml"
        tail = b""
        while chunk := fh.read(_INFLATE_CHUNK):
            self.total += len(chunk)
            if count_paragraphs:  # paragraphs seen in passing: a 50,000-paragraph file stops here
                self._count_paragraphs(tail, chunk)
                tail = chunk[-5:]
            if self.total > self.limits.max_decompressed_bytes:
                raise LimitExceededError(
                    f"文件“{self.name}”解压后超过 {self.limits.max_decompressed_mb} MB，疑似压缩炸弹，已停止读取"
                    f"（解压体积{self.limits.hint('max_decompressed_mb')}）。",
                    f"inflated more than {self.limits.max_decompressed_bytes} bytes from {self.name} "
                    f"(member {info.filename!r})",
                )

    def _count_paragraphs(self, tail: bytes, chunk: bytes) -> None:
        window = tail + chunk  # matches wholly inside `tail` were counted last time
        self.paragraphs += (window.count(b"<w:p>") + window.count(b"<w:p ")
                            - tail.count(b"<w:p>") - tail.count(b"<w:p "))
        if self.paragraphs > 2 * self.limits.max_blocks:
            check_block_count(self.paragraphs, self.name, self.limits)
