"""The page's language and head: Gradio's page template hard-codes `<html lang="en">`, English
link-preview tags (og:title 「Gradio」, 「Click to try out the app!」, an image on github.com) and
no title; users' browsers, screen readers and translation prompts should see Chinese from the first byte.

The same template serves the login page, which gets none of the app's `head` (app_ui.LOCALE_HEAD),
so the browser language Gradio's widgets follow (「登录」「用户名」「密码」 instead of Login /
username / password) is set here, first thing in every page. Gradio has no option for any of this.
"""

from __future__ import annotations

import re

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_LANG = "zh-CN"
PAGE_TITLE = "招投标审查助手"
PAGE_DESCRIPTION = "婺城区公共资源交易 · 招投标政策问答与审查助手（本机离线运行）"
_EN = b'lang="en"'
#: Gradio's widgets take their language from navigator.language: ask for Chinese before they load
LOCALE_SCRIPT = (
    "<script>(function(){try{"
    "Object.defineProperty(navigator,'language',{get:function(){return 'zh-CN';}});"
    "Object.defineProperty(navigator,'languages',{get:function(){return ['zh-CN','zh'];}});"
    "}catch(e){}document.documentElement.lang='zh-CN';})();</script>"
)
HEAD_TAGS = (
    f"<title>{PAGE_TITLE}</title>"
    f'<meta name="description" content="{PAGE_DESCRIPTION}" />'
    f'<meta property="og:title" content="{PAGE_TITLE}" />'
    f'<meta property="og:description" content="{PAGE_DESCRIPTION}" />'
    + LOCALE_SCRIPT
).encode()
_HEAD = b"<head>"
#: link-preview tags of the template (all of them Gradio's: its name, its slogan, its image URL)
_PREVIEW_META = re.compile(rb'<meta\s+(?:property="og:[^"]*"|name="twitter:[^"]*")\s+content="[^"]*"\s*/?>\s*')
_CONFIG_SCRIPT = b"<script>window.gradio_config"  # the head's tags all come before the (large) config


def rewrite_head(page: bytes) -> bytes:
    """The page with lang="zh-CN", a Chinese title and description, the locale script, no Gradio preview tags."""
    end = page.find(_CONFIG_SCRIPT)
    end = end if end >= 0 else page.find(b"</head>")
    if end < 0 or _HEAD not in page[:end]:
        return page
    head = _PREVIEW_META.sub(b"", page[:end].replace(_EN, f'lang="{PAGE_LANG}"'.encode(), 1))
    head = head.replace(_HEAD, _HEAD + HEAD_TAGS, 1)
    return head + page[end:]


class HtmlLangMiddleware:
    """Rewrites the head of HTML pages with `rewrite_head`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET":
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def rewriting_send(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=list(message.get("headers", [])))
                html = headers.get("content-type", "").startswith("text/html")
                if not html or "content-encoding" in headers:
                    await send(message)
                    return
                start = message
                return
            if start is None or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = rewrite_head(b"".join(chunks))
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            if "content-length" in headers:
                headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, rewriting_send)
