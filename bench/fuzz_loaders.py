"""Mutation fuzzing of the document loaders over the real files in ../shared/corpus.

    python bench/fuzz_loaders.py                 # ~300 mutants per format (pdf, docx, txt, md, html)
    python bench/fuzz_loaders.py -n 50 --seed 7  # quicker
    python bench/fuzz_loaders.py --json          # one JSON object on stdout (bench/run_all.py)

Each mutant is written to a temp file and fed to `load_file`. The contract: it returns a
`LoadedDocument` or raises an `InputFileError` (with a Chinese message naming the file).
Anything else is a *crash*; a load over `--timeout` seconds is a *hang*. Crashing inputs are
saved under `--out` for reproduction. Mutations: byte flips, truncation, inserted/duplicated
runs, PDF token edits, and for DOCX zip-member corruption (flip/truncate/drop/replace a member,
corrupt compressed data in place). OCR is stubbed as unavailable by default (`--ocr` to keep it):
the fuzz target is parsing, and a mutated PDF without a text layer would otherwise spend seconds
per page in OCR.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import random
import signal
import statistics
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpus"


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang()


# --------------------------------------------------------------------------- seeds


def seeds(corpus: Path) -> dict[str, list[tuple[str, bytes]]]:
    """Real files per format; txt seeds are real statute text re-encoded as GBK/GB18030/UTF-16."""
    out: dict[str, list[tuple[str, bytes]]] = {"pdf": [], "docx": [], "md": [], "txt": [], "html": []}
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    for p in files:
        ext = p.suffix.lower().lstrip(".")
        if ext in ("pdf", "docx", "md"):
            out[ext].append((p.name, p.read_bytes()))
    # prefer the smaller PDFs (each load is ~0.4-2 s); keep at most three per format
    out["pdf"].sort(key=lambda item: len(item[1]))
    for ext in out:
        out[ext] = out[ext][:3]
    md = [b for _, b in out["md"]][:2]
    for i, raw in enumerate(md):
        text = raw.decode("utf-8")[:6000]
        out["txt"] += [(f"seed{i}-gbk.txt", text.encode("gbk", "replace")),
                       (f"seed{i}-utf16.txt", text.encode("utf-16")),
                       (f"seed{i}-gb18030.txt", text.encode("gb18030"))]
        body = "".join(f"<p>{line}</p>\n" for line in text.splitlines() if line.strip())
        out["html"].append((f"seed{i}.html", f"<html><head><title>法规</title></head><body>{body}</body></html>".encode()))
    return {k: v for k, v in out.items() if v}


# --------------------------------------------------------------------------- mutators


def flip(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 32)):
        i = rng.randrange(len(b))
        b[i] = rng.randrange(256) if rng.random() < 0.7 else b[i] ^ (1 << rng.randrange(8))
    return bytes(b)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(0, len(data))]


def insert(rng: random.Random, data: bytes) -> bytes:
    i = rng.randrange(len(data) + 1)
    if rng.random() < 0.5:
        junk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 512)))
    else:  # duplicate a run of the file itself
        j = rng.randrange(len(data))
        junk = data[j: j + rng.randint(1, 4096)]
    return data[:i] + junk + data[i:]


_PDF_TOKENS = [b"obj", b"endobj", b"stream", b"endstream", b"/Length", b"xref", b"trailer", b"/Root",
               b"/Pages", b"/Kids", b"/Count", b"/Font", b"/Encoding", b"/ToUnicode", b"/Filter", b"startxref"]


def pdf_tokens(rng: random.Random, data: bytes) -> bytes:
    """Replace a structural token or a number near one (what real broken exporters produce)."""
    b = data
    for _ in range(rng.randint(1, 6)):
        tok = rng.choice(_PDF_TOKENS)
        positions = [i for i in range(0, len(b)) if b.startswith(tok, i)][:2000] if len(b) < 400_000 else []
        if not positions:
            i = b.find(tok)
            if i < 0:
                continue
            positions = [i]
        i = rng.choice(positions)
        choice = rng.random()
        if choice < 0.3:
            repl = rng.choice(_PDF_TOKENS)
        elif choice < 0.6:
            repl = tok + b" " + str(rng.choice([-1, 0, 2**31, 2**63, 99999999, rng.randrange(1000)])).encode()
        else:
            repl = b""
        b = b[:i] + repl + b[i + len(tok):]
    return b


def zip_member(rng: random.Random, data: bytes) -> bytes:  # noqa: C901 - one branch per mutation kind
    """Rewrite the DOCX with one member flipped/truncated/dropped/replaced by junk or by XML nesting."""
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        infos = zin.infolist()
    except zipfile.BadZipFile:
        return flip(rng, data)
    target = rng.choice([i for i in infos if i.filename.endswith(".xml")] or infos)
    if rng.random() < 0.5:
        target = next((i for i in infos if i.filename == "word/document.xml"), target)
    mode = rng.choice(["flip", "truncate", "drop", "junk", "deep", "entity"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            body = zin.read(info.filename)
            if info.filename == target.filename:
                if mode == "drop":
                    continue
                if mode == "flip" and body:
                    body = flip(rng, body)
                elif mode == "truncate" and body:
                    body = truncate(rng, body)
                elif mode == "junk":
                    body = bytes(rng.randrange(256) for _ in range(rng.randint(0, 2048)))
                elif mode == "deep":  # very deep element nesting inside the body
                    depth = rng.choice([500, 5000, 50000])
                    cut = body.find(b"<w:body>")
                    if cut >= 0:
                        cut += len(b"<w:body>")
                        body = body[:cut] + b"<w:tbl><w:tr><w:tc>" * depth + b"</w:tc></w:tr></w:tbl>" * depth + body[cut:]
                elif mode == "entity":  # a DTD with entities (XXE / billion-laughs style)
                    body = (b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
                            b'<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body.split(b"?>", 1)[-1].replace(
                                b"<w:body>", b"<w:body><w:p><w:r><w:t>&c;&x;</w:t></w:r></w:p>", 1))
            zout.writestr(info, body)
    return out.getvalue()


def zip_inplace(rng: random.Random, data: bytes) -> bytes:
    """Flip bytes inside the compressed data of one member (CRC and inflate errors)."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        return flip(rng, data)
    info = rng.choice(infos)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    if info.compress_size == 0:
        return flip(rng, data)
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = start + rng.randrange(info.compress_size)
        if i < len(b):
            b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def text_bytes(rng: random.Random, data: bytes) -> bytes:
    """Encoding damage: a lone surrogate half, an odd byte in UTF-16, NULs, a BOM in the middle."""
    i = rng.randrange(len(data) + 1)
    junk = rng.choice([b"\x00", b"\xff\xfe", b"\xef\xbb\xbf", b"\xd8\x00", b"\x80\x81\x82", b"\xfe", b"\x00" * 64])
    return data[:i] + junk + data[i:]


MUTATORS: dict[str, list[Callable[[random.Random, bytes], bytes]]] = {
    "pdf": [flip, truncate, insert, pdf_tokens],
    "docx": [flip, truncate, insert, zip_member, zip_member, zip_inplace],
    "md": [flip, truncate, insert, text_bytes],
    "txt": [flip, truncate, insert, text_bytes],
    "html": [flip, truncate, insert, text_bytes],
}


# --------------------------------------------------------------------------- run


def fuzz(n: int, seed: int, timeout: float, out_dir: Path, formats: list[str], keep_ocr: bool) -> dict:
    from assistant.errors import InputFileError
    from assistant.ingest import loaders
    from assistant.schema import LoadedDocument

    if not keep_ocr:
        from assistant.ingest import ocr

        def _no_ocr(*a: object, **k: object) -> dict:
            raise ocr.OcrUnavailableError("disabled by fuzz_loaders")

        ocr.ocr_pages = _no_ocr
    logging.disable(logging.WARNING)
    signal.signal(signal.SIGALRM, _alarm)
    rng = random.Random(seed)
    all_seeds = seeds(CORPUS)
    results: dict = {"seed": seed, "per_format": {}, "crashes": [], "hangs": []}
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="fuzz-loaders-") as tmp:
        for fmt in formats:
            if fmt not in all_seeds:
                continue
            counts: Counter[str] = Counter()
            times: list[float] = []
            for i in range(n):
                name, data = rng.choice(all_seeds[fmt])
                mutator = rng.choice(MUTATORS[fmt])
                mutant = mutator(rng, data)
                ext = name.rsplit(".", 1)[-1]
                path = Path(tmp) / f"mutant-{i}.{ext}"
                path.write_bytes(mutant)
                t0 = time.perf_counter()
                signal.setitimer(signal.ITIMER_REAL, timeout)
                try:
                    doc = loaders.load_file(path)
                    assert isinstance(doc, LoadedDocument)
                    counts["loaded"] += 1
                except InputFileError as exc:
                    counts["refused"] += 1
                    if "mutant-" not in exc.message:
                        counts["message_without_name"] += 1
                except _Hang:
                    counts["hang"] += 1
                    keep = out_dir / f"hang-{fmt}-{mutator.__name__}-{i}.{ext}"
                    keep.write_bytes(mutant)
                    results["hangs"].append({"format": fmt, "seed_file": name, "mutator": mutator.__name__,
                                             "saved": str(keep)})
                except Exception as exc:
                    counts["crash"] += 1
                    keep = out_dir / f"crash-{fmt}-{mutator.__name__}-{i}.{ext}"
                    keep.write_bytes(mutant)
                    tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
                    results["crashes"].append({
                        "format": fmt, "seed_file": name, "mutator": mutator.__name__,
                        "error": f"{type(exc).__name__}: {exc}"[:300], "where": tb[-2].strip()[:300] if len(tb) > 1 else "",
                        "saved": str(keep),
                    })
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                times.append(time.perf_counter() - t0)
                counts[f"by_{mutator.__name__}"] += 1
            results["per_format"][fmt] = {
                "mutants": n, **dict(counts),
                "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
                "max_ms": round(max(times) * 1000, 1) if times else None,
            }
            print(f"{fmt:5} {n:4d} mutants: loaded {counts['loaded']:4d}  refused {counts['refused']:4d}  "
                  f"crash {counts['crash']:3d}  hang {counts['hang']:2d}  "
                  f"(p50 {results['per_format'][fmt]['p50_ms']} ms, max {results['per_format'][fmt]['max_ms']} ms)",
                  file=sys.stderr)
    results["total_mutants"] = sum(v["mutants"] for v in results["per_format"].values())
    results["total_crashes"] = len(results["crashes"])
    results["total_hangs"] = len(results["hangs"])
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=300, help="mutants per format (default 300)")
    ap.add_argument("--seed", type=int, default=20250601)
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds before a load counts as a hang")
    ap.add_argument("--formats", default="pdf,docx,md,txt,html")
    ap.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "fuzz-loaders-crashes")
    ap.add_argument("--ocr", action="store_true", help="keep OCR on for pages without text (slow)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    args = ap.parse_args(argv)
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} not found (the real corpus is needed)", file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    res = fuzz(args.n, args.seed, args.timeout, args.out, args.formats.split(","), args.ocr)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    if args.json:
        print(json.dumps(res, ensure_ascii=False))
    else:
        print(f"total: {res['total_mutants']} mutants, {res['total_crashes']} crashes, {res['total_hangs']} hangs "
              f"in {res['seconds']} s")
        for c in res["crashes"][:30]:
            print(f"  CRASH {c['format']} {c['mutator']} ({c['seed_file']}): {c['error']}\n        at {c['where']}\n"
                  f"        saved {c['saved']}")
        for h in res["hangs"]:
            print(f"  HANG  {h['format']} {h['mutator']} ({h['seed_file']}) saved {h['saved']}")
    return 1 if res["total_crashes"] or res["total_hangs"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
