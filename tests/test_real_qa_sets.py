"""The real-question sets: well-formed, traceable, dev and held-out disjoint."""

from __future__ import annotations

from pathlib import Path

from assistant.evaluation.datasets import load_out_of_scope, load_policy_qa

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "eval/dev/real_qa_dev.jsonl"
HELD = ROOT / "eval/datasets/real_qa.jsonl"


def _raw(path: Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_real_sets_load_and_every_item_has_a_source_address_and_regime():
    for path in (DEV, HELD):
        items = load_policy_qa(path)
        assert len(items) >= 25
        for o in _raw(path):
            assert o["url"].startswith("http") and o["regime"] in ("政府采购", "工程招标")
            assert o["basis"] in ("named", "inferred", "relabelled")
            assert all(o["gold_text_head"]), o["id"]  # the gold article was found in the knowledge base


def test_dev_and_held_out_do_not_share_questions():
    dev = {o["question"] for o in _raw(DEV)}
    held = {o["question"] for o in _raw(HELD)}
    assert not dev & held


def test_refusal_sets_load():
    for path in (ROOT / "eval/dev/real_out_of_scope_dev.jsonl", ROOT / "eval/datasets/real_out_of_scope.jsonl"):
        items = load_out_of_scope(path)
        assert items and all(i.question for i in items)
        # both kinds are present: off-topic questions (to be refused) and ones whose basis is missing
        off = [i for i in items if i.off_topic]
        assert off and len(off) < len(items)
        assert all("not in the knowledge base" not in i.why for i in off)
        assert all(i.why for i in items), path


def test_relabelled_refusals_keep_their_id_and_leave_the_refusal_set():
    """A refusal the knowledge base does answer (eval/real/relabelled.tsv) is an in-scope item, exactly once."""
    moved = [o for o in _raw(DEV) + _raw(HELD) if o["basis"] == "relabelled"]
    assert moved and all(o["id"].startswith("real-out-") and o["note"].startswith("relabelled: ") for o in moved)
    refusals = _raw(ROOT / "eval/dev/real_out_of_scope_dev.jsonl") + _raw(ROOT / "eval/datasets/real_out_of_scope.jsonl")
    assert not {o["id"] for o in moved} & {o["id"] for o in refusals}
    assert not {o["question"] for o in moved} & {o["question"] for o in refusals}


def test_added_gold_keeps_the_collectors_gold_first_and_says_why():
    """eval/real/gold_additions.tsv: an added article follows the collector's, differs from it and has a reason."""
    items = {i.id: i for i in load_policy_qa(DEV) + load_policy_qa(HELD)}
    added = [i for i in items.values() if any(g.added for g in i.gold)]
    assert added
    for item in added:
        own = [g for g in item.gold if not g.added]
        assert own and not item.gold[0].added, item.id
        assert all(len(g.added) > 20 for g in item.gold if g.added)
        assert len({(g.title, g.article) for g in item.gold}) == len(item.gold), item.id


def test_every_real_item_says_which_collection_round_it_came_from():
    """eval/real/build_real_qa.py tags each item with the round of its source row (「# round N」 in the TSVs,
    0 = ../shared practitioner_qa.json); the collected rows are in rounds 1 and up."""
    from assistant.evaluation.datasets import round_of

    for path in (DEV, HELD):
        for o in _raw(path):
            assert sum(t.startswith("round-") for t in o["tags"]) == 1, o["id"]
            rnd = round_of(o["tags"])
            assert rnd is not None and (rnd == 0) == o["id"].startswith("prac-"), o["id"]
    for path in (ROOT / "eval/dev/real_out_of_scope_dev.jsonl", ROOT / "eval/datasets/real_out_of_scope.jsonl"):
        assert all(isinstance(o["round"], int) and o["round"] >= 1 for o in _raw(path))


def test_bigram_dice_measures_how_nearly_one_question_restates_another():
    from assistant.evaluation.metrics import bigram_dice

    assert bigram_dice("投标保证金什么时候退？", "投标保证金什么时候退") == 1.0
    assert bigram_dice("投标保证金什么时候退？", "质疑要在几天内提出？") == 0.0
    assert 0.4 < bigram_dice("投标保证金什么时候退还？", "投标保证金未退怎么办") < 0.8
    assert bigram_dice("", "招标") == 0.0


def test_the_unseen_wording_copy_drops_only_the_note_questions_resembling_dev_questions(tmp_path):
    """eval/real/unseen_wording.py: the copy of the knowledge-base directory keeps every note and topic, and loses
    exactly the typical questions near a dev question; the shipped directory is untouched."""
    import importlib.util

    from assistant.article_notes import load_notes

    spec = importlib.util.spec_from_file_location("unseen_wording", ROOT / "eval" / "real" / "unseen_wording.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    kb = tmp_path / "kb"
    (kb / "article_notes").mkdir(parents=True)
    (kb / "vectors").mkdir()
    (kb / "vectors" / "article_notes-0.npy").write_bytes(b"old")
    (kb / "article_notes" / "x.yaml").write_text(
        "document: 87号令\narticles:\n  第三十八条: {topic: 投标保证金的退还, questions: [投标保证金什么时候退还？, 保证金要付利息吗？],"
        " anchors: [退还]}\n", encoding="utf-8")
    dropped, total = module.unfitted_copy(kb, tmp_path / "copy", ["投标保证金什么时候退还呢"], 0.4)
    assert (dropped, total) == (1, 2)
    (note,) = load_notes(tmp_path / "copy" / "article_notes")
    assert note.topic == "投标保证金的退还" and note.questions == ("保证金要付利息吗？",) and note.anchors == ("退还",)
    assert not list((tmp_path / "copy" / "vectors").glob("article_notes-*.npy"))
    assert len(load_notes(kb / "article_notes")[0].questions) == 2
    assert module.dev_questions() and all(isinstance(q, str) for q in module.dev_questions())
