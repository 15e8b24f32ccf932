"""Invalid settings explained in Chinese: one line per wrong setting (which environment variable, what it
is, what was given, what is allowed) instead of pydantic's English validation report."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from assistant.config import Settings

#: pydantic error types -> what the value should be (``{…}`` filled from the error's context).
_EXPECTED = {
    "literal_error": "可选值：{expected}",
    "enum": "可选值：{expected}",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "url_parsing": "应为网址（如 http://127.0.0.1:8000/v1）",
    "missing": "必须填写",
    "json_invalid": "应为 JSON 格式",
}


def _expected_list(text: str) -> str:
    """「'a', 'b' or 'c'」 -> 「a、b、c」."""
    return "、".join(p.strip().strip("'\"") for p in re.split(r",| or ", text) if p.strip())


def _description(loc: tuple[Any, ...]) -> str | None:
    """The Chinese description of the setting at ``loc`` (descriptions of Settings' fields)."""
    model: type[BaseModel] | None = Settings
    description = None
    for part in loc:
        field = model.model_fields.get(str(part)) if model is not None else None
        if field is None:
            return description
        description = (field.description or "").replace("`", "") or None
        annotation = field.annotation
        model = annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None
    return description


def explain(exc: ValidationError) -> list[str]:
    """One Chinese line per invalid setting: 「ASSISTANT_EMBEDDING__BACKEND（向量模型后端）的值「nope」无效，可选值：…」."""
    lines = []
    for err in exc.errors():
        loc = tuple(err.get("loc") or ())
        name = "ASSISTANT_" + "__".join(str(p).upper() for p in loc) if loc else "配置"
        about = _description(loc)
        ctx = {k: (_expected_list(str(v)) if k == "expected" else v) for k, v in (err.get("ctx") or {}).items()}
        template = _EXPECTED.get(str(err.get("type")), "")
        try:
            expected = template.format(**ctx) if template else ""
        except (KeyError, IndexError):
            expected = ""
        given = err.get("input")
        value = f"的值「{given}」" if err.get("type") != "missing" and isinstance(given, str | int | float | bool) else ""
        line = f"{name}{f'（{about}）' if about else ''}{value}无效"
        lines.append(f"{line}：{expected}。" if expected else f"{line}。")
    return lines
