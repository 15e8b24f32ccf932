"""How much of the real development set's score rests on article notes written with its questions in view.

The article notes (knowledge_base/article_notes) are retrieval keys in users' words. Some of their typical
questions were added after a dev question failed, and resemble it: on those questions the dev set measures the
notes, not how the product meets wording it has never seen. This script never reads the held-out set. It copies
the knowledge-base data directory, drops from the copy's notes every typical question resembling a dev question
(character-pair Dice similarity ``--threshold`` or more, default 0.4), and runs the real-dev suite on the shipped
notes and on the copy, in one process; the drop between the two rows is a dev-only estimate of the gap to unseen
wording. ``--gate`` also scores the answer gate's configurations on the copy (as gate_cv.py does on the shipped
notes), to check that the shipped gate is not one that only suits the fitted notes.

    python eval/real/unseen_wording.py --data-dir DATA [--threshold 0.4] [--gate]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "eval" / "dev"
#: the metrics printed side by side (key in the suite's metrics, label)
SHOWN = (("hit@1", "hit@1"), ("hit@5", "hit@5"), ("answer_cites_gold", "回答引用标准答案"),
         ("lead_is_gold", "首句即标准答案"), ("confident_wrong", "自信地答错（题）"),
         ("hedged_no_direct_provision", "未找到直接规定（题）"), ("false_refusals", "误拒（题）"),
         ("out_of_scope_refusal_rate", "范围外拒答率"))


def dev_questions() -> list[str]:
    return [json.loads(line)["question"] for name in ("real_qa_dev.jsonl", "real_out_of_scope_dev.jsonl")
            for line in (DEV / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def unfitted_copy(kb_dir: Path, target: Path, questions: list[str], threshold: float) -> tuple[int, int]:
    """Copy ``kb_dir`` to ``target`` without the note questions resembling any of ``questions``; the copy's note
    vectors are left to be embedded on first use. Returns (questions dropped, questions in all)."""
    from assistant.article_notes import NOTES_DIR
    from assistant.evaluation.metrics import bigram_dice

    shutil.copytree(kb_dir, target)
    for cached in (target / "vectors").glob("article_notes-*.npy"):
        cached.unlink()
    dropped = total = 0
    for path in sorted((target / NOTES_DIR).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for spec in (data.get("articles") or {}).values():
            asked = list(spec.get("questions") or [])
            kept = [q for q in asked if max((bigram_dice(q, d) for d in questions), default=0.0) < threshold]
            total += len(asked)
            dropped += len(asked) - len(kept)
            spec["questions"] = kept
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return dropped, total


def run_suite(data_dir: Path, kb_dir: Path | None) -> dict[str, Any]:
    from assistant.config import Settings
    from assistant.evaluation import real_qa_suite
    from assistant.evaluation.datasets import load_out_of_scope, load_policy_qa
    from assistant.services import Services

    settings = Settings(data_dir=data_dir) if kb_dir is None else Settings(data_dir=data_dir, knowledge_base_dir=kb_dir)
    services = Services(settings)
    metrics, _rows = real_qa_suite.run(services, load_policy_qa(DEV / "real_qa_dev.jsonl"),
                                       load_out_of_scope(DEV / "real_out_of_scope_dev.jsonl"), label="real-dev")
    return metrics


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from assistant import argparse_zh

    argparse_zh.install()
    ap = argparse_zh.ChineseArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data-dir", type=Path, required=True, help="已建好的知识库索引目录")
    ap.add_argument("--threshold", type=float, default=0.4, help="典型问题与开发集问题的字符二元组 Dice 相似度达到此值即去掉")
    ap.add_argument("--gate", action="store_true", help="另在去掉后的条旨上比较回答门槛的各组参数（约 5 分钟）")
    args = ap.parse_args()
    if not 0.0 < args.threshold <= 1.0:
        ap.error(f"--threshold 应在 0 与 1 之间（不含 0），收到 {args.threshold}")
    from assistant.config import Settings
    from assistant.errors import UserError

    shipped_kb = Settings(data_dir=args.data_dir).knowledge_base_dir
    with tempfile.TemporaryDirectory(prefix="unseen-wording-") as tmp:
        copy = Path(tmp) / "knowledge_base"
        dropped, total = unfitted_copy(shipped_kb, copy, dev_questions(), args.threshold)
        print(f"条旨典型问题共 {total:,} 道，与开发集问题相似（Dice ≥ {args.threshold}）而去掉 {dropped:,} 道")
        try:
            shipped = run_suite(args.data_dir, None)
            unfitted = run_suite(args.data_dir, copy)
        except UserError as exc:
            sys.exit(f"错误：{exc}（索引目录：{args.data_dir}）")
        print("| 真实问题开发集 | 随产品提供的条旨 | 去掉相似问题后 |\n|---|---|---|")
        for key, label in SHOWN:
            print(f"| {label} | {shipped.get(key)} | {unfitted.get(key)} |")
        if args.gate:
            gate_on(args.data_dir, copy)


def gate_on(data_dir: Path, kb_dir: Path) -> None:
    """gate_cv.py's cross-validated choice of the answer gate, on the notes without the fitted questions."""
    env = {**os.environ, "ASSISTANT_KNOWLEDGE_BASE_DIR": str(kb_dir)}
    subprocess.run([sys.executable, str(ROOT / "eval" / "real" / "gate_cv.py"), "--data-dir", str(data_dir),
                    "--penalty", "3"], env=env, check=True)


if __name__ == "__main__":
    main()
