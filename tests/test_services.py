"""The composition root: `Services` wires every use case; `overrides` swaps one service."""

from __future__ import annotations

import pytest

from assistant.config import Settings
from assistant.embeddings import FakeEmbeddings
from assistant.llm import FakeChatModel
from assistant.services import SERVICE_NAMES, Services


def test_an_overridden_service_is_used_by_everything_built_from_it(fake_settings: Settings) -> None:
    model = FakeChatModel()
    embeddings = FakeEmbeddings()
    services = Services(fake_settings, overrides={"llm": model, "embeddings": embeddings})
    assert services.llm is model
    assert services.kb.embeddings is embeddings
    assert services.qa.llm is model
    assert services.qa.mode == "llm"


def test_without_overrides_the_settings_decide(fake_settings: Settings) -> None:
    services = Services(fake_settings)
    assert services.llm is None  # llm.backend = none
    assert services.qa.mode == "extractive"
    assert services.reviewer.llm is None


def test_an_unknown_override_is_refused(fake_settings: Settings) -> None:
    with pytest.raises(ValueError, match="llm_model"):
        Services(fake_settings, overrides={"llm_model": object()})
    assert {"embeddings", "kb", "retriever", "llm", "qa", "reviewer"} == SERVICE_NAMES
