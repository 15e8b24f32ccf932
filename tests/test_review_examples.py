"""Generated from knowledge_base/review_rules.yaml: every example clause next to a rule is run.

A violating example must draw a finding of its rule; a compliant example must draw no high or
medium finding of that rule. Each example is reviewed after a first line naming the procurement
type, as in a real tender.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.review.catalogue import Rule, load_catalogue
from assistant.review.pipeline import Reviewer

HEADS = {
    "政府采购": "本项目为政府采购项目（货物类），采购人：某单位。\n",
    "工程": "本项目为依法必须招标的工程建设项目，施工招标，招标人：某建设公司。\n",
}
# the shipped catalogue by path: another module may point the process-wide KB folder elsewhere at import
CATALOGUE = load_catalogue(Path(__file__).resolve().parents[1] / "knowledge_base" / "review_rules.yaml")
WITH_EXAMPLES = [r for r in CATALOGUE.rules if r.examples.violating or r.examples.compliant]


def _regime(rule: Rule) -> str:
    if rule.examples.regime:
        return rule.examples.regime
    return "工程" if rule.applies_to == "工程" else "政府采购"


def _cases(kind: str) -> list[tuple[str, str, str]]:
    out = []
    for r in WITH_EXAMPLES:
        for text in getattr(r.examples, kind):
            out.append((r.id, _regime(r), text))
    return out


@pytest.fixture(scope="module")
def reviewer() -> Reviewer:
    return Reviewer(CATALOGUE, kb=None, use_llm=False)


@pytest.mark.parametrize(("rule_id", "regime", "text"), _cases("violating"))
def test_violating_example_fires(reviewer: Reviewer, rule_id: str, regime: str, text: str) -> None:
    found = {f.rule_id for f in reviewer.review_text(HEADS[regime] + text, use_llm=False).findings}
    assert rule_id in found, f"{rule_id} missed: {text} (found {sorted(found)})"


@pytest.mark.parametrize(("rule_id", "regime", "text"), _cases("compliant"))
def test_compliant_example_is_quiet(reviewer: Reviewer, rule_id: str, regime: str, text: str) -> None:
    serious = {f.rule_id for f in reviewer.review_text(HEADS[regime] + text, use_llm=False).findings
               if f.severity in ("high", "medium")}
    assert rule_id not in serious, f"{rule_id} false alarm: {text}"


def test_every_rule_has_enough_examples() -> None:
    for r in CATALOGUE.rules:
        assert len(r.examples.violating) >= 5, r.id
        assert len(r.examples.compliant) >= 3, r.id


def test_unknown_keys_and_checks_fail_at_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from assistant.errors import ConfigError

    src = Path(CATALOGUE.path).read_text(encoding="utf-8")
    for bad in (src.replace("unless: ['不得', '禁止', '严禁']", "unles: ['不得']", 1),
                src.replace("check: bid_period", "check: bid_priod", 1),
                src.replace("params: {min_days: 20}", "params: {min_dayz: 20}", 1)):
        assert bad != src
        p = tmp_path / "rules.yaml"
        p.write_text(bad, encoding="utf-8")
        with pytest.raises(ConfigError):
            load_catalogue(p)


def test_a_key_given_twice_fails_at_load(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """YAML keeps the last of two equal keys silently; a rule's second `severity_by_regime` (pasted
    into the wrong detector) replaced the first. The catalogue rejects it, naming the line."""
    from pathlib import Path

    from assistant.errors import ConfigError

    src = Path(CATALOGUE.path).read_text(encoding="utf-8")
    line = "        severity_by_regime: {政府采购: medium, 工程: low}\n"
    assert line in src
    p = tmp_path / "rules.yaml"
    p.write_text(src.replace(line, line + line, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_catalogue(p)
    assert "格式错误" in err.value.message and "duplicate key 'severity_by_regime'" in err.value.detail
