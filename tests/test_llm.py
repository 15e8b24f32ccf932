"""LLM backends: factory, fake model, and the real wire path through ChatOpenAI to a loopback server."""

from __future__ import annotations

import logging

import pytest
from langchain_core.messages import HumanMessage
from pydantic import BaseModel

from assistant.config import LLMSettings
from assistant.errors import BackendError, ConfigError
from assistant.llm import (
    FakeChatModel,
    backend_label,
    call_chat,
    invoke_json,
    make_chat_model,
    model_label,
    parse_json_reply,
    stream_chat,
)
from assistant.testing import OpenAIStubServer

MSG = [HumanMessage(content="投标保证金的上限是多少？")]


@pytest.fixture
def stub():
    with OpenAIStubServer(models=["qwen-test"]) as server:
        yield server


def openai_model(stub: OpenAIStubServer, **overrides):
    values = {"backend": "openai", "base_url": stub.base_url, "model": "qwen-test", "timeout_s": 2.0, "max_retries": 0}
    values.update(overrides)
    return make_chat_model(LLMSettings(**values))


# ------------------------------------------------------------------ factory


def test_none_backend_builds_nothing():
    assert make_chat_model(LLMSettings(backend="none")) is None
    assert backend_label(None) == "none"


def test_openai_without_base_url_is_a_chinese_config_error():
    with pytest.raises(ConfigError) as info:
        make_chat_model(LLMSettings(backend="openai"))
    assert "ASSISTANT_LLM__BASE_URL" in info.value.message


def test_api_key_is_never_logged(stub, caplog):
    caplog.set_level(logging.DEBUG)
    model = openai_model(stub, api_key="sk-very-secret-123")
    stub.queue("好的")
    call_chat(model, MSG)
    assert "sk-very-secret-123" not in caplog.text
    assert "sk-very-secret-123" not in repr(model)


# ------------------------------------------------------------------ fake model


def test_fake_model_replies_in_queue_order_then_uses_responder():
    model = make_chat_model(LLMSettings(backend="fake"))
    assert isinstance(model, FakeChatModel)
    model.queue("第一", "第二")
    assert call_chat(model, MSG) == "第一"
    assert "".join(stream_chat(model, MSG)) == "第二"
    model.responder = lambda messages: "来自responder"
    assert call_chat(model, MSG) == "来自responder"
    assert len(model.calls) == 3 and model.calls[0][-1].content == MSG[0].content


def test_fake_model_streams_in_several_chunks():
    model = FakeChatModel(["招标人应当确定合理时间[1]。"], chunk_size=3)
    parts = list(stream_chat(model, MSG))
    assert len(parts) > 2 and "".join(parts) == "招标人应当确定合理时间[1]。"


def test_fake_model_raises_queued_exceptions_as_backend_errors():
    model = FakeChatModel([RuntimeError("boom")])
    with pytest.raises(BackendError):
        call_chat(model, MSG)


class Verdict(BaseModel):
    risky: bool
    reason: str


def test_fake_structured_output_parses_json_into_the_schema():
    model = FakeChatModel(['```json\n{"risky": true, "reason": "限定品牌"}\n```'])
    result = model.with_structured_output(Verdict).invoke(MSG)
    assert result == Verdict(risky=True, reason="限定品牌")


def test_default_fake_responder_cites_the_numbered_context():
    model = FakeChatModel()
    prompt = "参考条文：\n[1] 《招标投标法》第二十四条（法律，现行有效）最短不得少于二十日。\n[2] 《x》第一条（法律，现行有效）甲。\n问题：多少天"
    reply = call_chat(model, [HumanMessage(content=prompt)])
    assert "[1]" in reply and "[2]" in reply


def test_invoke_json_rejects_malformed_json_with_a_backend_error():
    model = FakeChatModel(["这不是JSON"])
    with pytest.raises(BackendError):
        invoke_json(model, MSG, Verdict)
    assert parse_json_reply('前言 {"a": 1} 后记') == {"a": 1}


# ------------------------------------------------------------------ wire path (real HTTP)


def test_openai_backend_round_trip_over_http(stub):
    model = openai_model(stub)
    stub.queue("最短不得少于二十日[1]。")
    assert call_chat(model, MSG) == "最短不得少于二十日[1]。"
    body = stub.requests[-1]
    assert body["model"] == "qwen-test" and body["messages"][-1]["content"] == MSG[0].content
    assert model_label(model) == "qwen-test" and backend_label(model) == "openai"


def test_openai_backend_streams_sse_chunks(stub):
    model = openai_model(stub)
    stub.chunk_size = 2
    stub.queue("依法必须招标的项目不少于二十日")
    parts = list(stream_chat(model, MSG))
    assert len(parts) >= 5 and "".join(parts) == "依法必须招标的项目不少于二十日"
    assert stub.requests[-1]["stream"] is True


def test_slow_server_times_out_with_a_chinese_message(stub):
    stub.mode, stub.delay_s = "slow", 3.0
    model = openai_model(stub, timeout_s=0.5)
    with pytest.raises(BackendError) as info:
        call_chat(model, MSG)
    assert "超时" in info.value.message


@pytest.mark.parametrize("mode", ["malformed", "bad_shape"])
def test_malformed_reply_is_a_backend_error(stub, mode):
    stub.mode = mode
    with pytest.raises(BackendError) as info:
        call_chat(openai_model(stub), MSG)
    assert "无法解析" in info.value.message
    with pytest.raises(BackendError):
        list(stream_chat(openai_model(stub), MSG))


def test_server_error_is_retried_then_reported(stub):
    stub.mode = "error500"
    with pytest.raises(BackendError) as info:
        call_chat(openai_model(stub, max_retries=1), MSG)
    assert "HTTP 500" in info.value.message
    assert len(stub.requests) == 2  # one retry (with backoff) before giving up


def test_unknown_model_names_the_model(stub):
    with pytest.raises(BackendError) as info:
        call_chat(openai_model(stub, model="no-such-model"), MSG)
    assert "no-such-model" in info.value.message and "ASSISTANT_" not in info.value.message


def test_server_down_says_so(stub):
    url = stub.base_url
    stub.stop()
    model = make_chat_model(LLMSettings(backend="openai", base_url=url, model="qwen-test", timeout_s=1, max_retries=0))
    with pytest.raises(BackendError) as info:
        call_chat(model, MSG)
    assert "无法连接" in info.value.message


def test_stub_lists_models(stub):
    import httpx

    data = httpx.get(stub.base_url + "/models").json()
    assert [m["id"] for m in data["data"]] == ["qwen-test"]
