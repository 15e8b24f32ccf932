"""Prompt templates packaged as YAML (`prompts/<name>.yaml`), rendered strictly with Jinja2.

Each file holds `name`, `description`, `variables`, `system` and `user` templates. A missing
variable is an error (`StrictUndefined`), never a silently empty prompt. `Prompt.hash` (first
12 hex of the file's sha256) is recorded in every answer's metadata and every eval run so that
results can be traced to the exact prompt text.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, TemplateError
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant.config import resource_dir
from assistant.errors import ConfigError

DEFAULT_PROMPTS_DIR = resource_dir("prompts")

_ENV = Environment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False, trim_blocks=True)


@dataclass(frozen=True)
class Prompt:
    """One loaded prompt: templates plus the content hash of its YAML file."""

    name: str
    path: Path
    hash: str
    system: str
    user: str
    variables: tuple[str, ...] = ()
    description: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def render(self, **values: Any) -> list[BaseMessage]:
        """System + user messages; raises ConfigError when a variable is missing or unknown."""
        missing = [v for v in self.variables if v not in values]
        if missing:
            raise ConfigError(
                f"提示词模板 {self.name} 缺少变量：{', '.join(missing)}。",
                f"prompt {self.name} ({self.path}) rendered without {missing}",
            )
        try:
            system = _ENV.from_string(self.system).render(**values).strip()
            user = _ENV.from_string(self.user).render(**values).strip()
        except TemplateError as exc:
            raise ConfigError(f"提示词模板 {self.name} 渲染失败：{exc}", f"{self.path}: {exc!r}") from exc
        messages: list[BaseMessage] = []
        if system:
            messages.append(SystemMessage(content=system))
        messages.append(HumanMessage(content=user))
        return messages

    def render_text(self, **values: Any) -> str:
        """The rendered prompt as one string (logs, eval records)."""
        return "\n\n".join(str(m.content) for m in self.render(**values))


_cache: dict[Path, tuple[float, Prompt]] = {}
_lock = threading.Lock()


def load_prompt(name: str, prompts_dir: Path | None = None) -> Prompt:
    """Load `prompts/<name>.yaml` (cached, reloaded when the file changes)."""
    path = (prompts_dir or DEFAULT_PROMPTS_DIR) / f"{name}.yaml"
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到提示词模板文件：{path}", f"missing prompt {path}") from exc
    with _lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    raw = path.read_bytes()
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"提示词模板文件格式错误：{path.name}", f"{path}: {exc}") from exc
    if not isinstance(data, dict) or "user" not in data:
        raise ConfigError(f"提示词模板文件缺少 user 模板：{path.name}", f"{path}: no 'user' key")
    known = {"name", "description", "variables", "system", "user"}
    prompt = Prompt(
        name=str(data.get("name") or name),
        path=path,
        hash=hashlib.sha256(raw).hexdigest()[:12],
        system=str(data.get("system") or ""),
        user=str(data["user"]),
        variables=tuple(data.get("variables") or ()),
        description=str(data.get("description") or ""),
        extra={k: v for k, v in data.items() if k not in known},
    )
    with _lock:
        _cache[path] = (mtime, prompt)
    return prompt


def prompt_hashes(names: list[str] | None = None, prompts_dir: Path | None = None) -> dict[str, str]:
    """`{name: hash}` for the given prompts (default: every YAML file in the folder)."""
    folder = prompts_dir or DEFAULT_PROMPTS_DIR
    if names is None:
        names = sorted(p.stem for p in folder.glob("*.yaml"))
    return {n: load_prompt(n, folder).hash for n in names}
