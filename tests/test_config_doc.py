"""Settings document themselves, and README's configuration table is generated from them."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from assistant.config import Settings
from assistant.config_doc import END, README, START, render_readme, settings_table


def test_readme_configuration_table_matches_the_settings() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == render_readme(text), "README is stale: run `python -m assistant.config_doc --write`"


def test_every_setting_has_a_description_and_a_row() -> None:
    table = settings_table()

    def walk(model: type[BaseModel], prefix: str) -> None:
        for name, field in model.model_fields.items():
            assert field.description, f"{prefix}{name} has no description"
            sub = field.annotation
            if isinstance(sub, type) and issubclass(sub, BaseModel):
                walk(sub, f"{prefix}{name.upper()}__")
            else:
                assert f"`{prefix}{name.upper()}`" in table

    walk(Settings, "ASSISTANT_")


def test_a_changed_description_is_drift() -> None:
    text = README.read_text(encoding="utf-8")
    stale = text.replace("| 上传文件大小上限（MB） |", "| 上传上限 |")
    assert stale != text and render_readme(stale) == text
    with pytest.raises(ValueError, match="markers"):
        render_readme(text.replace(START, "").replace(END, ""))
