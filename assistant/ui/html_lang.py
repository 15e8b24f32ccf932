"""The page's language: Gradio's page template hard-codes `<html lang="en">`; users' browsers,
screen readers and translation prompts should see Chinese from the first byte.

(The head script in app_ui also sets `document.documentElement.lang` once it runs, but only after
the page has loaded; Gradio has no option for the template's `lang`.)
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_LANG = "zh-CN"
_EN = b'lang="en"'
_HEAD_BYTES = 512  # the attribute is on the <html> tag, at the very start of the page


class HtmlLangMiddleware:
    """Rewrites `lang="en"` on the <html> tag of HTML pages to `lang="zh-CN"`."""

    def __init__(self, app: ASGIApp, lang: str = PAGE_LANG) -> None:
        self.app = app
        self.lang = f'lang="{lang}"'.encode()

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
            body = b"".join(chunks)
            head = body[:_HEAD_BYTES]
            if _EN in head:
                body = head.replace(_EN, self.lang, 1) + body[_HEAD_BYTES:]
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            if "content-length" in headers:
                headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, rewriting_send)
