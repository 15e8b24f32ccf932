"""Chat model factory and safe call helpers.

`make_chat_model` is the single place that turns `LLMSettings` into a LangChain chat model:
`none` -> None (extractive / rule-only product), `openai` -> `ChatOpenAI` against any
OpenAI-compatible server, `fake` -> `FakeChatModel` (queued replies, streaming, structured
output) for tests and offline demos. `call_chat` / `stream_chat` / `invoke_json` turn every
client failure into a `BackendError` with a Chinese message, so shells never show tracebacks.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import BaseModel, ConfigDict, PrivateAttr

from assistant.config import redact_url
from assistant.errors import BackendError, ConfigError

if TYPE_CHECKING:
    from assistant.config import LLMSettings

log = logging.getLogger(__name__)

#: Signature of a fake responder: sees the prompt messages, returns the reply text.
Responder = Callable[[list[BaseMessage]], str]


# --------------------------------------------------------------------------- factory


def make_chat_model(settings: LLMSettings) -> BaseChatModel | None:
    """Build the configured chat model (None for `none`); never logs the API key."""
    backend = settings.backend
    if backend == "none":
        return None
    if backend == "fake":
        return FakeChatModel(model_name=settings.model or "fake")
    if backend == "openai":
        if not settings.base_url:
            raise ConfigError(
                "已选择 openai 大模型后端，但没有配置服务地址。请设置 ASSISTANT_LLM__BASE_URL"
                "（例如 http://127.0.0.1:8000/v1），或把 ASSISTANT_LLM__BACKEND 改为 none 使用无模型模式。",
                "llm.backend=openai requires llm.base_url",
            )
        if not settings.model:
            raise ConfigError("未配置大模型名称，请设置 ASSISTANT_LLM__MODEL。", "llm.model is empty")
        try:
            from langchain_openai import ChatOpenAI
        except ImportError as exc:  # pragma: no cover - it is a core dependency
            raise ConfigError(
                "缺少 langchain-openai 组件，请执行 pip install langchain-openai。", str(exc)
            ) from exc
        log.info(
            "LLM backend openai: base_url=%s model=%s timeout=%.0fs retries=%d",
            redact_url(settings.base_url), settings.model, settings.timeout_s, settings.max_retries,
        )
        return ChatOpenAI(
            base_url=settings.base_url,
            api_key=settings.api_key,  # SecretStr: never printed
            model=settings.model,
            timeout=settings.timeout_s,
            max_retries=settings.max_retries,  # the openai client retries with exponential backoff
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            # `streaming` is left unset: invoke() stays non-streaming, stream() uses SSE
            # (setting it to False would hard-disable streaming in langchain-core 1.x).
        )
    raise ConfigError(f"未知的大模型后端：{backend}（可选 none / openai / fake）。", f"llm.backend={backend}")


def model_label(model: BaseChatModel | None) -> str | None:
    """A short model name for answer metadata and eval records."""
    if model is None:
        return None
    for attr in ("model_name", "model"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return type(model).__name__


def backend_label(model: BaseChatModel | None) -> str:
    if model is None:
        return "none"
    return "fake" if isinstance(model, FakeChatModel) else "openai"


# --------------------------------------------------------------------------- error mapping


#: `BackendError.reason` of a reply that is not what was asked for.
UNPARSABLE = "应答无法解析"


def map_llm_error(exc: BaseException, model: BaseChatModel | None = None) -> BackendError:  # noqa: C901 - one branch per backend failure kind
    """Translate an openai / httpx / parsing failure into a BackendError with a Chinese message."""
    name = model_label(model) or "大模型"
    base_url = redact_url(getattr(model, "openai_api_base", None)) or ""
    detail = f"{type(exc).__name__}: {exc}"
    try:
        import openai
    except ImportError:  # pragma: no cover
        openai = None  # type: ignore[assignment]
    if isinstance(exc, BackendError):
        return exc
    detail = f"{detail} (server {base_url})"
    if openai is not None:
        if isinstance(exc, openai.APITimeoutError):
            return BackendError("大模型服务响应超时，请稍后重试；如经常超时，请管理员调大大模型超时设置。", detail, "响应超时")
        if isinstance(exc, openai.APIConnectionError):
            return BackendError("无法连接大模型服务，请确认服务已启动且地址正确。", detail, "无法连接服务")
        if isinstance(exc, openai.NotFoundError):
            return BackendError(f"大模型服务中找不到模型「{name}」，请管理员检查模型名称配置是否与服务端一致。", detail,
                                "找不到模型")
        if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
            return BackendError("大模型服务拒绝访问：API 密钥无效或无权限，请管理员检查密钥配置。", detail, "拒绝访问")
        if isinstance(exc, openai.RateLimitError):
            return BackendError("大模型服务繁忙（请求过多），请稍后重试。", detail, "服务繁忙")
        if isinstance(exc, openai.APIResponseValidationError):
            return BackendError("大模型服务返回了无法解析的应答，请检查服务是否兼容 OpenAI 接口。", detail, UNPARSABLE)
        if isinstance(exc, openai.APIStatusError):
            return BackendError(f"大模型服务出错（HTTP {exc.status_code}），请稍后重试或查看服务端日志。", detail,
                                f"服务出错 HTTP {exc.status_code}")
    if isinstance(exc, (json.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError)):
        return BackendError("大模型服务返回了无法解析的应答，请检查服务是否兼容 OpenAI 接口。", detail, UNPARSABLE)
    return BackendError("调用大模型服务失败，请稍后重试或查看日志。", detail, "调用失败")


def failure_reason(exc: BaseException) -> str:
    """Why a model call failed, in the few words every use case shows (「响应超时」「服务出错 HTTP 500」; no
    address, no setting, no exception class): the `BackendError.reason` the failure maps to."""
    return map_llm_error(exc).reason


def call_chat(model: BaseChatModel, messages: Sequence[BaseMessage]) -> str:
    """One completion as text; any failure becomes a BackendError."""
    try:
        reply = model.invoke(list(messages))
    except Exception as exc:
        raise map_llm_error(exc, model) from exc
    text = _content_text(reply)
    if not isinstance(reply, BaseMessage):
        raise BackendError("大模型服务返回了无法解析的应答。", f"unexpected reply type {type(reply)!r}", UNPARSABLE)
    return text


def stream_chat(model: BaseChatModel, messages: Sequence[BaseMessage]) -> Iterator[str]:
    """Text deltas of one completion; failures (also mid-stream) become a BackendError."""
    try:
        for chunk in model.stream(list(messages)):
            text = _content_text(chunk)
            if text:
                yield text
    except BackendError:
        raise
    except Exception as exc:
        raise map_llm_error(exc, model) from exc


def invoke_json(model: BaseChatModel, messages: Sequence[BaseMessage], schema: type[BaseModel] | None = None) -> Any:
    """Ask for JSON in the prompt and parse it; works with any OpenAI-compatible server.

    (`with_structured_output` needs tool calling or json_schema support, which many local
    servers lack; prompting for JSON and validating here is the portable path.)
    """
    text = call_chat(model, messages)
    try:
        data = parse_json_reply(text)
        return schema.model_validate(data) if schema is not None else data
    except Exception as exc:
        raise BackendError("大模型返回的结构化结果格式不正确，已忽略该结果。", f"bad JSON reply: {exc}; text={text[:200]!r}",
                           UNPARSABLE) from exc


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def parse_json_reply(text: str) -> Any:
    """Parse a JSON object/array from a model reply (tolerates ``` fences and chatter around it)."""
    fenced = _FENCE.search(text)
    if fenced:
        text = fenced.group(1)
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        starts = [i for i in (text.find("{"), text.find("[")) if i >= 0]
        if not starts:
            raise
        start = min(starts)
        end = max(text.rfind("}"), text.rfind("]"))
        return json.loads(text[start : end + 1])


def _content_text(message: Any) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content or "")


# --------------------------------------------------------------------------- fake model


class FakeChatModel(BaseChatModel):
    """A real chat model for tests and offline demos: queued replies, else a responder.

    - `queue(*replies)` appends replies (str, or an Exception to raise);
    - when the queue is empty, `responder(messages)` is used; the default responder answers
      from the numbered context in the prompt (cites [1], [2]) so the `fake` backend is a
      deterministic stand-in for a well-behaved model;
    - streaming yields the reply in small chunks; `with_structured_output` parses JSON replies;
    - `calls` records the prompts it saw (for assertions).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    model_name: str = "fake"
    chunk_size: int = 4
    responder: Responder | None = None
    _replies: deque = PrivateAttr(default_factory=deque)
    _calls: list = PrivateAttr(default_factory=list)
    _lock: Any = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, replies: Sequence[str | BaseException] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._replies.extend(replies)

    @property
    def _llm_type(self) -> str:
        return "fake-chat"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        return self._calls

    def queue(self, *replies: str | BaseException) -> FakeChatModel:
        with self._lock:
            self._replies.extend(replies)
        return self

    def _next_reply(self, messages: list[BaseMessage]) -> str:
        with self._lock:
            self._calls.append(list(messages))
            reply = self._replies.popleft() if self._replies else None
        if isinstance(reply, BaseException):
            raise reply
        if reply is not None:
            return reply
        return (self.responder or default_fake_responder)(messages)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = self._next_reply(messages)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._next_reply(messages)
        for i in range(0, len(text), max(1, self.chunk_size)):
            piece = text[i : i + self.chunk_size]
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk

    def with_structured_output(
        self, schema: dict[str, Any] | type, *, include_raw: bool = False, **kwargs: Any
    ) -> Runnable:
        """Parse the (queued) JSON reply into `schema` (a pydantic class) or a dict."""

        def _parse(value: Any) -> Any:
            reply = self.invoke(value)
            data = parse_json_reply(_content_text(reply))
            parsed = schema.model_validate(data) if isinstance(schema, type) and issubclass(schema, BaseModel) else data
            return {"raw": reply, "parsed": parsed, "parsing_error": None} if include_raw else parsed

        return RunnableLambda(_parse)


_CONTEXT_LINE = re.compile(r"^\[(\d{1,2})\]\s*(.+)$", re.M)


def default_fake_responder(messages: list[BaseMessage]) -> str:
    """Answer like a careful model: restate the first two context items and cite them.

    Prompts without a numbered context (condense, review) get the last user text back, so
    the fake is usable for every prompt of the product.
    """
    last = _content_text(messages[-1]) if messages else ""
    items = _CONTEXT_LINE.findall(last)
    if not items:
        if "JSON" in last or "json" in last:
            return "[]"
        q = re.search(r"后续问题[:：]\s*(.+)", last)
        return q.group(1).strip() if q else last.strip()[-200:]
    parts = []
    for n, body in items[:2]:
        head = body.split("）", 1)
        gist = (head[1] if len(head) > 1 else body).strip()
        gist = re.split(r"[。；]", gist)[0][:80]
        parts.append(f"{gist}[{n}]。")
    return "根据检索到的条文：" + "".join(parts)
