"""Shared UI plumbing: turn errors into plain-Chinese messages and progress callbacks into gr.Progress."""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.errors import UserError

log = logging.getLogger("assistant.ui")


def _to_gr_error(exc: BaseException) -> gr.Error:
    if isinstance(exc, gr.Error):
        return exc
    if isinstance(exc, UserError):
        log.warning("%s: %s", type(exc).__name__, exc.detail)
        return gr.Error(exc.message, title="无法完成")
    log.exception("unexpected UI error", exc_info=exc)
    return gr.Error("处理时出现内部错误，请稍后重试；如果反复出现，请把服务器日志（data/logs/assistant.log）交给管理员。",
                    title="出错了")


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


def progress_callback(progress: gr.Progress) -> Callable[[str, int, int], None]:
    """Adapt the project-wide `progress(stage, done, total)` callback to a Gradio progress bar."""
    def cb(stage: str, done: int, total: int) -> None:
        try:
            if total:
                progress((min(done, total), total), desc=stage)
            else:
                progress(None, desc=stage)
        except Exception:
            pass
    return cb
