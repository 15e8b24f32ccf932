"""政策问答 tab: streaming multi-turn chat with a citation panel beside it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.errors import UserError
from assistant.schema import Answer
from assistant.services import Services
from assistant.ui.common import document_index, friendly
from assistant.ui.render import (
    answer_markdown,
    citations_html,
    end_user_text,
    mode_note_html,
    streaming_markdown,
)

EXAMPLES = [
    "发标后最快几天可以开标？",
    "投标保证金最多能收多少？",
    "婺城区改革方案对评定分离有什么要求？",
    "招标文件能否限定投标人的所有制形式？",
]

# After an answer arrives, show it from its first line (the chat does not jump to the bottom of a long answer).
SCROLL_TO_ANSWER_JS = """() => {
  const bots = document.querySelectorAll('#qa-chatbot [data-testid="bot"]');
  const last = bots[bots.length - 1];
  if (!last) { return []; }
  let box = last.parentElement;
  while (box && !(box.scrollHeight > box.clientHeight + 4 && getComputedStyle(box).overflowY !== 'visible')) {
    box = box.parentElement;
  }
  if (box) { box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8; }
  return [];
}"""


_THINKING = '<div class="cite-panel"><div class="empty">正在检索法规条文……</div></div>'


def _constant(value: str) -> Callable[[], str]:
    return lambda: value


def build(services: Services) -> None:  # noqa: C901 - Gradio layout and event wiring in one Blocks context (helper ui)
    """Lay out the tab inside the current Blocks context and wire its events."""
    history = gr.State([])  # list[tuple[question, answer]] sent to qa.stream for follow-up questions
    answers = gr.State([])  # one Answer dump per assistant message, to re-show its citations on click

    gr.HTML(mode_note_html(services.describe()))
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="对话",
                show_label=False,
                height=470,
                placeholder="**您好！我可以回答招投标政策问题，并给出《法规》第几条的出处。**<br>"
                            "可以直接输入问题，或点击下方的示例问题。",
                buttons=["copy"],
                autoscroll=False,
                feedback_options=None,
                elem_id="qa-chatbot",
            )
            with gr.Row():
                question = gr.Textbox(
                    placeholder="请输入政策问题，例如：投标保证金最多能收多少？（回车发送）",
                    label="问题", show_label=False, lines=1, max_lines=4, scale=8, elem_id="qa-question",
                )
                ask = gr.Button("提问", variant="primary", scale=1, min_width=80, elem_id="qa-ask")
            gr.Markdown("**示例问题**（点击即可提问）：")
            with gr.Row():
                example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in EXAMPLES]
            clear = gr.Button("开始新对话", size="sm", variant="secondary")
        with gr.Column(scale=2):
            gr.Markdown("### 引用条文\n点击条文标题可展开全文；点击对话中的某个回答可查看它的引用。")
            cites = gr.HTML(citations_html(None), elem_id="qa-citations")

    @friendly
    def respond(q: str, chat: list[dict[str, Any]], hist: list, ans: list) -> Iterator[tuple]:
        q = (q or "").strip()
        if not q:
            raise gr.Error("请先输入问题。", title="提示")
        if len(q) > 2000:
            raise gr.Error("问题过长（超过 2000 字），请精简后再问。", title="提示")
        chat = [*list(chat or []), {"role": "user", "content": q}, {"role": "assistant", "content": "正在检索……"}]
        yield "", chat, hist, ans, _THINKING
        text, final = "", None
        try:
            for part in services.qa.stream(q, history=[tuple(h) for h in (hist or [])]):
                if isinstance(part, Answer):
                    final = part
                elif part:  # the model's text before its citations are checked: labelled as such
                    text += part
                    chat[-1] = {"role": "assistant", "content": streaming_markdown(text)}
                    yield "", chat, hist, ans, _THINKING
        except UserError as exc:
            chat[-1] = {"role": "assistant", "content": f"⚠️ {end_user_text(exc.message)}"}
            yield "", chat, hist, ans, citations_html(None)
            return
        if final is None:  # a stream must end with the Answer; fall back to the blocking call
            final = services.qa.ask(q, history=[tuple(h) for h in (hist or [])])
        chat[-1] = {"role": "assistant", "content": answer_markdown(final)}
        hist = [*list(hist or []), (q, final.answer)]
        ans = [*list(ans or []), final.model_dump(mode="json")]
        yield "", chat, hist, ans, citations_html(final, document_index(services))

    def show_citations(ans: list, evt: gr.SelectData) -> str:
        # Assistant messages are every second message; map the clicked message to its answer.
        idx = evt.index if isinstance(evt.index, int) else (evt.index[0] if evt.index else 0)
        n = idx // 2
        if 0 <= n < len(ans or []):
            return citations_html(Answer.model_validate(ans[n]), document_index(services))
        return gr.skip()

    outputs = [question, chatbot, history, answers, cites]
    inputs = [question, chatbot, history, answers]
    ask.click(respond, inputs, outputs, concurrency_id="chat", show_progress="hidden").then(
        None, js=SCROLL_TO_ANSWER_JS)
    question.submit(respond, inputs, outputs, concurrency_id="chat", show_progress="hidden").then(
        None, js=SCROLL_TO_ANSWER_JS)
    for button in example_buttons:
        button.click(_constant(button.value), None, question, queue=False).then(
            respond, inputs, outputs, concurrency_id="chat", show_progress="hidden").then(None, js=SCROLL_TO_ANSWER_JS)
    chatbot.select(show_citations, [answers], cites, queue=False)
    clear.click(lambda: ([], [], [], citations_html(None), ""), None, [chatbot, history, answers, cites, question],
                queue=False)
