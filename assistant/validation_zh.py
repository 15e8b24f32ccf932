"""Chinese messages for pydantic validation errors (REST request bodies, MCP tool arguments).

pydantic's own text is English and links to errors.pydantic.dev; users and agents get one
Chinese sentence per problem instead, naming the field in Chinese with its wire name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["FIELD_LABELS", "validation_message"]

#: wire name -> what users call it
FIELD_LABELS = {
    "question": "问题",
    "query": "检索内容",
    "k": "返回条数",
    "history": "对话历史",
    "answer": "回答",
    "include_superseded": "包含旧版本",
    "path": "文件路径",
    "tender": "招标文件路径",
    "bids": "投标文件",
    "file": "文件",
    "format": "报告格式",
    "force": "仍然审查",
    "use_llm": "使用大模型",
}

_LOCATIONS = ("body", "query", "path", "header", "cookie")
_EMPTY = {"string_too_short", "string_pattern_mismatch"}


def _field(loc: Sequence[Any]) -> tuple[str, str]:
    """(display name, wire path) of an error location, e.g. ('问题（question）', 'question')."""
    parts = [str(x) for x in loc]
    if parts in ([], ["body"]):  # REST: the whole request body
        return "请求体", ""
    if parts[0] in _LOCATIONS and len(parts) > 1:  # REST ("body", "question"); MCP has no prefix
        parts = parts[1:]
    wire = ".".join(parts)
    last = next((p for p in reversed(parts) if not p.isdigit()), "")
    label = FIELD_LABELS.get(last)
    return (f"{label}（{wire}）" if label else f"「{wire}」"), wire


#: pydantic error type -> sentence; {name} is the field, {ctx[...]} the constraint
_TEMPLATES = {
    "missing": "缺少必填项{name}",
    "string_too_short": "{name}至少需要 {min_length} 个字",
    "string_too_long": "{name}最多 {max_length} 个字",
    "too_short": "{name}至少需要 {min_length} 项",
    "too_long": "{name}最多 {max_length} 项",
    "greater_than_equal": "{name}不能小于 {ge}",
    "greater_than": "{name}必须大于 {gt}",
    "less_than_equal": "{name}不能大于 {le}",
    "less_than": "{name}必须小于 {lt}",
    "int_type": "{name}应为整数",
    "int_parsing": "{name}应为整数",
    "int_from_float": "{name}应为整数",
    "bool_type": "{name}应为 true 或 false",
    "bool_parsing": "{name}应为 true 或 false",
    "string_type": "{name}应为文本",
    "list_type": "{name}应为列表",
    "extra_forbidden": "不支持的字段「{wire}」",
}
_WHOLE_BODY = {"model_type", "model_attributes_type", "dict_type"}


def _one(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    loc = list(err.get("loc") or ())
    ctx = dict(err.get("ctx") or {})
    if kind == "json_invalid":
        pos = loc[1] if len(loc) > 1 and isinstance(loc[1], int) else None
        where = f"（第 {pos + 1} 个字符附近）" if pos is not None else ""
        return f"请求体不是有效的 JSON{where}，请检查引号、逗号和括号"
    name, wire = _field(loc)
    if kind in _EMPTY and (kind == "string_pattern_mismatch" or ctx.get("min_length") == 1):
        return f"{FIELD_LABELS.get(wire.rsplit('.', 1)[-1], name)}不能为空"
    if kind in _WHOLE_BODY and not wire:
        return "请求体应为 JSON 对象"
    if kind in ("literal_error", "enum"):
        expected = str(ctx.get("expected") or "").replace(" or ", ", ").replace(", ", "、")
        return f"{name}取值不正确" + (f"，可选值：{expected}" if expected else "")
    template = _TEMPLATES.get(kind)
    if template is not None:
        try:
            return template.format(name=name, wire=wire, **ctx)
        except (KeyError, IndexError):
            pass
    return f"{name}取值不正确"


def validation_message(errors: Iterable[Mapping[str, Any]], prefix: str = "请求参数有误：") -> str:
    """At most three problems in one Chinese sentence: 「请求参数有误：问题不能为空。」"""
    errors = list(errors)
    bad_json = next((e for e in errors if e.get("type") == "json_invalid"), None)
    if bad_json is not None:  # nothing else can be said about a body that is not JSON
        return _one(bad_json) + "。"
    parts: list[str] = []
    for err in errors:
        text = _one(err)
        if text not in parts:
            parts.append(text)
    if not parts:
        return prefix.rstrip("：") + "。"
    return prefix + "；".join(parts[:3]) + "。"
