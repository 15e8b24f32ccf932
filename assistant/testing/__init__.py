"""Test doubles for integrators and the evaluation team (public API, offline, deterministic).

- `FakeChatModel`: a real langchain chat model with queued replies (str, or an exception to
  raise), streaming and structured output; when the queue is empty it answers from the numbered
  context of the prompt. It is also the `ASSISTANT_LLM__BACKEND=fake` backend.
- `FakeEmbeddings`: deterministic character-bigram vectors (no model download); also the
  `ASSISTANT_EMBEDDING__BACKEND=fake` backend.
- `OpenAIStubServer`: a real OpenAI-compatible HTTP server on 127.0.0.1 (chat completions, JSON
  and SSE streaming, scripted failures), to test a deployment's wire path without a GPU.

Usage::

    from assistant.services import Services
    from assistant.testing import FakeChatModel

    services = Services(settings, overrides={"llm": FakeChatModel(replies=["依据第二十四条[1]……"])})
"""

from __future__ import annotations

from assistant.embeddings import FakeEmbeddings
from assistant.llm import FakeChatModel
from assistant.testing.openai_stub import OpenAIStubServer

__all__ = ["FakeChatModel", "FakeEmbeddings", "OpenAIStubServer"]
