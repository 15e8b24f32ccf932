"""Request and response bodies of the REST API that are not domain types from `assistant.schema`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from assistant.config import LimitsSettings
from assistant.schema import HISTORY_DESCRIPTION, MAX_QUESTION_CHARS, DocumentMeta, HistoryPair, HistoryTurn

#: the default of the configurable result limit (settings.limits.max_k, the schema's bound)
MAX_K = LimitsSettings().max_k


def _integral(value: object) -> object:
    """JSON Schema integers include 24.0; strict mode alone would refuse it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


JsonInt = Annotated[int, BeforeValidator(_integral)]


#: A text with a character other than white space, as the server reads white space (Python's str.split, which also
#: splits at \x1c-\x1f and \x85): the schema's regex dialects (ECMA in clients, Rust in pydantic) count those as
#: visible, so 「\x1f\x1f\x1f」 passed the schema and was then refused as an empty question.
VISIBLE = r"[^\s\x1c-\x1f\x85]"


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [{"query": "投标保证金最多能收多少", "k": 5}]})
    # strict: "5" is not a number and "true" is not a boolean (integrators get told, not guessed)

    # no schema maxLength: the configured limit (checked per request) gives the 422 naming its env var
    query: str = Field(min_length=1, pattern=VISIBLE,
                       description=f"检索内容，例如“投标保证金 上限”（默认 {MAX_QUESTION_CHARS} 字以内）")
    k: JsonInt = Field(default=5, ge=1, le=MAX_K, description=f"返回条数（1–{MAX_K}）")
    include_superseded: bool = Field(default=False, description="是否包含已修订/废止的旧版本")


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True,
                              json_schema_extra={"examples": [{"question": "发标后最快几天可以开标？"}]})

    question: str = Field(min_length=1, pattern=VISIBLE,
                          description=f"政策问题（默认 {MAX_QUESTION_CHARS} 字以内）")
    history: list[HistoryTurn | HistoryPair] = Field(default_factory=list, max_length=20, description=HISTORY_DESCRIPTION)


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"] = Field(description="ok：正常；degraded：索引不可读或向量库服务无法连接")
    version: str = Field(description="应用版本")
    versions: dict[str, str | None] = Field(description="主要组件版本（未安装为 null）")
    backends: dict[str, Any] = Field(description="当前使用的向量模型、大模型与向量库（不含密钥）")
    index: dict[str, Any] = Field(description="索引规模（文档数、分块数等）；不可读时为 {\"error\": 说明}")
    reason: str | None = Field(default=None, description="status 为 degraded 时的中文原因；正常时为 null")


class RemovedDocument(DocumentMeta):
    """A removed document's metadata, with what removing it means (DELETE /documents/{doc_id})."""

    note: str | None = Field(default=None, description="删除随软件提供的文档时的提醒（之后的构建不会自动恢复）；用户文档为 null")
