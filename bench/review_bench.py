"""Speed: rules-only review of a ~100-page tender DOCX (target ≤ 5 s on 2 cores).

    python bench/review_bench.py [--pages 100] [--repeated 50000]

Builds the DOCX by repeating realistic content (the development tenders' clauses, a 前附表
and a 评分表 per chapter) until it holds about 650 Chinese characters per page, then times
load + segmentation + facts + rules + report rendering separately.

--repeated N also times the rules on adversarial clauses: each rule's first violating example repeated
to N characters as one clause (one long sentence with many matches of the rule's own pattern), against
the same example repeated to N/25 characters, and prints the slowest (a pattern whose cost grows with the
square of the clause's length shows as a ratio far above 25).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHARS_PER_PAGE = 650


def build_docx(path: Path, pages: int) -> int:  # noqa: C901 - synthetic document generator
    import docx

    sys.path.insert(0, str(ROOT / "tests" / "data" / "tenders_dev"))
    from make_tenders import DOCS  # type: ignore[import-not-found]

    d = docx.Document()
    chars = 0
    target = pages * CHARS_PER_PAGE
    chapter = 0
    while chars < target:
        for items in DOCS.values():
            chapter += 1
            d.add_heading(f"第{chapter}章 投标人须知（续）", level=1)
            for item in items:
                if item[0] == "h":
                    d.add_heading(item[2], level=max(1, item[1]))
                    text = item[2]
                elif item[0] == "p":
                    text = item[1]
                    d.add_paragraph(text)
                elif item[0] == "v":
                    text = item[3]  # compliant wording
                    d.add_paragraph(text)
                else:
                    header, rows = item[1], item[2]
                    t = d.add_table(rows=1, cols=len(header))
                    for c, h in zip(t.rows[0].cells, header, strict=False):
                        c.text = h
                    text = ""
                    for row in rows:
                        cells = row[3] if isinstance(row, tuple) else row
                        for c, v in zip(t.add_row().cells, cells, strict=False):
                            c.text = v
                        text += "".join(cells)
                chars += len(text)
            if chars >= target:
                break
    d.save(str(path))
    return chars


def repeated_clauses(chars: int) -> None:
    """Rules-only review of each rule's first violating example repeated to ``chars`` characters."""
    from assistant.evaluation.clause_heads import GOV_ANY, HEADS
    from assistant.review.pipeline import Reviewer

    reviewer = Reviewer(kb=None, use_llm=False)  # the shipped rules
    heads = {"工程": HEADS["工程"], "政府采购": GOV_ANY}
    rows: list[tuple[float, float, str]] = []
    for rule in reviewer.catalogue.rules:
        examples = rule.examples.violating if rule.examples else []
        if not examples:
            continue
        head = heads.get(rule.examples.regime or "", heads["政府采购"])
        timed = []
        for n in (max(1, chars // 25), chars):
            text = head + (examples[0] * (n // len(examples[0]) + 1))[:n]
            t = time.perf_counter()
            reviewer.review_text(text, use_llm=False)
            timed.append(time.perf_counter() - t)
        rows.append((timed[1], timed[1] / max(timed[0], 1e-6), rule.id))
    rows.sort(reverse=True)
    print(f"repeated clauses of {chars} chars, {len(rows)} rules: slowest "
          + ", ".join(f"{rid} {t:.2f} s (×{r:.0f} of the {chars // 25}-char clause)" for t, r, rid in rows[:5]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=100)
    ap.add_argument("--repeated", type=int, default=0, metavar="N",
                    help="also time each rule's first violating example repeated to N characters as one clause")
    ap.add_argument("--no-exemplar", action="store_true", help="rules only, without the e5 exemplar step")
    args = ap.parse_args()
    from assistant.ingest.loaders import load_file
    from assistant.review.pipeline import Reviewer
    from assistant.review.report import render_docx, render_json, render_markdown

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tender_100p.docx"
        chars = build_docx(path, args.pages)
        exemplar = None
        if not args.no_exemplar:
            from assistant.config import get_settings
            from assistant.kb.vector_cache import CachedEmbeddings
            from assistant.services import Services

            # the step as the product wires it (services.py: shipped example vectors, default model)
            settings = get_settings(data_dir=Path(tmp), review={"exemplar": "on"}, llm={"backend": "none"})
            exemplar = Services(settings).reviewer.exemplar
            assert exemplar is not None and isinstance(exemplar.embeddings, CachedEmbeddings)
            tw = time.perf_counter()
            exemplar._load()
            print(f"exemplar index ready in {time.perf_counter() - tw:.2f} s ({exemplar.embeddings.from_cache} "
                  f"example vectors shipped, {exemplar.embeddings.embedded_documents} embedded)")
        reviewer = Reviewer(kb=None, use_llm=False, exemplar=exemplar)
        t0 = time.perf_counter()
        doc = load_file(path)
        t1 = time.perf_counter()
        report = reviewer.review_document(doc, use_llm=False)
        t2 = time.perf_counter()
        render_json(report)
        render_markdown(report)
        render_docx(report, Path(tmp) / "out.docx")
        t3 = time.perf_counter()
        t_full0 = time.perf_counter()
        reviewer.review(path, use_llm=False)
        t_full = time.perf_counter() - t_full0
        t_plain0 = time.perf_counter()
        Reviewer(kb=None, use_llm=False).review(path, use_llm=False)
        t_plain = time.perf_counter() - t_plain0
    print(f"document: {args.pages} pages ≈ {chars} chars, {len(doc.blocks)} blocks, {report.metadata['clauses']} clauses")
    print(f"load {t1 - t0:.2f} s | review (facts+rules) {t2 - t1:.2f} s | render json+md+docx {t3 - t2:.2f} s")
    label = "with the exemplar step" if exemplar is not None else "rules only"
    print(f"review end to end {label} (reviewer.review(path)): {t_full:.2f} s  (target ≤ 5 s)")
    print(f"same document, rules only without the exemplar step (same process): {t_plain:.2f} s "
          f"-> the exemplar step costs {t_full - t_plain:+.2f} s here (load average {os.getloadavg()[0]:.1f})")
    print(f"findings on the compliant content: {report.summary['total']} ({report.summary['by_severity']})")
    if exemplar is not None:
        print(f"exemplar step: {exemplar.stats} (considered = clauses passing the cheap filter, embedded ≤ max_clauses)")
    if args.repeated:
        repeated_clauses(args.repeated)


if __name__ == "__main__":
    main()
