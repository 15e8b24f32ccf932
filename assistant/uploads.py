"""Safe storage of files uploaded through the REST API, the web UI or MCP.

Why a module of its own: every shell must store uploads the same way — never outside
`data_dir/uploads`, never under a name the client chose verbatim, never reading more than the
configured limit into memory.
"""

from __future__ import annotations

import re
import secrets
import shutil
import time
import unicodedata
from pathlib import Path
from typing import BinaryIO

from assistant.errors import FileTooLargeError, InputFileError, UnsupportedFormatError

#: The formats each kind of input may come in: a tender file (review), a regulation (knowledge base) and
#: the files of a collusion check. The one definition that every interface (CLI, REST, web, MCP) checks.
REVIEW_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
REGULATION_SUFFIXES = (".docx", ".pdf", ".txt", ".md", ".markdown", ".html", ".htm")
BID_SUFFIXES = (".docx", ".pdf")
#: What to do with a word-processor file in an old or WPS format (read once saved as DOCX)
SAVE_AS_DOCX = "请在 WPS 或 Word 中另存为 .docx"
_SAVE_AS_DOCX_SUFFIXES = (".doc", ".dot", ".wps", ".wpt", ".rtf")

_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_CHUNK = 1024 * 1024
_MAX_NAME_BYTES = 200


def safe_filename(name: str | None, default: str = "upload") -> str:
    """The last path component of `name`, stripped of separators, control and reserved characters.

    Keeps Chinese characters (users recognise their file in the report) but never allows a
    name that could climb out of the upload directory ("..", absolute paths, NUL bytes).
    """
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name)
    # bidi overrides and zero-width characters make "evil.exe" display as "exe.docx" in reports
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf").strip(" .")
    if not name or set(name) <= {"_", "."}:
        name = default
    if len(name) > 120 or len(name.encode("utf-8")) > _MAX_NAME_BYTES:  # keep the suffix when cutting
        stem, dot, suffix = name.rpartition(".")
        if not (dot and len(suffix) <= 9):
            stem, dot, suffix = name, "", ""
        stem = stem[:110]
        # file systems limit names to 255 *bytes*: 120 Chinese characters are 360 (found by tests)
        while len((stem + dot + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
            stem = stem[:-1]
        name = stem + dot + suffix
    return name


def suffixes_zh(allowed: tuple[str, ...]) -> str:
    """「.docx / .pdf / .txt / .md」 for help texts."""
    return " / ".join(allowed)


def check_suffix(name: str, allowed: tuple[str, ...]) -> str:
    """The lower-case suffix of `name`, or UnsupportedFormatError naming the accepted formats."""
    suffix = Path(name).suffix.lower()
    if suffix not in allowed:
        kinds = "、".join(s.lstrip(".").upper() for s in allowed)
        hint = f"支持 {kinds} 格式，{SAVE_AS_DOCX} 后再试" if suffix in _SAVE_AS_DOCX_SUFFIXES else f"请使用 {kinds} 格式的文件"
        raise UnsupportedFormatError(
            f"不支持的文件类型「{suffix or '无扩展名'}」（文件：{name}），{hint}。",
            f"unsupported upload suffix {suffix!r} for {name!r}; allowed {allowed}",
        )
    return suffix


def uploads_root(data_dir: Path) -> Path:
    """`data_dir/uploads`, or, when the data directory is read-only, a private temporary folder.

    Read-only serving (the index shipped on a read-only volume) still reviews files: the upload
    and its report live in the temporary folder and are removed like any other upload.
    """
    import os
    import tempfile

    from assistant.housekeeping import is_writable

    base = Path(data_dir) / "uploads"
    try:
        base.mkdir(parents=True, exist_ok=True)
        if is_writable(base):
            return base.resolve()
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"tender-assistant-uploads-{os.getuid()}"
    fallback.mkdir(mode=0o700, exist_ok=True)
    return fallback.resolve()


def new_upload_dir(data_dir: Path, kind: str) -> Path:
    """A fresh directory `<uploads root>/<kind>/<timestamp>-<random>` (generated, never client-chosen)."""
    base = uploads_root(data_dir) / kind
    target = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(4)}"
    target.mkdir(parents=True, exist_ok=False)
    return target


def store_stream(
    source: BinaryIO,
    filename: str | None,
    data_dir: Path,
    *,
    kind: str,
    allowed: tuple[str, ...],
    max_bytes: int,
) -> Path:
    """Copy `source` into a new upload directory in chunks, refusing it once over `max_bytes`.

    Returns the stored path. Nothing partial is left behind on error.
    """
    name = safe_filename(filename)
    check_suffix(name, allowed)
    target_dir = new_upload_dir(data_dir, kind)
    target = target_dir / name
    written = 0
    try:
        with open(target, "wb") as out:
            while True:
                chunk = source.read(_CHUNK)
                if not chunk:
                    break
                written += len(chunk)
                if written > max_bytes:
                    raise FileTooLargeError(
                        f"文件「{name}」超过大小上限 {max_bytes // (1024 * 1024)} MB，请压缩或拆分后再上传。",
                        f"upload {name!r} exceeds {max_bytes} bytes",
                    )
                out.write(chunk)
        if written == 0:
            raise InputFileError(f"文件「{name}」是空文件，请检查后重新上传。", f"empty upload {name!r}")
    except BaseException:
        shutil.rmtree(target_dir, ignore_errors=True)
        raise
    return target


def store_local_copy(path: Path, data_dir: Path, *, kind: str, allowed: tuple[str, ...], max_bytes: int) -> Path:
    """Copy a local file (e.g. Gradio's upload cache) into data_dir/uploads with the same checks."""
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"找不到文件「{path.name}」。", f"not a file: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise FileTooLargeError(
            f"文件「{path.name}」超过大小上限 {max_bytes // (1024 * 1024)} MB，请压缩或拆分后再上传。",
            f"{path} has {size} bytes > {max_bytes}",
        )
    with open(path, "rb") as fh:
        return store_stream(fh, path.name, data_dir, kind=kind, allowed=allowed, max_bytes=max_bytes)


def remove_upload(path: Path, data_dir: Path) -> None:
    """Delete a stored upload and its generated directory (only inside data_dir/uploads)."""
    base = uploads_root(data_dir)
    parent = Path(path).resolve().parent
    if base in parent.parents:
        shutil.rmtree(parent, ignore_errors=True)
