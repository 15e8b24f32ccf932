"""Real-input probe: bids built on a REAL tender DOCX and REAL statute text (../shared/corpus).

Every bid starts from the real tender file (its real rsids, WPS ICV, author, all its text and forms),
adds its own identity and proposal, and quotes real articles of 政府采购法实施条例 / 招标投标法实施条例
verbatim (several bids quote the same articles, as honest bidders do). Null sets must give no
high-risk pair; ring sets (two bids sharing a planted passage, or one 授权代表) must rank the ring first.

    python eval/collusion/real_probe.py [--sets 20]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "corpus"
TENDER = SHARED / "tenders" / "政府采购项目公开招标文件.docx"
LAWS = [SHARED / "regulations" / "政府采购法实施条例(2015-01-30).md", SHARED / "regulations" / "招标投标法实施条例(2019-03-02).md"]


def law_articles() -> list[str]:
    out: list[str] = []
    for p in LAWS:
        text = p.read_text(encoding="utf-8")
        out += [a.strip() for a in re.split(r"\n(?=第[一二三四五六七八九十百]+条)", text) if a.startswith("第") and len(a) > 60]
    return out


def make_set(folder: Path, seed: int, ring: bool) -> tuple[list[str], set[str]]:
    import docx

    sys.path.insert(0, str(ROOT))
    from eval.collusion import generator as g

    rng = random.Random(seed)
    arts = law_articles()
    common = rng.sample(arts, k=3)
    n = rng.randint(3, 8)
    files: list[str] = []
    planted = [g._long_paragraph(rng) for _ in range(3)]
    members = set(rng.sample(range(n), k=2)) if ring else set()
    mech = rng.choice(["text", "agent"])
    shared_agent = g.Person(g._name(rng), g._id_no(rng), g._phone(rng))
    for k in range(n):
        d = docx.Document(str(TENDER))
        d.core_properties.author = g._name(rng) if rng.random() < 0.6 else "Administrator"
        d.core_properties.last_modified_by = d.core_properties.author
        company = f"{rng.choice(g._CITY)}{rng.choice(g._CORE)}{rng.choice(g._TRADE)}有限公司"
        agent = shared_agent if (k in members and mech == "agent") else g.Person(g._name(rng), g._id_no(rng), g._phone(rng))
        d.add_paragraph(f"供应商名称：{company}")
        d.add_paragraph(f"授权代表：{agent.name}，身份证号码：{agent.id_no}，联系电话：{agent.phone}")
        d.add_paragraph(f"统一社会信用代码：{g._uscc(rng)}")
        quotes = (common if rng.random() < 0.5 else []) + rng.sample(arts, k=2)
        for art in quotes:  # statute quotes: innocent, shared by several (not all) bids
            d.add_paragraph(art)
        for _ in range(rng.randint(10, 20)):
            d.add_paragraph(g._long_paragraph(rng) if rng.random() < 0.5 else g._paragraph(rng))
        if k in members and mech == "text":
            for p in planted:
                d.add_paragraph(p)
        name = f"bid_{k:02d}.docx"
        d.save(str(folder / name))
        files.append(name)
    return files, {files[k] for k in members}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sets", type=int, default=20)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from assistant.collusion.data import CollusionData
    from assistant.collusion.pipeline import CollusionAnalyzer

    laws = [p.read_text(encoding="utf-8") for p in LAWS]
    with_laws = CollusionAnalyzer(CollusionData.load(ROOT / "knowledge_base" / "collusion"), law_texts=lambda: ("corpus", laws))
    no_laws = CollusionAnalyzer(CollusionData.load(ROOT / "knowledge_base" / "collusion"))
    stats = {"null_sets": 0, "null_with_high": 0, "null_with_high_without_law_subtraction": 0,
             "ring_sets": 0, "ring_hit@1": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for s in range(args.sets):
            ring = s % 2 == 1
            folder = Path(tmp) / str(s)
            folder.mkdir()
            files, members = make_set(folder, 1000 + s, ring)
            rep = with_laws.analyze(TENDER, [folder / f for f in files])
            if ring:
                stats["ring_sets"] += 1
                top = rep.pairs[0] if rep.pairs else None
                stats["ring_hit@1"] += int(bool(top and {top.a, top.b} == members))
            else:
                stats["null_sets"] += 1
                stats["null_with_high"] += int(any(p.risk == "high" for p in rep.pairs))
                rep2 = no_laws.analyze(TENDER, [folder / f for f in files])
                stats["null_with_high_without_law_subtraction"] += int(any(p.risk == "high" for p in rep2.pairs))
    print(json.dumps({"probe": "real tender + real statutes", "tender": str(TENDER.name), **stats}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
