"""Exemplar step: candidates from closeness to a rule's example clauses (fake bigram embeddings here).

The real e5 model is exercised in the integration tier and measured by bench/review_bench.py and
bench/real_clauses.py --exemplar.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from assistant.embeddings import FakeEmbeddings
from assistant.llm import FakeChatModel
from assistant.review.catalogue import Catalogue, load_catalogue
from assistant.review.exemplar import ExemplarSettings, ExemplarStep
from assistant.review.pipeline import Reviewer
from assistant.review.report import render_markdown

HEAD = "本项目为政府采购项目（服务类），采购人：某单位。\n"
RULES = """
version: 1
sources:
  ling87: {title: 政府采购货物和服务招标投标管理办法, aliases: [87号令]}
rules:
  - id: T90
    category: 与履约无关的评分因素
    applies_to: 政府采购
    severity: medium
    detect:
      - {type: semantic, candidates: ['无此词'], scope: ''}
    basis:
      - {src: ling87, article: 第五十五条}
    explanation: 评审因素应与采购需求对应。
    suggestion: 删除该评分项。
    examples:
      violating:
        - 投标人获得市级文明单位称号的得2分
        - 投标人获得省级文明单位称号的得3分
        - 投标人获得文明单位荣誉的加1分
        - 投标人获得县级文明单位称号的得1分
        - 投标人获得全国文明单位称号的得4分
      compliant:
        - 投标人拟派项目负责人具有中级职称的得2分
        - 投标人服务方案包含应急预案的得3分
        - 投标人拟派项目负责人具有高级职称的得3分
"""


@pytest.fixture()
def catalogue(tmp_path: Path) -> Catalogue:
    p = tmp_path / "rules.yaml"
    p.write_text(RULES, encoding="utf-8")
    return load_catalogue(p)


def _step(catalogue: Catalogue, tmp_path: Path, emb: FakeEmbeddings | None = None, **kw: float) -> ExemplarStep:
    settings = ExemplarSettings(min_similarity=kw.get("sim", 0.6), min_margin=kw.get("margin", 0.02),
                                max_clauses=int(kw.get("max_clauses", 12)))
    return ExemplarStep(catalogue, emb or FakeEmbeddings(), cache_dir=tmp_path / "cache", settings=settings)


def test_close_to_violating_examples_gives_a_low_candidate(catalogue: Catalogue, tmp_path: Path) -> None:
    r = Reviewer(catalogue, kb=None, use_llm=False, exemplar=_step(catalogue, tmp_path))
    rep = r.review_text(HEAD + "评分标准：投标人获得市级文明单位称号的，得2分。")
    [f] = [f for f in rep.findings if f.rule_id == "T90"]
    assert f.severity == "low" and f.confidence == "low" and f.source == "exemplar"
    assert "违规示例相近" in f.explanation and f.basis[0].article == "第五十五条"
    assert "识别方式：与违规示例相似（规则未能判定，待人工核对）" in render_markdown(rep)
    [item] = [i for i in rep.checklist if i.rule_id == "T90"]
    assert item.status == "发现问题" and item.note.startswith("发现 1 处疑似问题") and "【低·疑似】" in item.note


#: a clause close to T90's violating examples
LOOK_ALIKE = "评分标准：投标人获得市级文明单位称号的，得2分。"
_OFF = ("    examples:\n", "    examples:\n      by_similarity: false\n")


def _with_t91(tmp_path: Path, rules: str = RULES, t91_off: bool = False) -> Catalogue:
    """``rules`` plus T91, a copy of T90 whose compliant examples include LOOK_ALIKE (left out of the exemplar
    step when ``t91_off``)."""
    other = RULES.replace("  - id: T90", "  - id: T91", 1).split("rules:\n", 1)[1]
    other = other.replace("        - 投标人拟派项目负责人具有中级职称的得2分", f"        - {LOOK_ALIKE}")
    if t91_off:
        other = other.replace(*_OFF, 1)
    p = tmp_path / "two.yaml"
    p.write_text(rules + other, encoding="utf-8")
    return load_catalogue(p)


def test_a_compliant_example_of_another_rule_vetoes_the_candidate(catalogue: Catalogue, tmp_path: Path) -> None:
    """The margin is taken against the nearest compliant example of any rule: a clause that is another
    rule's lawful look-alike is not a candidate (with the rule's own compliant examples only, T90 fired)."""
    clause = LOOK_ALIKE
    two = _with_t91(tmp_path)
    rep = Reviewer(two, kb=None, use_llm=False, exemplar=_step(two, tmp_path)).review_text(HEAD + clause)
    assert not [f for f in rep.findings if f.source == "exemplar"]
    alone = Reviewer(catalogue, kb=None, use_llm=False, exemplar=_step(catalogue, tmp_path)).review_text(HEAD + clause)
    assert [f for f in alone.findings if f.source == "exemplar"]


def test_a_rule_whose_examples_differ_in_a_number_is_left_out(catalogue: Catalogue, tmp_path: Path) -> None:
    """`by_similarity: false` takes a rule out of the step: neither its violating examples make candidates nor its
    compliant ones veto other rules' (embeddings cannot tell 「60日内签订合同」 from 「30日内」)."""
    p = tmp_path / "off.yaml"
    p.write_text(RULES.replace(*_OFF, 1), encoding="utf-8")
    off = load_catalogue(p)
    rep = Reviewer(off, kb=None, use_llm=False, exemplar=_step(off, tmp_path)).review_text(HEAD + LOOK_ALIKE)
    assert not [f for f in rep.findings if f.source == "exemplar"]
    two = _with_t91(tmp_path, t91_off=True)
    rep = Reviewer(two, kb=None, use_llm=False, exemplar=_step(two, tmp_path)).review_text(HEAD + LOOK_ALIKE)
    assert [f.rule_id for f in rep.findings if f.source == "exemplar"] == ["T90"]


def test_close_to_compliant_examples_gives_nothing(catalogue: Catalogue, tmp_path: Path) -> None:
    r = Reviewer(catalogue, kb=None, use_llm=False, exemplar=_step(catalogue, tmp_path))
    rep = r.review_text(HEAD + "评分标准：投标人拟派项目负责人具有中级职称的，得2分。")
    assert not [f for f in rep.findings if f.rule_id == "T90"]


def test_unrelated_or_uncontexted_clauses_are_not_embedded(catalogue: Catalogue, tmp_path: Path) -> None:
    emb = FakeEmbeddings()
    step = _step(catalogue, tmp_path, emb)
    Reviewer(catalogue, kb=None, use_llm=False, exemplar=step).review_text(HEAD + "本项目位于婺城区。\n会议室面积约60平方米。")
    assert step.stats["embedded"] == 0


def test_example_vectors_are_cached_and_clauses_bounded(catalogue: Catalogue, tmp_path: Path) -> None:
    first = FakeEmbeddings()
    _step(catalogue, tmp_path, first)._load()
    assert first.embedded_documents == 8 and list((tmp_path / "cache").glob("exemplars-*.json"))
    second = FakeEmbeddings()
    step = _step(catalogue, tmp_path, second, max_clauses=2)
    text = HEAD + "\n".join(f"评分标准：投标人获得{n}文明单位称号的，得{i}分。" for i, n in enumerate("甲乙丙丁戊", 1))
    Reviewer(catalogue, kb=None, use_llm=False, exemplar=step).review_text(text)
    assert second.embedded_documents == 2  # examples read from the cache, two clauses embedded


def test_llm_confirms_or_rejects_exemplar_candidates(catalogue: Catalogue, tmp_path: Path) -> None:
    def judge(violated: bool) -> FakeChatModel:
        def responder(messages: list) -> str:  # type: ignore[type-arg]
            prompt = str(messages[-1].content)
            ids = [int(x) for x in re.findall(r"^【条款(\d+)】", prompt, re.MULTILINE)]
            return json.dumps({"findings": [{"clause_id": i, "rule_id": "T90", "violated": violated,
                                             "evidence": "文明单位称号", "explanation": "与履约无关。"} for i in ids]},
                              ensure_ascii=False)
        return FakeChatModel(responder=responder)

    text = HEAD + "评分标准：投标人获得市级文明单位称号的，得2分。"
    yes = Reviewer(catalogue, kb=None, llm=judge(True), use_llm=True, exemplar=_step(catalogue, tmp_path)).review_text(text)
    assert [(f.rule_id, f.source) for f in yes.findings] == [("T90", "llm")]
    no = Reviewer(catalogue, kb=None, llm=judge(False), use_llm=True, exemplar=_step(catalogue, tmp_path)).review_text(text)
    assert not [f for f in no.findings if f.rule_id == "T90"]


@pytest.mark.integration
def test_e5_exemplar_step_with_the_real_model(catalogue: Catalogue, tmp_path: Path) -> None:
    from assistant.embeddings import E5Embeddings

    step = ExemplarStep(catalogue, E5Embeddings(), cache_dir=tmp_path)
    rep = Reviewer(catalogue, kb=None, use_llm=False, exemplar=step).review_text(
        HEAD + "评分标准：投标人获得区级文明单位称号的，得2分。\n评分标准：投标人拟派项目负责人具有中级职称的，得2分。")
    assert step.stats["embedded"] == 2
    flagged = {f.clause for f in rep.findings if f.rule_id == "T90"}
    assert not any("中级职称" in c for c in flagged)  # the compliant look-alike stays quiet


@pytest.mark.parametrize(("mode", "llm", "on"), [("auto", "none", False), ("auto", "fake", True),
                                                  ("on", "none", True), ("off", "fake", False)])
def test_settings_choose_when_the_step_runs(tmp_path: Path, mode: str, llm: str, on: bool) -> None:
    from assistant.config import Settings
    from assistant.services import Services

    settings = Settings(_env_file=None, data_dir=tmp_path, embedding={"backend": "fake"},  # type: ignore[call-arg]
                        llm={"backend": llm}, review={"exemplar": mode})
    reviewer = Services(settings).reviewer
    assert (reviewer.exemplar is not None) is on


def test_the_step_runs_by_default_without_an_llm(tmp_path: Path) -> None:
    """Rules-only review lists the step's candidates at low confidence (dev2 probes: 8 of 58 rule misses)."""
    from assistant.config import Settings
    from assistant.services import Services

    settings = Settings(_env_file=None, data_dir=tmp_path, embedding={"backend": "fake"}, llm={"backend": "none"})  # type: ignore[call-arg]
    assert Services(settings).reviewer.exemplar is not None


def test_wired_step_takes_the_shipped_example_vectors(tmp_path: Path) -> None:
    """Services hands the step the shipped vector cache: the default rules' examples are not embedded
    at first use (they were, 30-60 s on two cores, before the first review with an LLM configured)."""
    from assistant.config import Settings
    from assistant.kb.vector_cache import CachedEmbeddings
    from assistant.services import Services

    settings = Settings(_env_file=None, data_dir=tmp_path, review={"exemplar": "on"})  # type: ignore[call-arg]
    step = Services(settings).reviewer.exemplar
    assert step is not None and isinstance(step.embeddings, CachedEmbeddings)
    step._load()
    assert step.embeddings.embedded_documents == 0 and step.embeddings.from_cache > 400
