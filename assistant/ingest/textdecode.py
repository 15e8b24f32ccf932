"""Bytes of a text file (TXT, Markdown, HTML) to `str`, detecting the encoding.

Tried in order: a byte-order mark, UTF-16 without BOM, UTF-8 (also with a few damaged bytes),
GB18030/GBK, then charset-normalizer's best guess; an undetectable encoding is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from assistant.errors import UnsupportedFormatError
from assistant.ingest.sniff import utf16_without_bom

log = logging.getLogger(__name__)


def decode_text(data: bytes, name: str) -> str:
    """UTF-8 (BOM), UTF-16 (BOM or not), GB18030/GBK, else charset-normalizer's best guess."""
    for decode in _DECODERS:
        text = decode(data, name)
        if text is not None:
            return text
    return _decode_guessed(data, name)


def _by_bom(data: bytes, name: str) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    return None


def _utf16_unmarked(data: bytes, name: str) -> str | None:
    head = data[:4096]
    if head.count(b"\x00"):
        enc = utf16_without_bom(head)
        if enc:
            return data.decode(enc, errors="replace")
    return None


def _utf8(data: bytes, name: str) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _utf8_damaged(data: bytes, name: str) -> str | None:
    """A UTF-8 file with a few damaged bytes (bad copy, cut download) is still UTF-8.

    It is read with U+FFFD for those bytes instead of refusing the whole document (GBK text
    decoded as UTF-8 has an error on nearly every character, far above this threshold).
    """
    lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd") - data.count("\xef\xbf\xbd".encode("latin-1"))
    multibyte_ok = sum(1 for ch in lossy if ord(ch) > 127 and ch != "\ufffd")
    if 0 < bad <= max(8, len(data) // 500) and multibyte_ok >= 50 * bad:
        log.warning("%s: %d invalid UTF-8 byte sequences replaced", name, bad)
        return lossy
    return None


def _gb18030(data: bytes, name: str) -> str | None:
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _mostly_common_hanzi(text) else None


_DECODERS: tuple[Callable[[bytes, str], str | None], ...] = (_by_bom, _utf16_unmarked, _utf8, _utf8_damaged, _gb18030)


def is_known_text(data: bytes) -> bool:
    """Whether the bytes are text in an encoding read without guessing (BOM, UTF-16, UTF-8, GB18030)."""
    return any(decode(data, "") is not None for decode in (_by_bom, _utf16_unmarked, _utf8, _gb18030))


def _decode_guessed(data: bytes, name: str) -> str:
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception as exc:  # pragma: no cover - library failure
        log.warning("charset-normalizer failed on %s: %s", name, exc)
        best = None
    if best is None:
        raise UnsupportedFormatError(
            f"无法识别文件“{name}”的文字编码，请另存为 UTF-8 编码的文本后再上传。",
            f"undetectable encoding: {name}",
        )
    log.info("decoded %s as %s (charset-normalizer)", name, best.encoding)
    return str(best)


def _mostly_common_hanzi(text: str) -> bool:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    common = sum(1 for ch in non_ascii if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef")
    return common >= 0.9 * len(non_ascii)
