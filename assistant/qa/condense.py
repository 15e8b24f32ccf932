"""Multi-turn: turn a follow-up question into a standalone one before retrieval.

With an LLM the `condense` prompt rewrites it. Without one (backend `none`) a simple rule:
a short follow-up that leans on the previous turn (「那货物类的呢？」「这个期限是多少」) is joined
with the previous standalone question, so it inherits that question's topic and law; a
question that names its own law or article, or is long enough to stand alone, is kept as is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.citations import find_article_refs
from assistant.text_zh import normalize

#: Openers and words that point back to the previous turn.
_FOLLOW_UP_START = re.compile(r"^(?:那么?|那如果|如果是|要是|还有|另外|此外|同样|这个|这种|这些|这条|该条|此条|上述|它|其|那个|那些)")
_BACK_REFERENCE = re.compile(r"(这个|这种|这些|这条|该条|此条|上述|上面|前面|它的?|其中|那个|那些|同样|也是|还是|呢[？?]?$)")
_OWN_LAW = re.compile(r"《[^》]+》|[\u4e00-\u9fa5]{2,12}(?:法|条例|办法)")
#: Follow-ups are short; anything longer is treated as a new question.
MAX_FOLLOW_UP_CHARS = 20
HISTORY_TURNS = 3


def is_follow_up(question: str) -> bool:
    q = normalize(question).strip()
    if len(q) > MAX_FOLLOW_UP_CHARS:
        return False
    if find_article_refs(q) or _OWN_LAW.search(q):
        return bool(_FOLLOW_UP_START.match(q)) and not find_article_refs(q)
    return bool(_FOLLOW_UP_START.match(q) or _BACK_REFERENCE.search(q) or len(q) <= 6)


def rule_condense(question: str, history: Sequence[tuple[str, str]]) -> str:
    """Standalone question by rule: follow-ups inherit the previous standalone question."""
    previous: str | None = None
    for user_turn, _ in history:
        previous = _join(user_turn, previous) if previous and is_follow_up(user_turn) else user_turn
    q = question.strip()
    if previous and is_follow_up(q):
        return _join(q, previous)
    return q


def _join(follow_up: str, previous: str) -> str:
    tail = re.sub(r"^(?:那么?|那如果|另外|还有|此外)[，,]?", "", follow_up.strip())
    return f"{previous.strip().rstrip('？?。')}；{tail}"


def format_history(history: Sequence[tuple[str, str]], turns: int = HISTORY_TURNS, max_answer_chars: int = 200) -> str:
    """History for the condense prompt: the last turns, answers shortened."""
    lines = []
    for user_turn, answer in list(history)[-turns:]:
        lines.append(f"用户：{user_turn.strip()}")
        short = " ".join(answer.split())
        lines.append(f"助手：{short[:max_answer_chars]}{'……' if len(short) > max_answer_chars else ''}")
    return "\n".join(lines)
