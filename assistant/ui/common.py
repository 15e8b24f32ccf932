"""Shared UI plumbing: turn errors into plain-Chinese messages and progress callbacks into gr.Progress."""

from __future__ import annotations

import functools
import inspect
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import gradio as gr

from assistant.errors import UserError
from assistant.progress import stage_label, stage_unit
from assistant.schema import DocumentMeta
from assistant.services import Services
from assistant.ui.render import end_user_text

log = logging.getLogger("assistant.ui")
T = TypeVar("T")


INTERNAL_ERROR = "处理时出现内部错误，请稍后重试；如果反复出现，请把服务器日志（data/logs/assistant.log）交给管理员。"


def user_message(exc: BaseException) -> str:
    """What the user reads for an error (logged here): a UserError's own message (without setting
    names or server addresses), else a generic one."""
    if isinstance(exc, UserError):
        log.warning("%s: %s", type(exc).__name__, exc.detail)
        return end_user_text(exc.message)
    log.exception("unexpected UI error", exc_info=exc)
    return INTERNAL_ERROR


def _to_gr_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, gr.Error):
        return exc
    return gr.Error(user_message(exc), title="无法完成" if isinstance(exc, UserError) else "出错了")


def friendly(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an event handler: UserError → its Chinese message; anything else → a generic message + log."""
    if inspect.isgeneratorfunction(fn):
        @functools.wraps(fn)
        def gen_wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                yield from fn(*args, **kwargs)
            except Exception as exc:
                raise _to_gr_error(exc) from None
        return gen_wrapper

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise _to_gr_error(exc) from None
    return wrapper


def document_index(services: Services) -> dict[str, DocumentMeta]:
    """doc_id → metadata of every indexed document (dates and versions for citations); {} if unreadable."""
    try:
        return {d.doc_id: d for d in services.kb.list_documents(include_superseded=True)}
    except (UserError, OSError, ValueError):
        log.warning("cannot list documents for citation metadata", exc_info=True)
        return {}


def progress_callback(progress: gr.Progress, prefix: str = "") -> Callable[[str, int, int], None]:
    """Adapt the project-wide `progress(stage, done, total)` callback to a Gradio progress bar.

    The bar reads 「导入 a.pdf：生成向量 - 120/300 条」: Chinese stage names, a count with its unit
    (no bare percentages), and the file being worked on when `prefix` names it.
    """
    def cb(stage: str, done: int, total: int) -> None:
        desc = f"{prefix}{stage_label(stage)}"
        try:
            if total:
                progress((min(done, total), total), desc=desc, unit=stage_unit(stage))
            else:
                progress(None, desc=desc)
        except Exception:
            log.debug("progress update failed", exc_info=True)
    return cb


@dataclass
class Done(Generic[T]):
    """The result of work run by `with_progress`."""

    value: T


@dataclass
class _ProgressState:
    stage: str = ""
    done: int = 0
    total: int = 0
    history: list[str] = field(default_factory=list)


def progress_html(title: str, stage: str, done: int, total: int, finished: list[str] | None = None) -> str:
    """A Chinese progress panel: the task, its finished stages, the current stage with a count and a bar."""
    from assistant.ui.render import esc

    pct = int(100 * min(done, total) / total) if total else 0
    count = f"{min(done, total)}/{total} {stage_unit(stage)}" if total else ""
    steps = "".join(f'<li class="done">✓ {esc(s)}</li>' for s in (finished or []))
    current = (f'<li class="now">{esc(stage_label(stage))} {esc(count)}'
               f'<div class="bar"><div style="width:{pct}%"></div></div></li>') if stage else ""
    return f'<div class="work-progress"><b>{esc(title)}</b><ul>{steps}{current}</ul></div>'


def with_progress(work: Callable[[Callable[[str, int, int], None]], T], title: str,
                  interval: float = 0.4) -> Iterator[str | Done[T]]:
    """Run `work(progress)` in a thread; yield a progress panel (HTML) while it runs, then `Done(result)`.

    Gradio's own status overlay prints English ("processing", "queue", seconds); handlers using
    this show our Chinese panel instead and hide that overlay (show_progress="hidden").
    """
    state = _ProgressState()
    lock = threading.Lock()

    def cb(stage: str, done: int, total: int) -> None:
        with lock:
            label = stage_label(stage)
            if state.stage and state.stage != stage and stage_label(state.stage) not in state.history:
                state.history.append(stage_label(state.stage))
            if label in state.history:
                state.history.remove(label)
            state.stage, state.done, state.total = stage, done, total

    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(work(cb))
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target, name="ui-work", daemon=True)
    thread.start()
    last = ""
    while thread.is_alive():
        thread.join(interval)
        with lock:
            panel = progress_html(title, state.stage, state.done, state.total, list(state.history))
        if panel != last:
            last = panel
            yield panel
    if error:
        raise error[0]
    yield Done(result[0])
